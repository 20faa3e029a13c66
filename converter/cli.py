"""Command line: ``converter build`` and ``converter inspect``.

Every option comes from the settings table (``core/settings.py``): its flags, kind, help and
default. Exit status: 0 when everything was built, 1 when some posts or outputs failed (the
rest were still built; each failure is one line on stderr naming the file and the problem),
2 on usage errors.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource
from rich.console import Console
from rich.progress import (
    BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
)

from . import __version__
from .core import settings as table
from .core.errors import ConverterError
from .core.settings import Setting


class TerminalProgress:
    """Progress bars on stderr, one per running stage (``reading ━━━━ 120/300 0:04 0:06``),
    gone when the build ends; used only when stderr is a terminal."""

    def __init__(self) -> None:
        self._bars = Progress(TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(),
                              TextColumn("{task.fields[note]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                              console=Console(stderr=True), transient=True)
        self._tasks: dict[str, Any] = {}
        self._running = False

    def start(self, stage: str, total: int | None = None) -> None:
        if not self._running:
            self._bars.start()
            self._running = True
        task = self._tasks.get(stage)
        if task is None:
            self._tasks[stage] = self._bars.add_task(stage, total=total, note="")
        else:
            self._bars.update(task, total=total)

    def advance(self, stage: str, steps: int = 1, note: str = "") -> None:
        task = self._tasks.get(stage)
        if task is not None:
            self._bars.update(task, advance=steps, **({"note": note} if note else {}))

    def finish(self, stage: str) -> None:
        task = self._tasks.pop(stage, None)
        if task is not None:
            self._bars.remove_task(task)

    def close(self) -> None:
        if self._running:
            self._bars.stop()
            self._running = False


def _err(message: str) -> None:
    click.echo(message, err=True)


def _click_option(setting: Setting) -> Callable:
    """The click option of a row of the settings table."""
    from .config import shown_default

    kind = setting.type.kind
    kwargs: dict[str, Any] = {"default": None, "help": f"{setting.help} [default: {shown_default(setting)}]"}
    if kind == "bool" and "/" not in setting.flags[-1]:
        kwargs["is_flag"] = True  # --drafts; "--print/--screen" is a flag pair by itself
    elif kind == "list":
        kwargs["multiple"] = True
    elif kind in ("int", "float"):
        low, high = setting.type.low, setting.type.high
        kwargs["type"] = click.IntRange(low, high) if kind == "int" else click.FloatRange(low, high)
    elif setting.type.choices:
        kwargs["type"] = click.Choice(setting.type.choices, case_sensitive=not _folds_case(setting))
        kwargs["metavar"] = "[" + "|".join(setting.type.choices) + "]"
    return click.option(*setting.flags, setting.name, **kwargs)


def _folds_case(setting: Setting) -> bool:
    """Whether a choice setting takes its words in any case (``--page-size a4``)."""
    choice = setting.type.choices[0]
    try:
        return setting.type.check(choice.swapcase()) == choice
    except ValueError:
        return False


def settings_options(command: str) -> Callable:
    """Decorate a click command with the options of every setting ``command`` takes."""
    def decorate(function: Callable) -> Callable:
        for setting in reversed(table.for_command(command)):
            function = _click_option(setting)(function)
        return function
    return decorate


def _given(ctx: click.Context, values: dict[str, Any]) -> dict[str, Any]:
    """The settings the user gave on the command line (not click's defaults); an empty
    repeatable option is not given."""
    return {name: value for name, value in values.items()
            if ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
            and value not in (None, ())}


def _book_settings(given: dict[str, Any]):
    """The given settings that belong to books, as a :class:`~converter.config.BookConfig`."""
    from .config import BookConfig, per_book

    return BookConfig({name: value for name, value in given.items() if per_book(table.BY_NAME[name])})


def _report(result) -> None:
    """``inspect --report``: per post, what the cleanup removed (rule, count, first text)
    and every warning; on stderr, so that stdout stays the requested format."""
    # A post of an export or a feed is named file#item, as its warnings name it.
    name = result.doc.meta.source_path if result.doc is not None else (
        result.error.path if result.error is not None and result.error.path else result.path)
    _err(f"# {name}")
    removed = [d for d in result.diagnostics if d.severity == "info"]
    warnings = [d for d in result.diagnostics if d.severity == "warning"]
    if not removed and not warnings:
        _err("  nothing removed, no warnings")
    for d in removed:
        _err(f"  removed  {d.code:30} {d.message}")
    for d in warnings:
        _err(f"  warning  {d.code:30} {d.message}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="converter")
def main() -> None:
    """Turn blog posts (Markdown or HTML with front matter) into EPUB, PDF and DOCX books."""


def _use_font_dirs(ctx: click.Context, font_dirs: tuple[str, ...]) -> None:
    """Fonts of ``--font-dir`` beside the installed ones, for this process and its workers."""
    from .core.values import existing_folders, resolved_paths
    from .fonts.files import use_font_dirs

    try:
        folders = resolved_paths(existing_folders(font_dirs))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--font-dir") from None
    work = Path(tempfile.mkdtemp(prefix="converter-fonts-"))  # fonts.conf and fontconfig's cache
    ctx.call_on_close(lambda: shutil.rmtree(work, ignore_errors=True))
    use_font_dirs(folders, work)


def _plan(inputs: tuple[str, ...], given: dict[str, Any]) -> list:
    """The books to build, from the configuration file and the given settings; a usage
    error exits with status 2."""
    from .config import find_config, ignored_settings, load_config, plan

    try:
        path = Path(given["config"]) if "config" in given else find_config(Path.cwd())
        config = load_config(path) if path else None
        specs = plan(inputs, config, _book_settings(given), tuple(given.get("book", ())))
    except ConverterError as exc:
        _err(f"error: {exc}")
        sys.exit(2)
    for spec in specs:
        for note in ignored_settings(spec.options):
            _err(f"warning: {note}")
    return specs


def _print_report(report, quiet: bool, strict: bool) -> None:
    """Warnings, failures, the files written and a summary; exit 1 on failures (or on
    warnings with ``--strict``)."""
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
            summary += f", {report.drafts_skipped} unpublished post(s) skipped (drafts, private posts)"
        if warnings:
            summary += f", {len(warnings)} warning(s)"
        _err(summary)
        if report.images.seen:
            _err(report.images.summary())
        if report.timings:
            _err("time: " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in report.timings.items()))
    if strict and warnings and not report.failures:
        _err(f"error: {len(warnings)} warning(s), and --strict makes them fail the build")
    if report.failures or (strict and warnings):
        sys.exit(1)


@main.command()
@click.argument("inputs", nargs=-1)
@settings_options("build")
@click.pass_context
def build(ctx, inputs, **values):
    """Build books from posts (files, folders, glob patterns), or every book of the
    configuration file when no posts are named."""
    from .pipeline import build_all

    given = _given(ctx, values)
    specs = _plan(tuple(inputs), given)
    if given.get("font_dirs"):
        _use_font_dirs(ctx, given["font_dirs"])
    quiet = bool(given.get("quiet"))
    display = TerminalProgress() if not quiet and sys.stderr.isatty() else None
    try:
        report = build_all([(spec.inputs, spec.options) for spec in specs], progress=display,
                           jobs=given.get("jobs", 0))
    except ConverterError as exc:
        _err(f"error: {exc}")
        sys.exit(2)
    finally:
        if display is not None:
            display.close()
    _print_report(report, quiet, bool(given.get("strict")))


def _list_rules() -> None:
    from .cleanup import SELECTOR_RULES, STRUCTURAL_RULES

    for rule in SELECTOR_RULES:
        click.echo(f"{rule.name:32} {rule.action:11} {rule.why}")
    for name, why in STRUCTURAL_RULES:
        click.echo(f"{name:32} {'structural':11} {why}")


def _read_options(given: dict[str, Any]):
    """The reading options ``inspect`` uses: the configuration file's top level, with the
    given settings over it, as ``build`` reads."""
    from .config import BookConfig, build_options, check, find_config, load_config, merged

    try:
        path = Path(given["config"]) if "config" in given else find_config(Path.cwd())
        base = load_config(path).defaults if path else BookConfig()
        read = build_options(merged(base, check(_book_settings(given), None))).read
    except ConverterError as exc:
        _err(f"error: {exc}")
        sys.exit(2)
    return dataclasses.replace(read, drafts=given.get("show_drafts", True))


@main.command()
@click.argument("posts", nargs=-1)
@settings_options("inspect")
@click.pass_context
def inspect(ctx, posts, **values):
    """Show how posts are read: the document model (json), the HTML writer's output, or the
    text writer's. Posts are read as ``build`` reads them, with the configuration file's
    reading settings."""
    given = _given(ctx, values)
    if given.get("rules"):
        _list_rules()
        return
    if not posts:
        raise click.UsageError("give one or more posts (or --rules)")
    from .pipeline import inspect_documents, render_document

    read = _read_options(given)
    fmt = given.get("format", "json")
    failed = False
    for result in inspect_documents(tuple(posts), read, jobs=given.get("jobs", 0)):
        if given.get("report"):
            _report(result)
        else:
            for diagnostic in result.diagnostics:
                if diagnostic.severity == "warning":
                    _err(str(diagnostic))
        if result.error is not None:
            _err(f"error: {result.error}")
            failed = True
            continue
        if result.doc is not None:
            click.echo(render_document(result.doc, fmt))
    sys.exit(1 if failed else 0)

