"""Command line: ``converter build`` and ``converter inspect``.

Exit status: 0 when everything was built, 1 when some posts or outputs failed (the rest
were still built; each failure is one line on stderr naming the file and the problem),
2 on usage errors.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
from pathlib import Path

import click
from click.core import ParameterSource

from . import __version__
from .errors import ConverterError
from .model import to_json
from .options import GROUPS, ORDERS, PAGE_SIZES, FetchOptions, ImageOptions, ReadOptions, ResourceOptions
from .writers import WRITERS


def _lang(value: str) -> str:
    from .config import lang_tag

    try:
        return lang_tag(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: {exc}", param_hint="--lang") from None


def _err(message: str) -> None:
    click.echo(message, err=True)


def _report(result) -> None:
    """``inspect --report``: per post, what the cleanup removed (rule, count, first text)
    and every warning; on stderr, so that stdout stays the requested format."""
    _err(f"# {result.path}")
    removed = [d for d in result.diagnostics if d.severity == "info"]
    warnings = [d for d in result.diagnostics if d.severity == "warning"]
    if not removed and not warnings:
        _err("  nothing removed, no warnings")
    for d in removed:
        _err(f"  removed  {d.code:30} {d.message}")
    for d in warnings:
        _err(f"  warning  {d.code:30} {d.message}")


# -- images and other resources: every flag in one place
_RESOURCE_FLAGS = (
    click.option("--site-root", "site_roots", multiple=True, type=click.Path(file_okay=False, exists=True,
                 path_type=Path), help="Folder that root-relative image paths (/images/a.png) resolve in (repeatable)."),
    click.option("--fetch-images/--no-fetch-images", default=True, help="Download remote images (default: on)."),
    click.option("--offline", is_flag=True, help="Take remote images from the cache only; open no connection."),
    click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                 help="Download and image cache (default: .converter-cache beside the output folder)."),
    click.option("--retry-failed", is_flag=True, help="Try again downloads and hosts that failed in earlier builds."),
    click.option("--fetch-timeout", type=click.FloatRange(0.1, 600), default=FetchOptions().timeout,
                 show_default=True, help="Seconds one download may take, redirects and retries included."),
    click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST[:PORT]",
                 help="Fetch from this loopback or private-network host too (refused otherwise; repeatable)."),
    click.option("--max-image-px", type=click.IntRange(16, 20000), default=ImageOptions().max_side,
                 show_default=True, help="Scale images down to this many pixels on their long side."),
    click.option("--image-quality", type=click.IntRange(1, 95), default=ImageOptions().quality,
                 show_default=True, help="JPEG quality of converted images."),
    click.option("--grayscale", is_flag=True, help="Make every image grayscale (e-ink readers)."),
    click.option("--keep-webp", is_flag=True, help="Keep WebP images as they are in EPUB (EPUB 3.3 readers)."),
)


def _resource_flags(command):
    for option in reversed(_RESOURCE_FLAGS):
        command = option(command)
    return command


def _resource_options(site_roots, fetch_images, offline, cache_dir, retry_failed, fetch_timeout, allow_hosts,
                      max_image_px, image_quality, grayscale, keep_webp) -> ResourceOptions:
    default = ResourceOptions()
    return ResourceOptions(
        site_roots=tuple(p.resolve() for p in site_roots),
        remote="off" if not fetch_images else "cache" if offline else "fetch",
        cache_dir=cache_dir.resolve() if cache_dir else None,
        failure_ttl=0.0 if retry_failed else default.failure_ttl,
        fetch=FetchOptions(timeout=fetch_timeout, connect_timeout=min(default.fetch.connect_timeout, fetch_timeout),
                           allow_hosts=tuple(allow_hosts)),
        images=ImageOptions(max_side=max_image_px, quality=image_quality, grayscale=grayscale, keep_webp=keep_webp),
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="converter")
def main() -> None:
    """Turn blog posts (Markdown or HTML with front matter) into EPUB, PDF and DOCX books."""


def _with_resources(options, resources: ResourceOptions):
    """The command line's resource flags apply to every book of a build."""
    return dataclasses.replace(options, resources=resources)


def _given(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="Configuration file (default: ./converter.toml, or [tool.converter] in "
                                 "./pyproject.toml).")
@click.option("--book", "books", multiple=True, help="Build only this book of the configuration (repeatable).")
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Folder for the books.")
@click.option("-f", "--formats", default="pdf,epub,docx", show_default=True,
              help=f"Comma-separated output formats ({', '.join(WRITERS)}).")
@click.option("--per-post", is_flag=True, default=None, help="One file per post instead of one book.")
@click.option("--title", default=None, help="Book title (default: the folder name).")
@click.option("--author", "authors", multiple=True, help="Book author (repeatable).")
@click.option("--lang", default=None, help="Book language as a BCP 47 tag (default: detected).")
@click.option("--group", type=click.Choice(GROUPS), default=None, help="Parts of a book by this key (default: none).")
@click.option("--order", type=click.Choice(ORDERS), default=None, help="Chapter order (default: date).")
@click.option("--split", default=None, help="One book per year|month|category|tag|author, or volumes of N posts "
                                            "(50) or of a text size (2MB).")
@click.option("--cover", default=None, help="Cover image path, or auto (default), generate, none.")
@click.option("--theme", default=None, help="Theme name (default, sans) or folder.")
@click.option("--page-size", metavar="|".join(PAGE_SIZES), default=None, help="PDF page size (default: A5).")
@click.option("--print/--screen", "print_mode", default=None,
              help="PDF for printing (binding margins, chapters on right-hand pages, URLs as footnotes) "
                   "or for screens (default).")
@click.option("--drafts", is_flag=True, default=None, help="Include posts marked as drafts.")
@click.option("--convert", type=click.Choice(["s2t", "s2tw", "s2twp", "s2hk", "t2s", "tw2sp"]), default=None,
              help="Convert Chinese text between Simplified and Traditional (OpenCC), by region.")
@click.option("--quotes", type=click.Choice(["corner", "curly"]), default=None,
              help="Quotation marks of Chinese text: corner 「」 or curly “”.")
@click.option("--cjk-spacing/--no-cjk-spacing", default=None,
              help="Quarter-em space between CJK and Latin text in PDF and EPUB (default: on).")
@click.option("--embed-fonts/--no-embed-fonts", default=None,
              help="EPUB font subsets for CJK text (default: on for CJK books).")
@click.option("--vertical", is_flag=True, default=None,
              help="EPUB in vertical writing with a right-to-left spine (Traditional Chinese, Japanese).")
@click.option("--font-dir", "font_dirs", multiple=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder of fonts to use besides the installed ones (repeatable).")
@click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0, help="Worker processes (0: one per core).")
@click.option("--strict", is_flag=True, help="Exit with status 1 when there is any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print failures only.")
@_resource_flags
@click.pass_context
def build(ctx, inputs, config_path, books, output_dir, formats, per_post, title, authors, lang, group, order,
          split, cover, theme, page_size, print_mode, drafts, convert, quotes, cjk_spacing, embed_fonts, vertical,
          font_dirs, jobs, strict, quiet, **resource_flags):
    """Build books from posts (files, folders, glob patterns), or every book of the
    configuration file when no posts are named."""
    from .cli_progress import RichFetchProgress
    from .config import BookConfig, find_config, ignored_settings, load_config, plan
    from .pipeline import build_all

    given = {
        "output_dir": str(output_dir) if _given(ctx, "output_dir") else None,
        "formats": (formats,) if _given(ctx, "formats") else None,
        "authors": tuple(authors) or None, "title": title, "lang": lang, "group": group, "order": order,
        "split": split, "cover": cover, "theme": theme, "page_size": page_size, "print": print_mode,
        "per_post": per_post, "drafts": drafts, "convert": convert, "quotes": quotes, "cjk_spacing": cjk_spacing,
        "embed_fonts": embed_fonts, "vertical": vertical,
    }
    try:
        path = config_path or find_config(Path.cwd())
        config = load_config(path) if path else None
        specs = plan(tuple(inputs), config, BookConfig(**given), tuple(books))
    except ConverterError as exc:
        _err(f"error: {exc}")
        sys.exit(2)
    for spec in specs:
        for note in ignored_settings(spec.options):
            _err(f"warning: {note}")
    if font_dirs:
        from .fontfiles import use_font_dirs

        work = Path(tempfile.mkdtemp(prefix="converter-fonts-"))  # fonts.conf and fontconfig's cache
        ctx.call_on_close(lambda: shutil.rmtree(work, ignore_errors=True))
        use_font_dirs(tuple(font_dirs), work)
    resources = _resource_options(**resource_flags)
    interactive = not quiet and sys.stderr.isatty()
    progress = (lambda msg: _err(f"· {msg}")) if interactive else None
    fetch_progress = RichFetchProgress() if interactive else None
    try:
        report = build_all([(spec.inputs, _with_resources(spec.options, resources)) for spec in specs],
                           progress=progress, jobs=jobs, fetch_progress=fetch_progress)
    except ConverterError as exc:
        _err(f"error: {exc}")
        sys.exit(2)
    warnings = report.diagnostics.warnings
    if not quiet:
        for diagnostic in warnings:
            _err(str(diagnostic))
    for failure in report.failures:
        _err(f"error: {failure}")
    if not quiet:
        for path in report.outputs:
            click.echo(str(path))
        summary = f"{report.posts} post(s), {len(report.outputs)} file(s) written"
        if report.failures:
            summary += f", {len(report.failures)} failure(s)"
        if report.drafts_skipped:
            summary += f", {report.drafts_skipped} draft(s) skipped"
        if warnings:
            summary += f", {len(warnings)} warning(s)"
        _err(summary)
        if report.images.seen:
            _err(report.images.summary())
    if strict and warnings and not report.failures:
        _err(f"error: {len(warnings)} warning(s), and --strict makes them fail the build")
    if report.failures or (strict and warnings):
        sys.exit(1)


@main.command()
@click.argument("posts", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["json", "html", "text"]), default="json", show_default=True,
              help="json: the model, one object per line; html: what the writers see; text: the body alone.")
@click.option("--drafts/--no-drafts", default=True, help="Show drafts too (default: yes).")
@click.option("--lang", default=None, help="Fallback language tag when detection is inconclusive.")
@click.option("--report", is_flag=True, help="Also list what each cleanup rule removed, and all warnings.")
@click.option("--rules", "list_rules", is_flag=True, help="List the cleanup rules and exit.")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Configuration file whose reading settings ([cleanup], convert, quotes, lang) apply "
                   "(default: converter.toml or pyproject.toml here).")
def inspect(posts, fmt, drafts, lang, report, list_rules, config_path):
    """Show how posts are read: the document model, its HTML, or its text. Posts are read
    as ``build`` reads them, with the configuration file's reading settings."""
    if list_rules:
        from .cleanup import SELECTOR_RULES, STRUCTURAL_RULES

        for rule in SELECTOR_RULES:
            click.echo(f"{rule.name:32} {rule.action:11} {rule.why}")
        for name, why in STRUCTURAL_RULES:
            click.echo(f"{name:32} {'structural':11} {why}")
        return
    if not posts:
        raise click.UsageError("give one or more posts (or --rules)")
    from .pipeline import inspect_documents
    from .writers.html import HtmlRenderer
    from .writers.plaintext import document_text
    from .resources import ResourceStore

    from .config import build_options, find_config, load_config

    try:
        path = config_path or find_config(Path.cwd())
        read = build_options(load_config(path).defaults).read if path else ReadOptions()
    except ConverterError as exc:
        _err(f"error: {exc}")
        sys.exit(2)
    read = dataclasses.replace(read, drafts=drafts, lang=_lang(lang) if lang else read.lang)
    failed = False
    for result in inspect_documents(tuple(posts), read):
        if report:
            _report(result)
        else:
            for diagnostic in result.diagnostics:
                if diagnostic.severity == "warning":
                    _err(str(diagnostic))
        if result.error is not None:
            _err(f"error: {result.error}")
            failed = True
            continue
        if result.doc is None:
            continue
        if fmt == "json":
            click.echo(to_json(result.doc))
        elif fmt == "html":
            renderer = HtmlRenderer(ResourceStore(), lambda r: r.id, keep_sources=True)
            click.echo(renderer.chapter(result.doc))
        else:
            click.echo(document_text(result.doc))
    sys.exit(1 if failed else 0)
