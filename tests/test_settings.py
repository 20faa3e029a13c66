"""The settings table is the one source of every setting: the command line's flags, the
configuration file's keys, the options' defaults and docs/config.md all come from it, and
every row reaches a stage. Also the recipes of docs/architecture.md ("adding a format",
"adding a setting"), kept true by running them."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from converter import cli
from converter.config import BookConfig, build_options, check, load_config, per_book, settings_reference
from converter.core import settings as table
from converter.core import values
from converter.core.options import BuildOptions
from converter.core.settings import Setting

from .conftest import EXAMPLES, ROOT

CONVERTER = ROOT / "converter"
# Where the code of each stage lives: a row's target must be read there.
STAGE_CODE = {
    "sources": ["sources", "pipeline.py"], "read": ["readers", "cleanup", "transforms", "sources"],
    "assemble": ["assemble", "pipeline.py"], "resources": ["resources"], "fonts": ["fonts"],
    "write": ["writers", "pipeline.py"], "plan": ["config.py"], "cli": ["cli.py"], "build": ["pipeline.py"],
}


def _flags_of(command: click.Command) -> set[str]:
    flags = set()
    for param in command.params:
        if isinstance(param, click.Option) and "--help" not in param.opts:
            flags.update(param.opts + param.secondary_opts)
    return flags


def _table_flags(command: str) -> set[str]:
    return {part for s in table.for_command(command) for flag in s.flags for part in flag.split("/")}


@pytest.mark.parametrize("command", ["build", "inspect"])
def test_every_flag_has_a_row_and_every_row_a_flag(command):
    assert _flags_of(cli.main.commands[command]) == _table_flags(command)


def test_every_key_the_file_takes_has_a_row(tmp_path):
    # Each key of the table is accepted by the file, and a key outside the table is not.
    for setting in table.SETTINGS:
        if setting.key:
            assert table.BY_KEY[setting.key] is setting
    path = tmp_path / "converter.toml"
    path.write_text("[images]\nmax_px = 900\nfetch = false\n[filter]\nsince = 2020-01-01\n", encoding="utf-8")
    options = build_options(load_config(path).defaults)
    assert options.resources.images.max_side == 900 and options.resources.fetch_images is False
    assert options.book.filters.since == "2020-01-01"
    path.write_text("[images]\nmax_pixels = 9\n", encoding="utf-8")
    with pytest.raises(Exception, match="unknown key 'images.max_pixels'.*did you mean 'max_px'"):
        load_config(path)


def test_the_documented_settings_are_the_table():
    doc = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    begin, end = "<!-- settings:begin -->\n", "<!-- settings:end -->"
    assert begin in doc and end in doc, "docs/config.md lost its generated settings reference"
    documented = doc.split(begin, 1)[1].split(end, 1)[0]
    assert documented == settings_reference(), (
        "docs/config.md is out of date: run `.venv/bin/python scripts/make_config_docs.py`")
    keys = set(re.findall(r"^\| `([\w.]+)` \|", documented, re.M))
    assert keys == {s.key for s in table.SETTINGS if s.key}


def _example(setting: Setting, tmp_path: Path):
    """A valid value of ``setting`` other than its default."""
    t = setting.type
    special = {id(values.FORMATS): ("txt",), id(values.RULES): ("generic.share",),
               id(values.SELECTORS): (".promo",), id(values.LANGS): ("ja",), id(values.LANG): "ja",
               id(values.DATE): "2020-01-01", id(values.SPLIT): "year", id(values.THEME): "sans",
               id(values.COVER): "none", id(values.EXISTING_FOLDERS): (str(tmp_path),),
               id(values.FOLDER): str(tmp_path / "elsewhere"), id(values.OPTIONAL_FOLDER): str(tmp_path / "c"),
               id(values.PATHS): ("posts",), id(values.WEB_URL): "https://blog.example.org/",
               id(values.TIMEZONE): "Asia/Shanghai"}
    if id(t) in special:
        return special[id(t)]
    if t.choices:
        return next(c for c in t.choices if c != setting.default)
    if t.kind == "bool":
        return not setting.default
    if t.kind in ("int", "float"):
        return type(setting.default)(t.high if setting.default != t.high else t.low)
    return ("x",) if t.kind == "list" else "x"


def _get(options, target: str):
    for part in target.split("."):
        options = getattr(options, part)
    return options


@pytest.mark.parametrize("setting", [s for s in table.SETTINGS if s.targets], ids=lambda s: s.name)
def test_every_row_with_targets_changes_them_and_its_stage_reads_them(setting, tmp_path):
    value = check(BookConfig({setting.name: _example(setting, tmp_path)}), None)[setting.name]
    options = build_options(BookConfig({setting.name: value}))
    for target in setting.targets:
        assert _get(options, target) != _get(BuildOptions(), target), target
        # The default of the options dataclass is the table's.
        assert _get(BuildOptions(), target) == setting.option_default
        attribute = target.rsplit(".", 1)[-1]
        sources = [p for place in STAGE_CODE[setting.stage] for p in
                   ((CONVERTER / place).rglob("*.py") if (CONVERTER / place).is_dir() else [CONVERTER / place])]
        assert any(re.search(rf"\.{attribute}\b", p.read_text(encoding="utf-8")) for p in sources), (
            f"no code of the {setting.stage} stage reads .{attribute}")


@pytest.mark.parametrize("setting", [s for s in table.SETTINGS if not s.targets], ids=lambda s: s.name)
def test_every_row_without_targets_is_read_by_name(setting):
    # Settings that choose books (name, inputs) or steer the command line itself are read
    # where the table says, by their name.
    place = {"plan": "config.py", "sources": "config.py", "cli": "cli.py", "fonts": "cli.py"}[setting.stage]
    assert f'"{setting.name}"' in (CONVERTER / place).read_text(encoding="utf-8")


def test_defaults_and_help_come_from_the_table():
    runner = CliRunner()
    help_text = runner.invoke(cli.main, ["build", "--help"], terminal_width=200).output
    assert "[default: A5]" in help_text and "[A4|A5|B5|Letter|6x9in]" in help_text
    assert BuildOptions().write.page_size == table.BY_NAME["page_size"].default
    for setting in table.SETTINGS:
        assert setting.stage in table.STAGES
        assert per_book(setting) == bool(setting.key or setting.targets)


def test_adding_a_setting_is_one_row(tmp_path, monkeypatch):
    # The recipe of docs/architecture.md: a row (here one that sets an existing field) is
    # at once a flag, a configuration key, a documented setting and an option.
    row = Setting("blurb", values.TEXT, "", "Back-cover text.", "assemble", ("book.description",), key="blurb",
                  flags=("--blurb",))
    monkeypatch.setitem(table.BY_NAME, "blurb", row)
    monkeypatch.setitem(table.BY_KEY, "blurb", row)

    @click.command()
    @cli.settings_options("build")
    def command(**given):
        click.echo(build_options(BookConfig({k: v for k, v in given.items() if k == "blurb" and v})).book.description)

    assert CliRunner().invoke(command, ["--blurb", "封底"]).output == "封底\n"
    path = tmp_path / "converter.toml"
    path.write_text("blurb = '从文件'\n", encoding="utf-8")
    assert build_options(load_config(path).defaults).book.description == "从文件"
    assert "| `blurb` | `--blurb` |" in settings_reference()


def test_adding_a_format_is_one_file_and_one_registry_line(tmp_path, monkeypatch):
    from converter.writers import WRITERS, load

    monkeypatch.setitem(WRITERS, "md", load("tests.example_writer:MarkdownWriter"))  # the registry line
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.main, ["build", str(EXAMPLES), "-f", "md", "-o", str(out), "--offline",
                                           "--title", "示例", "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    text = (out / "示例.md").read_text(encoding="utf-8")
    assert text.startswith("% 示例\n") and "# 美媒曝北京要分享蚂蚁大数据" in text


def test_settings_are_frozen_rows():
    assert all(dataclasses.is_dataclass(s) for s in table.SETTINGS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.SETTINGS[0].default = "x"  # type: ignore[misc]
