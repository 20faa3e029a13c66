"""The configuration file: schema, errors that name the key and the file, precedence of
command-line values, and which books a build makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.config import BookConfig, find_config, ignored_settings, load_config, plan
from converter.core.errors import ConfigError, UsageError
from converter.core.options import STYLES_DIR, Filters, Split

TWO_BOOKS = """
title = "博客"
authors = ["林小雨"]
formats = "epub,pdf"
page_size = "a4"

[[book]]
name = "paopao"
inputs = ["posts"]
group = "year"
[book.filter]
categories = ["泡泡"]

[[book]]
name = "2020"
inputs = ["posts", "more/*.md"]
title = "二〇二〇"
split = "2MB"
theme = "sans"
cover = "none"
output = "blog-{volume}"
[book.filter]
since = 2020-01-01
until = "2020-12-31"
lang = "zh-hant"
"""


def write(tmp_path: Path, text: str, name: str = "converter.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_books_with_shared_defaults(tmp_path):
    config = load_config(write(tmp_path, TWO_BOOKS))
    specs = plan((), config, BookConfig(), ())
    assert [s.name for s in specs] == ["paopao", "2020"]
    first, second = (s.options for s in specs)
    assert specs[0].inputs == (str(tmp_path / "posts"),)
    assert specs[1].inputs == (str(tmp_path / "posts"), str(tmp_path / "more/*.md"))
    assert first.book.title == "博客" and first.book.authors == ("林小雨",) and first.book.group == "year"
    assert first.book.filters == Filters(categories=("泡泡",))
    assert first.formats == ("epub", "pdf") and first.write.page_size == "A4"
    assert first.write.theme == STYLES_DIR / "default"
    assert second.book.title == "二〇二〇" and second.book.split == Split("size", 2_000_000)
    assert second.book.filters == Filters(since="2020-01-01", until="2020-12-31", langs=("zh-Hant",))
    assert second.write.theme == STYLES_DIR / "sans" and second.book.cover == "none"
    assert second.output_name == "blog-{volume}"


def test_command_line_overrides_the_file(tmp_path):
    config = load_config(write(tmp_path, TWO_BOOKS))
    specs = plan((), config, BookConfig(title="命令行", page_size="6x9in", print=True), ("2020",))
    [spec] = specs
    assert spec.name == "2020" and spec.options.book.title == "命令行"
    assert spec.options.write.page_size == "6x9in" and spec.options.write.print_mode
    # Inputs on the command line make one book with the file's top-level settings.
    [spec] = plan(("elsewhere",), config, BookConfig(), ())
    assert spec.inputs == ("elsewhere",) and spec.options.book.title == "博客" and spec.options.book.group == "none"


def test_misspelt_key_gets_a_suggestion(tmp_path):
    with pytest.raises(ConfigError, match="did you mean 'group'"):
        load_config(write(tmp_path, "grop = 'year'"))


@pytest.mark.parametrize("text, fragment", [
    ("titel = 'x'", "unknown key 'titel'"),
    ("[[book]]\ninputs = ['p']\ngrup = 'year'", "unknown key 'book[1].grup'"),
    ("[[book]]\ninputs = ['p']\n[book.filter]\nsince = 2020-01-01\ntag = ['x']", "unknown key 'book[1].filter.tag'"),
    ("group = 'week'", "'group' = 'week': choose one of none, year, month"),
    ("split = 'fortnight'", "'split'"),
    ("page_size = 'A3'", "'page_size'"),
    ("formats = ['mobi']", "unknown format(s) mobi"),
    ("lang = 'not a tag'", "'lang'"),
    ("cover = 'missing.png'", "no such image file"),
    ("theme = 'nope'", "no theme 'nope'"),
    ("print = 'yes'", "'print' must be true or false"),
    ("authors = 3", "'authors' must be a list of text"),
    ("[filter]\nsince = '2020/01/01'", "'filter.since'"),
    ("book = 3", "'book' must be an array of tables"),
    ("title = ", "not valid TOML"),
    ("[cleanup]\ndisable = ['no.such-rule']", "'cleanup.disable'"),
    ("[cleanup]\nremove = ['p[[']", "'cleanup.remove'"),
    ("[cleanup]\nremov = ['.x']", "unknown key 'cleanup.remov'"),
    ("convert = 'x2y'", "'convert'"),
])
def test_unknown_keys_and_bad_values_are_named_with_the_file(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert fragment in str(info.value) and str(path) in str(info.value)


def test_pyproject_table_and_discovery(tmp_path):
    assert find_config(tmp_path) is None
    write(tmp_path, "[project]\nname = 'x'\n", "pyproject.toml")
    assert find_config(tmp_path) is None
    path = write(tmp_path, "[tool.converter]\ninputs = ['posts']\ntitle = 'P'\nsplit = '40'\n", "pyproject.toml")
    assert find_config(tmp_path) == path
    [spec] = plan((), load_config(path), BookConfig(), ())
    assert spec.options.book.split == Split("count", 40) and spec.inputs == (str(tmp_path / "posts"),)
    write(tmp_path, "title = 'T'\n")
    assert find_config(tmp_path) == tmp_path / "converter.toml"  # converter.toml wins
    with pytest.raises(ConfigError, match="tool.converter.titl"):
        load_config(write(tmp_path, "[tool.converter]\ntitl = 'x'\n", "pyproject.toml"))


def test_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="no inputs"):
        plan((), None, BookConfig(), ())
    config = load_config(write(tmp_path, TWO_BOOKS))
    with pytest.raises(UsageError, match="no book named nope"):
        plan((), config, BookConfig(), ("nope",))
    with pytest.raises(ConfigError, match="has no 'inputs'"):
        plan((), load_config(write(tmp_path, "title = 'x'")), BookConfig(), ())
    with pytest.raises(ConfigError, match="same name"):
        load_config(write(tmp_path, "[[book]]\nname = 'a'\n[[book]]\nname = 'a'\n"))
    names = [s.name for s in plan((), config, BookConfig(), ())]
    with pytest.raises(UsageError, match="at most one --book"):
        plan(("posts",), config, BookConfig(), tuple(names))


def test_settings_that_cannot_apply_are_named():
    (spec,) = plan(("posts",), None, BookConfig(per_post=True, split="year", group="category"), ())
    assert ignored_settings(spec.options) == ["group and split ignored: --per-post makes one file per post"]
    (spec,) = plan(("posts",), None, BookConfig(split="year"), ())
    assert ignored_settings(spec.options) == []


def test_the_documented_example_is_valid(tmp_path):
    doc = (Path(__file__).resolve().parent.parent / "docs" / "config.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    specs = plan((), load_config(write(tmp_path, example)), BookConfig(), ())
    assert [s.name for s in specs] == ["by-category", "taiwan-2020", "wordpress"]
    assert specs[1].options.book.split == Split("month") and specs[1].options.book.filters.langs == ("zh-Hant",)


def test_bad_command_line_values_name_the_flag():
    with pytest.raises(ConfigError, match="--page-size = 'A3'"):
        plan(("posts",), None, BookConfig(page_size="A3"), ())
    with pytest.raises(ConfigError, match="--split = 'weekly'"):
        plan(("posts",), None, BookConfig(split="weekly"), ())


def test_a_broken_pyproject_is_reported_only_when_it_has_our_table(tmp_path):
    write(tmp_path, "[project\nname = 'x'\n", "pyproject.toml")
    assert find_config(tmp_path) is None
    path = write(tmp_path, "[tool.converter]\ntitle = \n", "pyproject.toml")
    assert find_config(tmp_path) == path
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_cleanup_and_cjk_settings_reach_the_read_options(tmp_path):
    path = write(tmp_path, """
inputs = ["posts"]
convert = "s2twp"
quotes = "corner"
cjk_spacing = false
embed_fonts = false
vertical = true
[cleanup]
disable = ["generic.link-dense-edges"]
remove = [".promo"]
keep_images = [".hero"]
site_names = ["My Blog"]
""")
    (spec,) = plan((), load_config(path), BookConfig(), ())
    read = spec.options.read
    assert (read.convert, read.quotes) == ("s2twp", "corner")
    assert read.cleanup.disabled == frozenset({"generic.link-dense-edges"})
    assert (read.cleanup.remove, read.cleanup.keep_images) == ((".promo",), (".hero",))
    assert read.cleanup.site_names == ("My Blog",)
    assert spec.options.write.cjk_spacing is False
    assert spec.options.write.embed_fonts is False and spec.options.write.vertical is True
