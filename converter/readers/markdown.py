"""Markdown body → document model: markdown-it-py renders HTML, the HTML reader maps it.

CommonMark plus GFM tables, strikethrough and footnotes; raw HTML is allowed (blog posts mix
it in). Going through HTML gives one mapping onto the model for both kinds of post, and raw
HTML inside Markdown is handled exactly like an HTML post. A paragraph holding only an image
becomes a figure captioned with its alt text, as pandoc's ``implicit_figures`` does. Static
site generator syntax (Liquid, Hugo shortcodes…) is rewritten first by ``ssg.py``; ruby is
written ``{漢字|かんじ}`` (``ruby.py``).
"""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from ..core.diagnostics import Diagnostics
from ..core.model import Block
from ..core.options import ReadOptions
from ..sources import RawPost
from .depth import MAX_MARKDOWN_LEVEL, TOO_DEEP, depth_plugin
from .html import read_html
from .ruby import ruby_plugin
from .ssg import rewrite


def _any_link(url: str) -> bool:
    """markdown-it's link check, made to pass everything: its own check leaves a link or an
    image with a refused scheme (``file:``, ``javascript:``) as literal Markdown text. The
    HTML mapping judges every URL instead: refused links keep their text, refused images
    become placeholders that say why."""
    return True


@cache
def _parser() -> MarkdownIt:
    md = (MarkdownIt("commonmark", {"html": True, "typographer": False})
          .enable(["table", "strikethrough"])
          .use(footnote_plugin)
          .use(ruby_plugin)
          .use(depth_plugin))
    md.validateLink = _any_link
    return md


def markdown_to_html(text: str, diag: Diagnostics | None = None) -> str:
    """Render Markdown to HTML with the project's syntax set."""
    env: dict = {}
    html = _parser().render(text, env)
    if env.get(TOO_DEEP) and diag is not None:
        diag.warn("too-deep", f"Markdown nested deeper than {MAX_MARKDOWN_LEVEL} levels; the deeper part is kept "
                              "as plain text")
    return html


def read_markdown(text: str, *, base_url: str = "", diag: Diagnostics | None = None,
                  asset_folder: str = "") -> tuple[Block, ...]:
    """Parse a Markdown body into model blocks (generator syntax rewritten first;
    ``asset_folder``: the post's asset folder relative to its file)."""
    diag = diag if diag is not None else Diagnostics()
    return read_html(markdown_to_html(rewrite(text, diag, asset_folder), diag), base_url=base_url, diag=diag,
                     figure_from_alt=True)


class MarkdownBodyReader:
    """Markdown bodies: the author's own text, kept whole (no cleanup)."""

    name = "markdown"

    def read(self, post: RawPost, diag: Diagnostics, options: ReadOptions) -> tuple[Block, ...]:
        return read_markdown(post.body, base_url=post.meta.source_url, diag=diag,
                             asset_folder=quote(post.path.stem))
