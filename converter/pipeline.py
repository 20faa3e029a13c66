"""The pipeline: paths → sources → readers → transforms → assembly → resources → writers.

``build_all`` builds the books of a configuration (each an (inputs, options) pair); inputs
that several books share are read once. After assembly each book gets its images resolved
and its cover (generated, or a given image), then every format is written.

Reading is a pure function of a post file and the options, so posts are read in parallel
worker processes. One failing post is reported and skipped; one failing output is reported
and the other outputs are still written. Every output file is written to a temporary file
and renamed into place, so a failure never leaves a half-written book behind.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .assemble.books import assemble
from .assemble.cover import render_cover
from .core import digests
from .core.cachestore import CacheStore, code_fingerprint, content_key
from .core.diagnostics import Diagnostic, Diagnostics
from .core.errors import ConverterError, SourceError
from .core.limits import TimeLimitExceeded, time_limit
from .core.model import Book, Document, from_data, to_data, to_json
from .core.options import BookOptions, BuildOptions, ReadOptions, ResourceOptions, WriteOptions
from .core.progress import NoProgress, Progress, StageClock
from .core.workers import MB, WorkerLimits, run_isolated
from .fonts.coverage import describe, missing_glyphs
from .fonts.files import installed_fingerprint
from .readers import read_post
from .resources import (
    ResolveStats, Resolver, ResourceStore, Unavailable, feed_fetcher, image_requests, resolve_images,
)
from .sources import Discovered, discover, load_post
from .transforms import normalize, prepare
from .writers import WriteContext, Writer, get_writer, stage, writing_order
from .writers.output import atomic_target, output_lock, safe_stem, unique_stem
from .writers.theme import settings as theme_settings

CACHE_FOLDER = ".converter-cache"
# How often the build cache is looked through for entries to remove.
PRUNE_EVERY = 24 * 3600
WAITING = "waiting for another build writing into the output folder"


@dataclass(slots=True)
class ReadResult:
    """Outcome of reading one post: a document, a skipped draft (None) or an error."""

    path: Path
    doc: Document | None
    error: ConverterError | None
    diagnostics: list
    root: Path


def read_one(found: Discovered, options: ReadOptions) -> ReadResult:
    """Read and normalize one post, and check that the installed fonts draw every
    character of it; never raises for a bad post, and gives up on one that takes longer
    than ``options.time_limit`` seconds."""
    try:
        with time_limit(options.time_limit):
            raw, diag = load_post(found, options)
            if raw is None:
                return ReadResult(found.path, None, None, diag.items, found.root)
            doc = normalize(read_post(raw, diag, options), options, diag)
            missing = missing_glyphs(doc)
            if missing:
                diag.warn("missing-glyph", f"no installed font has {describe(missing)}")
        return ReadResult(found.path, doc, None, diag.items, found.root)
    except ConverterError as exc:
        exc.path = exc.path or found.name
        return ReadResult(found.path, None, exc, [], found.root)
    except TimeLimitExceeded as exc:
        return ReadResult(found.path, None, SourceError(f"reading the post {exc}; skipped", path=found.name),
                          [], found.root)
    except RecursionError:
        return ReadResult(found.path, None, SourceError("post is nested too deeply to read", path=found.name),
                          [], found.root)
    except Exception as exc:  # a bug must not take the batch down; it is reported, not hidden
        error = ConverterError(f"internal error while reading: {type(exc).__name__}: {exc}", path=found.name,
                               hint="please report this with the post attached")
        return ReadResult(found.path, None, error, [], found.root)


def _canonical(options) -> str:
    """Options as canonical JSON (sets sorted, paths as text): part of cache keys."""
    def plain(value):
        if dataclasses.is_dataclass(value):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, (set, frozenset)):
            return sorted(plain(v) for v in value)
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return str(value) if isinstance(value, Path) else value
    return json.dumps(plain(options), sort_keys=True, ensure_ascii=False)


def _read_key(found: Discovered, options_json: str) -> str | None:
    """The build cache's key of a post: the tool's code, the installed fonts (the glyph
    check), the read options, where the post was found, its site's configuration, and its
    bytes (an item's own, for a post of an export or a feed); None when the file cannot be
    read (read_one says why)."""
    try:
        data = found.payload or found.path.read_bytes()
    except OSError:
        return None
    return content_key("read", code_fingerprint(), installed_fingerprint(), options_json, str(found.path),
                       str(found.root), _canonical(found.site), found.item, found.origin, data)


def _encode(result: ReadResult) -> bytes:
    return json.dumps({"doc": to_data(result.doc) if result.doc is not None else None,
                       "diagnostics": [[d.code, d.message, d.path, d.severity] for d in result.diagnostics]},
                      ensure_ascii=False).encode("utf-8")


def _decode(data: bytes, found: Discovered) -> ReadResult | None:
    try:
        entry = json.loads(data)
        doc = from_data(entry["doc"]) if entry["doc"] is not None else None
        diagnostics = [Diagnostic(*d) for d in entry["diagnostics"]]
    except (ValueError, KeyError, TypeError):  # an entry of another shape: read again
        return None
    return ReadResult(found.path, doc, None, diagnostics, found.root)


def read_all(found: list[Discovered], options: ReadOptions, jobs: int = 0, store: CacheStore | None = None,
             progress: Progress | None = None) -> list[ReadResult]:
    """Read every post, in worker processes when there are many; results keep input order.

    With a ``store``, a post read before with the same bytes, options and code comes from the
    build cache, and every post read now (or skipped as a draft) is stored there."""
    progress = progress or NoProgress()
    progress.start("reading", len(found))
    results: list[ReadResult | None] = [None] * len(found)
    keys: list[str | None] = [None] * len(found)
    if store is not None:
        options_json = _canonical(options)
        for i, f in enumerate(found):
            keys[i] = _read_key(f, options_json)
            data = store.get(keys[i]) if keys[i] else None
            results[i] = _decode(data, f) if data is not None else None
            if results[i] is not None:
                progress.advance("reading")
    todo = [i for i, r in enumerate(results) if r is None]

    def done(n: int, result: ReadResult) -> None:
        i = todo[n]
        results[i] = result
        progress.advance("reading")
        if store is not None and keys[i] and result.error is None:
            store.put(keys[i], _encode(result))

    _read_many([found[i] for i in todo], options, jobs, done)
    progress.finish("reading")
    for key, result in zip(keys, results):
        if key and result is not None and result.doc is not None:
            # The read's key names the document: later cache keys of its chapter use it
            # instead of hashing the document again.
            digests.remember(result.doc, key)
    return results  # type: ignore[return-value]


def _failed_read(found: Discovered, reason: str) -> ReadResult:
    """A post that could not be read within the limits (or whose reader died)."""
    hint = ("--post-timeout sets the limit" if "longer than" in reason
            else "--worker-memory sets the limit" if "memory" in reason else "")
    return ReadResult(found.path, None, SourceError(f"cannot be read: {reason}; skipped", path=found.name, hint=hint),
                      [], found.root)


def _read_many(found: list[Discovered], options: ReadOptions, jobs: int,
               done: Callable[[int, ReadResult], None] | None = None) -> list[ReadResult]:
    """``read_one`` over ``found``, in input order, in supervised worker processes (``jobs``,
    default one per core), each post under the time and memory limits of ``options``; a
    post that overruns, or kills its worker, fails alone. ``done(i, result)`` is called as
    each post is read."""
    limits = WorkerLimits(options.time_limit, options.memory_limit * MB)
    return run_isolated(functools.partial(read_one, options=options), found, _failed_read,
                        jobs=jobs or os.cpu_count() or 1, limits=limits, done=done)


@dataclass(slots=True)
class BuildReport:
    """What a build did: files written, posts and outputs that failed, warnings."""

    outputs: list[Path] = field(default_factory=list)
    failures: list[ConverterError] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    posts: int = 0
    drafts_skipped: int = 0
    images: ResolveStats = field(default_factory=ResolveStats)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures


def _default_title(inputs: tuple[str, ...], found: list[Discovered]) -> str:
    """The site's name when the posts come from one site (its configuration, an export's or
    a feed's title), else the one folder's name, else "Posts"."""
    titles = {f.site.title if f.site is not None else "" for f in found}
    if len(titles) == 1 and (title := titles.pop()):
        return title
    if len(inputs) == 1 and Path(inputs[0]).is_dir():
        return Path(inputs[0]).resolve().name
    return "Posts"


def _resolve_book(book: Book, resolver: Resolver, diag: Diagnostics) -> Book:
    parts = []
    for part in book.parts:
        chapters = []
        for doc in part.chapters:
            post_diag = Diagnostics(doc.meta.source_path)
            chapters.append(resolve_images(doc, resolver, post_diag))
            diag.extend(post_diag)
        parts.append(dataclasses.replace(part, chapters=tuple(chapters)))
    return dataclasses.replace(book, parts=tuple(parts))


def output_steps(writer: Writer, options: WriteOptions) -> tuple[str, ...]:
    """The typography steps ``writer`` asks for, minus those the options switch off."""
    return tuple(n for n in writer.transforms if n != "cjk-spacing" or options.cjk_spacing)


def cache_dir(options: BuildOptions) -> Path:
    """The resource cache: ``--cache-dir``, else ``.converter-cache`` beside the output folder."""
    return options.resources.cache_dir or options.output_dir.resolve().parent / CACHE_FOLDER


def _with_cover(book: Book, options: BuildOptions, resolver: Resolver, work: Path, diag: Diagnostics) -> Book:
    """``book`` with its cover image as a resource: generated, or the image the options
    name (read through a resolver confined to that image's folder)."""
    choice = options.book.cover
    # "auto": a cover for a book of several posts, and for every volume of a series alike.
    if choice == "none" or (choice == "auto" and len(book.chapters) < 2 and not book.meta.series):
        return book
    if choice in ("auto", "generate"):
        theme = theme_settings(options.write.theme)
        png = render_cover(book.meta, background=theme.cover.background, foreground=theme.cover.foreground,
                           accent=theme.cover.accent, style=theme.fonts, diag=diag)
        path = work / "covers" / f"cover-{hashlib.sha256(png).hexdigest()[:16]}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
    else:
        path = Path(choice).resolve()
    try:
        with Resolver((path.parent,), work / "cover-data") as cover_resolver:
            resource = cover_resolver.resolve(quote(path.name), path)
    except Unavailable as exc:
        diag.warn("cover-unavailable", f"{path}: {exc}; the book has no cover")
        return book
    resolver.store.add(resource)
    return dataclasses.replace(book, meta=dataclasses.replace(book.meta, cover=resource.id))


def _stem(book: Book, template: str) -> str:
    """The output file name (no extension) from the ``output_name`` template."""
    if not template:
        return safe_stem(book.meta.title)
    name = template.replace("{title}", book.meta.title).replace("{volume}", book.meta.volume)
    if book.meta.volume and "{volume}" not in template and "{title}" not in template:
        name = f"{name} · {book.meta.volume}"
    return safe_stem(name)


def _read(inputs: tuple[str, ...], options: BuildOptions, report: BuildReport, jobs: int,
          clock: StageClock) -> tuple[list[Document], list[Path], str]:
    """The documents of ``inputs``, the roots they were found under and the books' default
    title; failures, drafts and warnings go to ``report``."""
    found, errors = discover(inputs, feed_fetcher(options.resources))
    report.failures.extend(errors)
    docs: list[Document] = []
    roots: list[Path] = []
    for result in read_all(found, options.read, jobs, store=_store(options, "posts"), progress=clock):
        report.diagnostics.extend(result.diagnostics)
        if result.error is not None:
            report.failures.append(result.error)
        elif result.doc is None:
            report.drafts_skipped += 1
        else:
            docs.append(result.doc)
            roots.append(result.root)
    report.posts += len(docs)
    return docs, roots, _default_title(inputs, found)


def _store(options: BuildOptions, kind: str) -> CacheStore | None:
    """The build cache's entries of ``kind`` (``posts``, ``links``, ``pdf``...), or None with
    --no-cache."""
    return CacheStore(cache_dir(options) / "build" / kind) if options.build_cache else None


def build(inputs: tuple[str, ...], options: BuildOptions, progress: Progress | None = None,
          jobs: int = 0) -> BuildReport:
    """Build books from ``inputs`` into ``options.output_dir``."""
    return build_all([(inputs, options)], progress=progress, jobs=jobs)


def build_all(specs: list[tuple[tuple[str, ...], BuildOptions]], progress: Progress | None = None,
              jobs: int = 0) -> BuildReport:
    """Build every (inputs, options) pair; inputs shared by several books are read once.

    All images of a spec's books are resolved (downloaded in parallel) before its first
    output is written; each writer sees the resources as variants made for its format.
    ``progress`` is told about every stage; ``report.timings`` says how long each took."""
    clock = StageClock(progress)
    report = BuildReport(timings=clock.seconds)
    read: dict[tuple, tuple[list[Document], list[Path], str]] = {}
    taken: dict[Path, set[str]] = {}
    with tempfile.TemporaryDirectory(prefix="converter-") as work_name:
        work = Path(work_name)
        for inputs, options in specs:
            key = (inputs, options.read, cache_dir(options) if options.build_cache else None)
            if key not in read:
                read[key] = _read(inputs, options, report, jobs, clock)
            docs, roots, default_title = read[key]
            if not docs:
                if not report.failures:
                    report.failures.append(ConverterError("no posts to build (drafts are skipped unless --drafts)"))
                continue
            try:
                with clock.stage("assembling"):
                    books = assemble(docs, options.book, default_title, report.diagnostics,
                                     store=_store(options, "links"))
            except Exception as exc:  # noqa: BLE001 - reported, and the other specs still build
                report.failures.append(_internal("assembling the books", exc))
                continue
            if not books:
                report.failures.append(ConverterError("no posts pass the book's filters", hint=", ".join(inputs)))
                continue
            with Resolver(tuple(roots), cache_dir(options), options.resources, targets=options.formats,
                          progress=clock, stats=report.images) as resolver:
                resolver.prefetch(image_requests(doc for book in books for doc in book.chapters))
                for book in books:
                    try:
                        book = _with_cover(_resolve_book(book, resolver, report.diagnostics), options, resolver,
                                           work, report.diagnostics)
                    except Exception as exc:  # noqa: BLE001 - one book lost, not the batch
                        report.failures.append(_internal(f"preparing the book {book.meta.title!r}", exc))
                        continue
                    stem = unique_stem(_stem(book, options.output_name), taken.setdefault(options.output_dir, set()))
                    # One build writes into a folder at a time; a second one waits here.
                    try:
                        with output_lock(options.output_dir, lambda _message: clock.start(WAITING)) as waited:
                            if waited:
                                clock.finish(WAITING)
                            _write_book(book, stem, options, resolver, report, clock, jobs)
                    except OSError as exc:
                        report.failures.append(ConverterError(
                            f"cannot write into the output folder: {exc.strerror or exc}", path=options.output_dir))
    digests.forget()
    for folder in {cache_dir(options) / "build" for _, options in specs if options.build_cache}:
        _prune(folder)
    return report


def _prune(folder: Path) -> None:
    """Remove the build cache's entries unused for a month, at most once a day: looking at
    every entry costs a noticeable part of a build that reuses them all."""
    stamp = folder / ".pruned"
    try:
        if time.time() - stamp.stat().st_mtime < PRUNE_EVERY:
            return
    except OSError:
        pass
    for kind in (folder.iterdir() if folder.is_dir() else ()):
        if kind.is_dir():
            CacheStore(kind).prune()
    try:
        stamp.touch()
    except OSError:
        pass


def _internal(doing: str, exc: Exception) -> ConverterError:
    """A bug met while ``doing`` something, as a failure the report can carry."""
    return ConverterError(f"internal error while {doing}: {type(exc).__name__}: {exc}",
                          hint="please report this with the posts attached")


def _write_book(book: Book, stem: str, options: BuildOptions, resolver: Resolver, report: BuildReport,
                clock: StageClock, jobs: int) -> None:
    """Every format of ``book``: each writer with the image variants of its format and the
    typography steps it asks for; a writer that uses another's product after it."""
    shared: dict = {}
    for fmt in writing_order(options.formats):
        writer = get_writer(fmt)
        target = options.output_dir / f"{stem}{writer.extension}"
        write = options.write if options.write.cache_dir else dataclasses.replace(
            options.write, cache_dir=cache_dir(options) / "fonts")
        steps = output_steps(writer, options.write)
        ctx = WriteContext(resolver.store.view(fmt), write, report.diagnostics,
                           prepare=functools.partial(prepare, names=steps, options=options.read,
                                                     diag=report.diagnostics),
                           progress=clock, cache=_store(options, fmt), jobs=jobs, shared=shared)
        try:
            with clock.stage(stage(fmt)), atomic_target(target) as tmp:
                writer.write(book, tmp, ctx)
        except ConverterError as exc:
            exc.path = str(target)  # the file the user asked for, not the temporary one
            report.failures.append(exc)
            continue
        except Exception as exc:  # noqa: BLE001 - a bug in one writer must not cost the other outputs
            failure = _internal(f"writing {fmt}", exc)
            failure.path = str(target)
            report.failures.append(failure)
            continue
        report.outputs.append(target)


def inspect_documents(paths: tuple[str, ...], options: ReadOptions, jobs: int = 1) -> Iterator[ReadResult]:
    """Read posts for ``converter inspect`` (nothing is resolved or written), in input
    order, in ``jobs`` worker processes (0: one per core)."""
    found, errors = discover(paths, feed_fetcher(ResourceOptions()))
    for error in errors:
        yield ReadResult(Path(error.path or ""), None, error, [], Path("."))
    yield from _read_many(found, options, jobs)


def render_document(doc: Document, fmt: str) -> str:
    """One post as ``converter inspect`` shows it: ``json`` is the model's serialization;
    ``html`` and ``text`` are what the HTML and text writers make of a book of this post
    alone (nothing resolved: images are placeholders naming their source)."""
    if fmt == "json":
        return to_json(doc)
    writer = get_writer({"html": "html", "text": "txt"}[fmt])
    diag = Diagnostics(doc.meta.source_path)
    [book] = assemble([doc], BookOptions(per_post=True), doc.meta.title, diag)
    prepare_one = functools.partial(prepare, names=output_steps(writer, WriteOptions()), options=ReadOptions(),
                                    diag=diag)
    with tempfile.TemporaryDirectory(prefix="converter-inspect-") as work:
        target = Path(work) / f"post{writer.extension}"
        writer.write(book, target, WriteContext(ResourceStore().view(writer.name), WriteOptions(), diag,
                                                prepare=prepare_one))
        return target.read_text(encoding="utf-8").rstrip("\n")
