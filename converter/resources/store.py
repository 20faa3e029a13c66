"""The resources of one build, by id, and the variant of each that an output format can show.

Writers never open a path or a URL a post names: they look an image up by its id in a
store (or in a :class:`TargetView` of it, which hands out the variant made for their
format) and embed the file of the :class:`Resource` they get, or draw a placeholder when
they get ``None``; ``reason`` says why a placeholder is one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..core.errors import ConverterError, ResourceError
from .once import OnceMap


@dataclass(frozen=True, slots=True)
class Resource:
    """A resolved image: a local file the writers may embed.

    ``id`` is content-addressed (``img-<sha256 prefix>.<ext>``), so an image used by many
    posts, or named by many URLs, is one resource. ``source`` is the URL or path a post
    named it by (the first one seen), shown on placeholders.
    """

    id: str
    path: Path
    media_type: str
    width: int
    height: int
    source: str = ""


class Unavailable(ResourceError):
    """An image that cannot be had; the message is the reason shown to the user.

    ``kind`` groups reasons for summaries and tests: ``refused`` (not allowed by policy),
    ``missing`` (404, no such file), ``unreachable`` (DNS, connection), ``timeout``,
    ``http`` (other HTTP errors), ``too-large``, ``not-image``, ``unsupported``,
    ``offline`` (not in the cache and not fetched). ``host_level`` says the whole host is
    unusable, not just this URL. ``note`` adds what the user may do about it (shown in the
    warning, not on the placeholder: a book must not depend on the state of the cache).
    """

    def __init__(self, reason: str, kind: str = "refused", *, host_level: bool = False, note: str = "") -> None:
        super().__init__(f"{reason} ({note})" if note else reason)
        self.reason = reason
        self.kind = kind
        self.host_level = host_level


@contextlib.contextmanager
def one_image_only(doing: str) -> Iterator[None]:
    """Turn an unexpected exception while ``doing`` something with one image into
    :class:`Unavailable`: decoders meet every kind of broken file in scraped archives, and
    a surprise must cost that image (with a warning that asks for a report), not the batch."""
    try:
        yield
    except ConverterError:
        raise
    except Exception as exc:
        raise Unavailable(f"internal error while {doing}: {type(exc).__name__}: {exc} "
                          "(please report this with the image)", "unsupported") from exc


VariantMaker = Callable[[Resource, str], Resource]


class ResourceLookup(Protocol):
    """What writers need from a store: a resource by id, the source behind an id, and why
    an image is not there (for its placeholder)."""

    def get(self, key: str) -> Resource | None: ...

    def source(self, key: str) -> str: ...

    def reason(self, key: str) -> str: ...


@dataclass(slots=True)
class ResourceStore:
    """Resources of one build, by id, with their per-target variants.

    ``make_variant(resource, target)`` returns the variant of ``resource`` for an output
    format (``epub``, ``pdf``, ``docx``, ``html``...) or raises :class:`Unavailable`; each is
    made once. Without it every target gets the resource as it is.
    """

    items: dict[str, Resource] = field(default_factory=dict)
    make_variant: VariantMaker | None = None
    refused: dict[str, str] = field(default_factory=dict)  # src that could not be had → why
    _variants: OnceMap = field(default_factory=OnceMap)
    _made: dict[tuple[str, str], Resource] = field(default_factory=dict)  # (target, variant id) →

    def add(self, resource: Resource) -> Resource:
        """Add ``resource`` unless its id is known; return the one the store keeps."""
        return self.items.setdefault(resource.id, resource)

    def get(self, key: str) -> Resource | None:
        return self.items.get(key)

    def refuse(self, src: str, reason: str) -> None:
        """Remember that the image ``src`` could not be had, and why."""
        self.refused.setdefault(src, reason)

    def reason(self, key: str) -> str:
        """Why ``key`` (an image source) is no resource: '' when it is one or nobody said."""
        return self.refused.get(key, "")

    def source(self, key: str) -> str:
        """The URL or path behind ``key`` (``key`` itself when it is no resource id), as a
        placeholder shows it: an inline ``data:`` image is named, not spelled out."""
        resource = self.items.get(key)
        source = (resource.source or key) if resource is not None else key
        return source.split(",", 1)[0][:100] + ",…" if source[:5].lower() == "data:" else source

    def variant(self, key: str, target: str) -> Resource:
        """The variant of resource ``key`` for ``target``; raises :class:`Unavailable`."""
        resource = self.items.get(key)
        if resource is None:
            raise Unavailable(f"no resource {key!r}", "missing")
        if self.make_variant is None:
            return resource
        return self._variants.get((key, target), lambda: self._make(resource, target))

    def _make(self, resource: Resource, target: str) -> Resource:
        with one_image_only(f"preparing the image for {target}"):
            made = self.make_variant(resource, target)
        self._made[(target, made.id)] = made
        return made

    def made_for(self, key: str, target: str) -> Resource | None:
        """The variant made for ``target`` whose own id is ``key`` (renderers that fetch by
        URL ask with the id they were given)."""
        return self._made.get((target, key))

    def for_target(self, key: str, target: str) -> Resource | None:
        """The variant of ``key`` for ``target``, or ``None`` when it cannot be made."""
        try:
            return self.variant(key, target)
        except Unavailable:
            return None

    def view(self, target: str) -> TargetView:
        """This store as one output format sees it."""
        return TargetView(self, target)

    def __contains__(self, key: str) -> bool:
        return key in self.items

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.items.values())

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class TargetView:
    """A store seen by one output format: ``get`` returns the variant made for it."""

    store: ResourceStore
    target: str

    def get(self, key: str) -> Resource | None:
        """The variant for this target of resource ``key``, or the variant whose id is ``key``."""
        return self.store.for_target(key, self.target) or self.store.made_for(key, self.target)

    def source(self, key: str) -> str:
        return self.store.source(key)

    def reason(self, key: str) -> str:
        """Why this target shows a placeholder for ``key``: the image could not be had, or
        no variant of it can be made for this target; '' when it shows the image."""
        if key not in self.store.items:
            return self.store.reason(key)
        try:
            self.store.variant(key, self.target)
        except Unavailable as exc:
            return str(exc)
        return ""

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None
