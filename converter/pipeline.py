"""The pipeline: paths → sources → readers → transforms → assembly → resources → writers.

``build_all`` builds the books of a configuration (each an (inputs, options) pair); inputs
that several books share are read once. After assembly each book gets its images resolved
and its cover (generated, or a given image), then every format is written.

Reading is a pure function of a post file and the options, so posts are read in parallel
worker processes. One failing post is reported and skipped; one failing output is reported
and the other outputs are still written. Every output file is written to a temporary file
and renamed into place, so a failure never leaves a half-written book behind, and one build
at a time writes into an output folder.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .assemble.books import assemble
from .assemble.cover import render_cover
from .core.diagnostics import Diagnostics
from .core.errors import ConverterError, SourceError
from .core.limits import TimeLimitExceeded, time_limit
from .core.model import Book, Document, to_json
from .core.options import BookOptions, BuildOptions, ReadOptions, WriteOptions
from .core.workers import MB, WorkerLimits, run_isolated
from .fonts.coverage import describe, missing_glyphs
from .readers import read_post
from .resources import (
    FetchProgress, ResolveStats, Resolver, ResourceStore, Unavailable, image_requests, resolve_images,
)
from .sources import Discovered, discover, load_post
from .transforms import normalize, prepare
from .writers import WriteContext, Writer, get_writer
from .writers.output import atomic_target, output_lock, safe_stem, unique_stem
from .writers.theme import settings as theme_settings

CACHE_FOLDER = ".converter-cache"


@dataclass(slots=True)
class ReadResult:
    """Outcome of reading one post: a document, a skipped draft (None) or an error."""

    path: Path
    doc: Document | None
    error: ConverterError | None
    diagnostics: list
    root: Path


def read_one(found: Discovered, options: ReadOptions) -> ReadResult:
    """Read and normalize one post; never raises for a bad post, and gives up on one that
    takes longer than ``options.time_limit`` seconds."""
    try:
        with time_limit(options.time_limit):
            raw, diag = load_post(found, options)
            if raw is None:
                return ReadResult(found.path, None, None, diag.items, found.root)
            doc = normalize(read_post(raw, diag, options), options, diag)
        return ReadResult(found.path, doc, None, diag.items, found.root)
    except ConverterError as exc:
        return ReadResult(found.path, None, exc, [], found.root)
    except TimeLimitExceeded as exc:
        return _failed_read(found, str(exc))
    except RecursionError:
        return ReadResult(found.path, None, SourceError("post is nested too deeply to read", path=found.path),
                          [], found.root)
    except MemoryError:
        return _failed_read(found, f"needs more than the memory limit of {options.memory_limit} MB")
    except Exception as exc:  # a bug must not take the batch down; it is reported, not hidden
        error = ConverterError(f"internal error while reading: {type(exc).__name__}: {exc}", path=found.path,
                               hint="please report this with the post attached")
        return ReadResult(found.path, None, error, [], found.root)


def _failed_read(found: Discovered, reason: str) -> ReadResult:
    """A post that could not be read within the limits (or whose reader died)."""
    hint = ("--post-timeout sets the limit" if "longer than" in reason
            else "--worker-memory sets the limit" if "memory" in reason else "")
    return ReadResult(found.path, None, SourceError(f"cannot be read: {reason}; skipped", path=found.path, hint=hint),
                      [], found.root)


def read_all(found: list[Discovered], options: ReadOptions, jobs: int = 0) -> list[ReadResult]:
    """Read every post in worker processes (``jobs``, default one per core), each post
    under the time and memory limits of ``options``; results keep input order. A post that
    overruns, or kills its worker, fails alone."""
    jobs = jobs or os.cpu_count() or 1
    limits = WorkerLimits(options.time_limit, options.memory_limit * MB)
    return run_isolated(functools.partial(read_one, options=options), found, _failed_read, jobs=jobs,
                        limits=limits)


@dataclass(slots=True)
class BuildReport:
    """What a build did: files written, posts and outputs that failed, warnings."""

    outputs: list[Path] = field(default_factory=list)
    failures: list[ConverterError] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    posts: int = 0
    drafts_skipped: int = 0
    images: ResolveStats = field(default_factory=ResolveStats)

    @property
    def ok(self) -> bool:
        return not self.failures


def _default_title(inputs: tuple[str, ...]) -> str:
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


def for_output(book: Book, steps: tuple[str, ...], options: ReadOptions, diag: Diagnostics) -> Book:
    """``book`` with the output typography ``steps`` a writer asked for applied."""
    if not steps:
        return book
    parts = [dataclasses.replace(part, chapters=tuple(prepare(d, steps, options, diag) for d in part.chapters))
             for part in book.parts]
    return dataclasses.replace(book, parts=tuple(parts))


def output_steps(writer: Writer, options: WriteOptions) -> tuple[str, ...]:
    """The typography steps ``writer`` asks for, minus those the options switch off."""
    return tuple(n for n in writer.transforms if n != "cjk-spacing" or options.cjk_spacing)


def check_coverage(docs: list[Document], diag: Diagnostics) -> None:
    """Warn about characters of each post that no configured font can draw."""
    for doc in docs:
        missing = missing_glyphs(doc)
        if missing:
            diag.warn("missing-glyph", f"no installed font has {describe(missing)}", path=doc.meta.source_path)


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


def _read(inputs: tuple[str, ...], options: ReadOptions, report: BuildReport, jobs: int,
          say: Callable[[str], None]) -> tuple[list[Document], list[Path]]:
    """The documents of ``inputs`` and the roots they were found under; failures, drafts
    and warnings go to ``report``."""
    found, errors = discover(inputs)
    report.failures.extend(errors)
    say(f"reading {len(found)} post(s)")
    docs: list[Document] = []
    roots: list[Path] = []
    for result in read_all(found, options, jobs):
        report.diagnostics.extend(result.diagnostics)
        if result.error is not None:
            report.failures.append(result.error)
        elif result.doc is None:
            report.drafts_skipped += 1
        else:
            docs.append(result.doc)
            roots.append(result.root)
    report.posts += len(docs)
    return docs, roots


def build(inputs: tuple[str, ...], options: BuildOptions,
          progress: Callable[[str], None] | None = None, jobs: int = 0,
          fetch_progress: FetchProgress | None = None) -> BuildReport:
    """Build books from ``inputs`` into ``options.output_dir``."""
    return build_all([(inputs, options)], progress=progress, jobs=jobs, fetch_progress=fetch_progress)


def build_all(specs: list[tuple[tuple[str, ...], BuildOptions]],
              progress: Callable[[str], None] | None = None, jobs: int = 0,
              fetch_progress: FetchProgress | None = None) -> BuildReport:
    """Build every (inputs, options) pair; inputs shared by several books are read once.

    All images of a spec's books are resolved (downloaded in parallel) before its first
    output is written; each writer sees the resources as variants made for its format."""
    report = BuildReport()
    say = progress or (lambda _msg: None)
    read: dict[tuple, tuple[list[Document], list[Path]]] = {}
    taken: dict[Path, set[str]] = {}
    with tempfile.TemporaryDirectory(prefix="converter-") as work_name:
        work = Path(work_name)
        for inputs, options in specs:
            key = (inputs, options.read)
            if key not in read:
                read[key] = _read(inputs, options.read, report, jobs, say)
                check_coverage(read[key][0], report.diagnostics)
            docs, roots = read[key]
            if not docs:
                if not report.failures:
                    report.failures.append(ConverterError("no posts to build (drafts are skipped unless --drafts)"))
                continue
            try:
                books = assemble(docs, options.book, _default_title(inputs), report.diagnostics)
            except Exception as exc:  # noqa: BLE001 - reported, and the other specs still build
                report.failures.append(_internal("assembling the books", exc))
                continue
            if not books:
                report.failures.append(ConverterError("no posts pass the book's filters", hint=", ".join(inputs)))
                continue
            with Resolver(tuple(roots), cache_dir(options), options.resources, targets=options.formats,
                          progress=fetch_progress, stats=report.images) as resolver:
                say("resolving images")
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
                        with output_lock(options.output_dir, say):
                            _write_book(book, stem, options, resolver, report, say)
                    except OSError as exc:
                        report.failures.append(ConverterError(
                            f"cannot write into the output folder: {exc.strerror or exc}", path=options.output_dir))
    return report


def _internal(doing: str, exc: Exception) -> ConverterError:
    """A bug met while ``doing`` something, as a failure the report can carry."""
    return ConverterError(f"internal error while {doing}: {type(exc).__name__}: {exc}",
                          hint="please report this with the posts attached")


def _write_book(book: Book, stem: str, options: BuildOptions, resolver: Resolver, report: BuildReport,
                say: Callable[[str], None]) -> None:
    """Every format of ``book``: each writer with the image variants of its format and the
    typography steps it asks for."""
    for fmt in options.formats:
        writer = get_writer(fmt)
        target = options.output_dir / f"{stem}{writer.extension}"
        write = options.write if options.write.cache_dir else dataclasses.replace(
            options.write, cache_dir=cache_dir(options) / "fonts")
        ctx = WriteContext(resolver.store.view(fmt), write, report.diagnostics)
        steps = output_steps(writer, options.write)
        say(f"writing {target}")
        try:
            with atomic_target(target) as tmp:
                writer.write(for_output(book, steps, options.read, report.diagnostics), tmp, ctx)
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


def inspect_documents(paths: tuple[str, ...], options: ReadOptions) -> Iterator[ReadResult]:
    """Read posts for ``converter inspect`` (nothing is resolved or written)."""
    found, errors = discover(paths)
    for error in errors:
        yield ReadResult(Path(error.path or ""), None, error, [], Path("."))
    for result in read_all(found, options, jobs=1):
        yield result


def render_document(doc: Document, fmt: str) -> str:
    """One post as ``converter inspect`` shows it: ``json`` is the model's serialization;
    ``html`` and ``text`` are what the HTML and text writers make of a book of this post
    alone (nothing resolved: images are placeholders naming their source)."""
    if fmt == "json":
        return to_json(doc)
    writer = get_writer({"html": "html", "text": "txt"}[fmt])
    diag = Diagnostics(doc.meta.source_path)
    [book] = assemble([doc], BookOptions(per_post=True), doc.meta.title, diag)
    book = for_output(book, output_steps(writer, WriteOptions()), ReadOptions(), diag)
    with tempfile.TemporaryDirectory(prefix="converter-inspect-") as work:
        target = Path(work) / f"post{writer.extension}"
        writer.write(book, target, WriteContext(ResourceStore().view(writer.name), WriteOptions(), diag))
        return target.read_text(encoding="utf-8").rstrip("\n")
