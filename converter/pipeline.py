"""The pipeline: paths → sources → readers → transforms → assembly → resources → writers.

Reading is a pure function of a post file and the options, so posts are read in parallel
worker processes. One failing post is reported and skipped; one failing output is reported
and the other outputs are still written. Every output file is written to a temporary file
and renamed into place, so a failure never leaves a half-written book behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble
from .diagnostics import Diagnostics
from .errors import ConverterError, SourceError
from .filenames import safe_stem, unique_stem
from .model import Book, Document
from .options import BuildOptions, ReadOptions
from .readers import read_post
from .resources import FetchProgress, ResolveStats, Resolver, image_requests, resolve_images
from .sources import Discovered, discover, load_post
from .coverage import describe, missing_glyphs
from .transforms import normalize, prepare
from .writers import WriteContext, get_writer

PARALLEL_THRESHOLD = 12
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
    """Read and normalize one post; never raises for a bad post."""
    try:
        raw, diag = load_post(found, options)
        if raw is None:
            return ReadResult(found.path, None, None, diag.items, found.root)
        doc = normalize(read_post(raw, diag, options), options, diag)
        return ReadResult(found.path, doc, None, diag.items, found.root)
    except ConverterError as exc:
        return ReadResult(found.path, None, exc, [], found.root)
    except RecursionError:
        return ReadResult(found.path, None, SourceError("post is nested too deeply to read", path=found.path),
                          [], found.root)
    except Exception as exc:  # a bug must not take the batch down; it is reported, not hidden
        error = ConverterError(f"internal error while reading: {type(exc).__name__}: {exc}", path=found.path,
                               hint="please report this with the post attached")
        return ReadResult(found.path, None, error, [], found.root)


def read_all(found: list[Discovered], options: ReadOptions, jobs: int = 0) -> list[ReadResult]:
    """Read every post, in worker processes when there are many; results keep input order."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(found) < PARALLEL_THRESHOLD:
        return [read_one(f, options) for f in found]
    chunk = max(1, len(found) // (jobs * 4))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(read_one, found, [options] * len(found), chunksize=chunk))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=path.suffix + ".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


@dataclass(slots=True)
class BuildReport:
    """What a build did: files written, posts and outputs that failed, warnings."""

    outputs: list[Path] = field(default_factory=list)
    failures: list[ConverterError] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    posts: int = 0
    drafts_skipped: int = 0
    images: ResolveStats | None = None

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


def check_coverage(docs: list[Document], diag: Diagnostics) -> None:
    """Warn about characters of each post that no configured font can draw."""
    for doc in docs:
        missing = missing_glyphs(doc)
        if missing:
            diag.warn("missing-glyph", f"no installed font has {describe(missing)}", path=doc.meta.source_path)


def cache_dir(options: BuildOptions) -> Path:
    """The resource cache: ``--cache-dir``, else ``.converter-cache`` beside the output folder."""
    return options.resources.cache_dir or options.output_dir.resolve().parent / CACHE_FOLDER


def build(inputs: tuple[str, ...], options: BuildOptions,
          progress: Callable[[str], None] | None = None, jobs: int = 0,
          fetch_progress: FetchProgress | None = None) -> BuildReport:
    """Build books from ``inputs`` into ``options.output_dir``.

    All images of all books are resolved (downloaded in parallel) before the first output
    is written; each writer sees the resources as variants made for its format."""
    report = BuildReport()
    say = progress or (lambda _msg: None)
    found, errors = discover(inputs)
    report.failures.extend(errors)
    say(f"reading {len(found)} post(s)")
    docs: list[Document] = []
    roots = list(options.resources.roots)
    for result in read_all(found, options.read, jobs):
        report.diagnostics.extend(result.diagnostics)
        if result.error is not None:
            report.failures.append(result.error)
        elif result.doc is None:
            report.drafts_skipped += 1
        else:
            docs.append(result.doc)
            roots.append(result.root)
    report.posts = len(docs)
    check_coverage(docs, report.diagnostics)
    if not docs:
        if not report.failures:
            report.failures.append(ConverterError("no posts to build (drafts are skipped unless --drafts)"))
        return report

    books = assemble(docs, options.book, _default_title(inputs))
    taken: set[str] = set()
    with Resolver(tuple(roots), cache_dir(options), options.resources, targets=options.formats,
                  progress=fetch_progress) as resolver:
        report.images = resolver.stats
        say("resolving images")
        resolver.prefetch(image_requests(doc for book in books for doc in book.chapters))
        for book in books:
            book = _resolve_book(book, resolver, report.diagnostics)
            stem = unique_stem(safe_stem(book.meta.title), taken)
            for fmt in options.formats:
                ctx = WriteContext(resolver.store.view(fmt), options.write, report.diagnostics)
                writer = get_writer(fmt)
                target = options.output_dir / f"{stem}{writer.EXTENSION}"
                say(f"writing {target}")
                steps = tuple(n for n in writer.TRANSFORMS if n not in options.skip_transforms)
                try:
                    with atomic_target(target) as tmp:
                        writer.write(for_output(book, steps, options.read, report.diagnostics), tmp, ctx)
                except ConverterError as exc:
                    report.failures.append(exc)
                    continue
                report.outputs.append(target)
    return report


def inspect_documents(paths: tuple[str, ...], options: ReadOptions) -> Iterator[ReadResult]:
    """Read posts for ``converter inspect`` (nothing is resolved or written)."""
    found, errors = discover(paths)
    for error in errors:
        yield ReadResult(Path(error.path or ""), None, error, [], Path("."))
    for result in read_all(found, options, jobs=1):
        yield result

