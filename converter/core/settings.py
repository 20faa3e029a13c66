"""The settings table: every setting of converter, each written once.

A row names a setting, its kind and default, its key in the configuration file, its
command-line flags, its help, and the stage that uses it (the options attribute it sets).
Everything else is derived from this table: the click options of ``converter build`` and
``converter inspect`` (``converter.cli``), the configuration file's schema and its messages
(``converter.config``), the defaults of the options dataclasses (``options.py``) and the
settings reference in docs/config.md (``converter.config.settings_reference``).

Adding a setting is adding a row here, a field to the options dataclass its ``targets``
name, and the code of the stage that reads it (docs/architecture.md, "Adding a setting").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .values import (
    AUTO_BOOL, BOOL, COVER, DATE, EXISTING_FOLDERS, FOLDER, FORMATS, LANG, LANGS, OPTIONAL_FOLDER, PATHS, RULES,
    SELECTORS, SPLIT, TEXT, TEXTS, THEME, TIMEZONE, WEB_URL, ValueType, choice, number,
)

GROUPS = ("none", "year", "month", "category", "tag", "author")
ORDERS = ("date", "-date", "title", "input")
PAGE_SIZES = ("A4", "A5", "B5", "Letter", "6x9in")
# OpenCC conversions (configuration names) by target region → language tag of the result.
CONVERSIONS = {"s2t": "zh-Hant", "s2tw": "zh-Hant-TW", "s2twp": "zh-Hant-TW", "s2hk": "zh-Hant-HK",
               "t2s": "zh-Hans", "tw2sp": "zh-Hans-CN"}
QUOTES = ("corner", "curly")

# Who reads a setting: a stage of the pipeline, or the command line itself.
STAGES = {
    "plan": "which books a build makes (config.plan)",
    "sources": "finding and reading post files",
    "read": "readers, cleanup and transforms",
    "assemble": "book assembly: filters, order, parts, volumes, metadata, cover",
    "resources": "images: local files, downloads, cache, conversion",
    "fonts": "the font policy and font files",
    "write": "the writers and the output files",
    "build": "the build as a whole: the build cache, worker processes",
    "cli": "the command line itself",
}


@dataclass(frozen=True, slots=True)
class Setting:
    """One row of the table.

    ``name``: the setting's identifier (the command-line option's destination, and the
    keyword of :class:`~converter.config.BookConfig`). ``type``: its kind of value
    (:mod:`.values`). ``default``: its value when nobody sets it, as a user would write it;
    ``shown_default`` describes it in words when the tool decides it at build time.
    ``key``: its key in the configuration file (``section.key`` inside a table), or None
    when it exists on the command line only. ``flags``: its click declarations
    (``("-o", "--output")``, ``("--print/--screen",)``); none when it exists in the file only.
    ``stage``: who uses it (a key of :data:`STAGES`). ``targets``: the attributes of
    :class:`~converter.core.options.BuildOptions` it sets (dotted paths); none for settings
    that decide which books are built, or that the command line reads itself.
    ``commands``: the commands that take its flags.
    """

    name: str
    type: ValueType
    default: Any
    help: str
    stage: str
    targets: tuple[str, ...] = ()
    key: str | None = None
    flags: tuple[str, ...] = ()
    shown_default: str = ""
    commands: tuple[str, ...] = ("build",)

    @property
    def flag(self) -> str:
        """The long flag, as messages name it (``--page-size``); empty without flags."""
        longs = [f.split("/")[0] for f in self.flags if f.startswith("--")]
        return longs[0] if longs else ""

    @property
    def option_default(self) -> Any:
        """The default as the options dataclass holds it."""
        return None if self.default is None else self.type.option(self.default)


def _row(name: str, type_: ValueType, default: Any, help_: str, stage: str, *targets: str,
         key: str | None = "", flags: tuple[str, ...] = (), shown: str = "",
         commands: tuple[str, ...] = ("build",)) -> Setting:
    """A row; ``key=""`` means the key is the name (``None``: command line only)."""
    return Setting(name, type_, default, help_, stage, targets, name if key == "" else key, flags, shown, commands)


SETTINGS: tuple[Setting, ...] = (
    # -- which books, from which posts
    _row("name", TEXT, "", "What --book matches.", "plan", shown="the title, else `book<N>`"),
    _row("inputs", PATHS, (), "Posts: files, folders (searched recursively), glob patterns, WordPress exports, "
         "RSS/Atom feeds (files or URLs).", "sources",
         shown="the posts named on the command line"),
    _row("config", TEXT, "", "Configuration file.", "cli", key=None, flags=("-c", "--config"),
         shown="./converter.toml, or [tool.converter] in ./pyproject.toml", commands=("build", "inspect")),
    _row("book", TEXTS, (), "Build only this book of the configuration file (repeatable).", "cli", key=None,
         flags=("--book",), shown="every book"),
    # -- output
    _row("output_dir", FOLDER, "output", "Folder for the books.", "write", "output_dir", flags=("-o", "--output")),
    _row("output", TEXT, "", "File name without extension; {title} and {volume} are replaced.", "write",
         "output_name", shown="the title"),
    _row("formats", FORMATS, ("pdf", "epub", "docx"), "Output formats (pdf, epub, docx, html, txt).", "write",
         "formats", flags=("-f", "--formats")),
    _row("per_post", BOOL, False, "One file per post instead of one book.", "assemble", "book.per_post",
         flags=("--per-post",)),
    _row("drafts", BOOL, False, "Include posts marked as drafts.", "sources", "read.drafts", flags=("--drafts",)),
    _row("expired", BOOL, False, "Include posts past their expiry date (Hugo expiryDate), which their site no "
         "longer publishes.", "assemble", "book.filters.expired", key="filter.expired", flags=("--expired",)),
    # -- the book
    _row("title", TEXT, "", "Book title.", "assemble", "book.title", flags=("--title",),
         shown="the input folder's name (one folder given), else “Posts”"),
    _row("subtitle", TEXT, "", "Book subtitle.", "assemble", "book.subtitle"),
    _row("authors", TEXTS, (), "Book author (repeatable).", "assemble", "book.authors", flags=("--author",),
         shown="the posts' authors when there are at most three"),
    _row("publisher", TEXT, "", "Publisher.", "assemble", "book.publisher"),
    _row("rights", TEXT, "", "Rights statement.", "assemble", "book.rights"),
    _row("description", TEXT, "", "Description.", "assemble", "book.description"),
    _row("lang", LANG, "", "Language of the book, and of posts whose language cannot be detected (BCP 47).",
         "read", "read.lang", "book.lang", flags=("--lang",), shown="the language most posts are in",
         commands=("build", "inspect")),
    _row("group", choice(*GROUPS), "none", "Parts of a book by this key.", "assemble", "book.group",
         flags=("--group",)),
    _row("order", choice(*ORDERS), "date", "Chapter order: date, -date (newest first), title, input (as given).",
         "assemble", "book.order", flags=("--order",)),
    _row("split", SPLIT, "none", "One book per year, month, category, tag or author; or volumes of N posts (50) "
         "or of a text size (2MB, UTF-8 text of the posts; images not counted).", "assemble", "book.split",
         flags=("--split",)),
    _row("cover", COVER, "auto", "Cover: auto (generated for books of several posts and for every volume), "
         "generate, none, or an image file.", "assemble", "book.cover", flags=("--cover",)),
    _row("filter_since", DATE, "", "Posts from this date on (inclusive; undated posts are left out when set).",
         "assemble", "book.filters.since", key="filter.since"),
    _row("filter_until", DATE, "", "Posts up to this date (inclusive).", "assemble", "book.filters.until",
         key="filter.until"),
    _row("filter_tags", TEXTS, (), "Posts with one of these tags (case-insensitive).", "assemble",
         "book.filters.tags", key="filter.tags"),
    _row("filter_categories", TEXTS, (), "Posts in one of these categories (case-insensitive).", "assemble",
         "book.filters.categories", key="filter.categories"),
    _row("filter_lang", LANGS, (), "Posts in one of these languages (zh matches zh-Hans and zh-Hant).",
         "assemble", "book.filters.langs", key="filter.lang"),
    # -- reading
    _row("convert", choice(*CONVERSIONS), "", "Convert Chinese text between Simplified and Traditional "
         "(OpenCC), by region.", "read", "read.convert", flags=("--convert",), shown="no conversion"),
    _row("quotes", choice(*QUOTES), "", "Quotation marks of Chinese text: corner 「」 or curly “”.", "read",
         "read.quotes", flags=("--quotes",), shown="as written"),
    _row("cleanup_disable", RULES, (), "Cleanup rules switched off (`converter inspect --rules` lists them).",
         "read", "read.cleanup.disabled", key="cleanup.disable"),
    _row("cleanup_remove", SELECTORS, (), "CSS selectors of more elements to remove from scraped posts.", "read",
         "read.cleanup.remove", key="cleanup.remove"),
    _row("cleanup_unwrap", SELECTORS, (), "CSS selectors of elements to unwrap (keep their content).", "read",
         "read.cleanup.unwrap", key="cleanup.unwrap"),
    _row("cleanup_keep_images", SELECTORS, (), "CSS selectors of elements to strip down to their images.",
         "read", "read.cleanup.keep_images", key="cleanup.keep_images"),
    _row("cleanup_site_names", TEXTS, (), "Site names to strip from the end of titles (\" - My Blog\").", "read",
         "read.cleanup.site_names", key="cleanup.site_names"),
    _row("post_timeout", number("float", 0, 3600), 30.0, "Seconds reading one post may take (0: no limit); a "
         "post that takes longer is reported and skipped.", "sources", "read.time_limit", key="limits.post_seconds",
         flags=("--post-timeout",)),
    _row("worker_memory", number("int", 0, 65536), 2048, "Megabytes of memory a process reading posts may "
         "take on top of what it starts with (0: no limit); a post that needs more is reported and skipped.",
         "sources", "read.memory_limit", key="limits.worker_memory", flags=("--worker-memory",)),
    _row("site_url", WEB_URL, "", "Address of the site the posts come from: links relative to it resolve "
         "against it.", "read", "read.site_url", "book.site_url", flags=("--site-url",),
         shown="the generator's configuration (_config.yml url, hugo.toml baseURL), else none",
         commands=("build", "inspect")),
    _row("timezone", TIMEZONE, "", "Time zone of dates written without one (Asia/Shanghai, UTC).", "read",
         "read.timezone", flags=("--timezone",), shown="the site's configuration, else none",
         commands=("build", "inspect")),
    _row("private", BOOL, False, "Include private and password-protected posts of a WordPress export.", "sources",
         "read.private", key="wordpress.private", flags=("--private",)),
    _row("wordpress_types", TEXTS, ("post", "page"), "Post types of a WordPress export to read (post, page, "
         "or a custom type).", "sources", "read.wordpress_types", key="wordpress.types"),
    # -- typography and layout
    _row("theme", THEME, "default", "Theme: default, sans, or a theme folder (docs/themes.md).", "write",
         "write.theme", flags=("--theme",)),
    _row("page_size", choice(*PAGE_SIZES, fold_case=True), "A5", "PDF page size.", "write", "write.page_size",
         flags=("--page-size",)),
    _row("print", BOOL, False, "PDF for printing (binding margins, chapters on right-hand pages, link URLs as "
         "footnotes) or for screens.", "write", "write.print_mode", flags=("--print/--screen",)),
    _row("cjk_spacing", BOOL, True, "Quarter-em space between CJK and Latin text in PDF and EPUB.", "write",
         "write.cjk_spacing", flags=("--cjk-spacing/--no-cjk-spacing",)),
    _row("embed_fonts", AUTO_BOOL, None, "EPUB font subsets for CJK text.", "write", "write.embed_fonts",
         flags=("--embed-fonts/--no-embed-fonts",), shown="on for CJK books"),
    _row("vertical", BOOL, False, "EPUB in vertical writing with a right-to-left spine (Traditional Chinese, "
         "Japanese).", "write", "write.vertical", flags=("--vertical",)),
    _row("pdf_tags", BOOL, True, "Tagged PDF for screen readers: a structure tree (headings, paragraphs, lists, "
         "tables, figures with their text alternatives, links, notes), running heads and page numbers as "
         "artifacts, the language of each passage.", "write", "write.pdf_tags", flags=("--tags/--no-tags",)),
    _row("font_dirs", EXISTING_FOLDERS, (), "Folder of fonts to use besides the installed ones (repeatable).",
         "fonts", key=None, flags=("--font-dir",), shown="none"),
    # -- images and other resources
    _row("site_roots", EXISTING_FOLDERS, (), "Folders that root-relative image paths (/images/a.png) resolve in.",
         "resources", "resources.site_roots", key="images.site_roots", flags=("--site-root",), shown="none"),
    _row("fetch_images", BOOL, True, "Download remote images.", "resources", "resources.fetch_images",
         key="images.fetch", flags=("--fetch-images/--no-fetch-images",)),
    _row("offline", BOOL, False, "Take remote images from the cache only; open no connection.", "resources",
         "resources.offline", key="images.offline", flags=("--offline",)),
    _row("retry_failed", BOOL, False, "Try again downloads and hosts that failed in earlier builds.", "resources",
         "resources.retry_failed", key="images.retry_failed", flags=("--retry-failed",)),
    _row("fetch_timeout", number("float", 0.1, 600), 20.0, "Seconds one download may take, redirects and "
         "retries included.", "resources", "resources.fetch.timeout", key="images.fetch_timeout",
         flags=("--fetch-timeout",)),
    _row("allow_hosts", TEXTS, (), "Loopback or private-network hosts (HOST[:PORT]) to fetch from too.",
         "resources", "resources.fetch.allow_hosts", key="images.allow_hosts", flags=("--allow-host",),
         shown="none"),
    _row("max_image_px", number("int", 16, 20000), 1600, "Scale images down to this many pixels on their long "
         "side.", "resources", "resources.images.max_side", key="images.max_px", flags=("--max-image-px",)),
    _row("image_quality", number("int", 1, 95), 85, "JPEG quality of converted images.", "resources",
         "resources.images.quality", key="images.quality", flags=("--image-quality",)),
    _row("grayscale", BOOL, False, "Make every image grayscale (e-ink readers).", "resources",
         "resources.images.grayscale", key="images.grayscale", flags=("--grayscale",)),
    _row("keep_webp", BOOL, False, "Keep WebP images as they are in EPUB (EPUB 3.3 readers).", "resources",
         "resources.images.keep_webp", key="images.keep_webp", flags=("--keep-webp",)),
    _row("cache_dir", OPTIONAL_FOLDER, "", "Download, image and build cache.", "resources", "resources.cache_dir",
         flags=("--cache-dir",), shown=".converter-cache beside the output folder"),
    _row("build_cache", BOOL, True, "Reuse what earlier builds read and laid out (the build cache in the cache "
         "folder); --no-cache builds cold.", "build", "build_cache", flags=("--cache/--no-cache",)),
    _row("keep_html", OPTIONAL_FOLDER, "", "Also write the HTML and CSS that the PDF engine lays out (one pair per "
         "chunk) into this folder, to debug a theme.", "write", "write.keep_html", flags=("--keep-html",),
         shown="not kept"),
    # -- the command line
    _row("jobs", number("int", 0, 64), 0, "Worker processes (0: one per core).", "cli", key=None,
         flags=("-j", "--jobs"), commands=("build", "inspect")),
    _row("strict", BOOL, False, "Exit with status 1 when there is any warning.", "cli", key=None,
         flags=("--strict",)),
    _row("quiet", BOOL, False, "Print failures only.", "cli", key=None, flags=("-q", "--quiet")),
    _row("format", choice("json", "html", "text"), "json", "json: the model, one object per line; html: the "
         "HTML writer's output; text: the text writer's output.", "cli", key=None, flags=("--format",),
         commands=("inspect",)),
    _row("show_drafts", BOOL, True, "Show drafts too.", "cli", key=None, flags=("--drafts/--no-drafts",),
         commands=("inspect",)),
    _row("report", BOOL, False, "Also list what each cleanup rule removed, and all warnings.", "cli", key=None,
         flags=("--report",), commands=("inspect",)),
    _row("rules", BOOL, False, "List the cleanup rules and exit.", "cli", key=None, flags=("--rules",),
         commands=("inspect",)),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS if s.key}


def sections() -> tuple[str, ...]:
    """Tables of the configuration file that group keys ([filter], [cleanup], [images])."""
    return tuple(dict.fromkeys(k.split(".")[0] for k in BY_KEY if "." in k))


def default(name: str) -> Any:
    """The default of setting ``name`` as the options dataclass holds it (options.py)."""
    return BY_NAME[name].option_default


def for_command(command: str) -> tuple[Setting, ...]:
    """The settings whose flags ``command`` takes, in table order."""
    return tuple(s for s in BY_NAME.values() if s.flags and command in s.commands)
