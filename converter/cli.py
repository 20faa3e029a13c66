"""Command line: ``converter build`` and ``converter inspect``.

Exit status: 0 when everything was built, 1 when some posts or outputs failed (the rest
were still built; each failure is one line on stderr naming the file and the problem),
2 on usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.core import ParameterSource

from . import __version__
from .errors import ConverterError
from .langtag import canonical
from .model import to_json
from .options import GROUPS, ORDERS, PAGE_SIZES, ReadOptions
from .writers import WRITERS


def _lang(value: str | None) -> str:
    if not value:
        return ""
    tag = canonical(value)
    if not tag:
        raise click.BadParameter(f"{value!r} is not a BCP 47 language tag (e.g. zh-Hans, zh-Hant, ja, ko, en)")
    return tag


def _err(message: str) -> None:
    click.echo(message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="converter")
def main() -> None:
    """Turn blog posts (Markdown or HTML with front matter) into EPUB, PDF and DOCX books."""


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
@click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0, help="Worker processes (0: one per core).")
@click.option("--strict", is_flag=True, help="Exit with status 1 when there is any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print failures only.")
@click.pass_context
def build(ctx, inputs, config_path, books, output_dir, formats, per_post, title, authors, lang, group, order,
          split, cover, theme, page_size, print_mode, drafts, jobs, strict, quiet):
    """Build books from posts (files, folders, glob patterns), or every book of the
    configuration file when no posts are named."""
    from .config import BookConfig, find_config, load_config, plan
    from .pipeline import build_all

    given = {
        "output_dir": str(output_dir) if _given(ctx, "output_dir") else None,
        "formats": (formats,) if _given(ctx, "formats") else None,
        "authors": tuple(authors) or None, "title": title, "lang": lang, "group": group, "order": order,
        "split": split, "cover": cover, "theme": theme, "page_size": page_size, "print": print_mode,
        "per_post": per_post, "drafts": drafts,
    }
    try:
        path = config_path or find_config(Path.cwd())
        config = load_config(path) if path else None
        specs = plan(tuple(inputs), config, BookConfig(**given), tuple(books), strict=strict)
    except ConverterError as exc:
        _err(f"error: {exc}")
        sys.exit(2)
    progress = None if quiet or not sys.stderr.isatty() else (lambda msg: _err(f"· {msg}"))
    try:
        report = build_all([(spec.inputs, spec.options) for spec in specs], progress=progress, jobs=jobs)
    except ConverterError as exc:
        _err(f"error: {exc}")
        sys.exit(2)
    if not quiet:
        for diagnostic in report.diagnostics:
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
        if len(report.diagnostics):
            summary += f", {len(report.diagnostics)} warning(s)"
        _err(summary)
    if report.failures or (strict and len(report.diagnostics)):
        sys.exit(1)


@main.command()
@click.argument("posts", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "html", "text"]), default="json", show_default=True,
              help="json: the model, one object per line; html: what the writers see; text: the body alone.")
@click.option("--drafts/--no-drafts", default=True, help="Show drafts too (default: yes).")
@click.option("--lang", default=None, help="Fallback language tag when detection is inconclusive.")
def inspect(posts, fmt, drafts, lang):
    """Show how posts are read: the document model, its HTML, or its text."""
    from .pipeline import inspect_documents
    from .writers.html import HtmlRenderer
    from .writers.plaintext import document_text
    from .resources import ResourceStore

    failed = False
    for result in inspect_documents(tuple(posts), ReadOptions(drafts=drafts, lang=_lang(lang))):
        for diagnostic in result.diagnostics:
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
