"""DOCX writer: model → pandoc JSON AST → pandoc's docx writer, with a reference document
patched for the book's language (see ``docx_reference``); front matter, contents field and
document properties from ``docx_front``; CJK fixes and a deterministic package from
``docx_fixup``."""

from __future__ import annotations

import json
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pypandoc

from ..core.errors import RenderError
from ..core.langtag import family
from ..core.model import Book
from .docx_fixup import fix_docx
from .docx_front import core_properties, front_matter
from .docx_reference import patched_reference
from .logcapture import capture_logs
from .pandoc_ast import book_to_pandoc
from .theme import reference_docx, settings
from .ziputil import zip_time

@cache
def pandoc_api_version() -> list[int]:
    """The pandoc-types API version of the bundled pandoc (read from pandoc itself)."""
    return json.loads(pypandoc.convert_text("", "json", format="markdown"))["pandoc-api-version"]


def pandoc_lang(lang: str) -> str:
    """The tag given to pandoc, which picks its caption translations by it ("zh-Hans" has
    them, "zh-CN" has not); Word's spelling is restored afterwards by ``fix_docx``."""
    return {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant", "zh-HK": "zh-Hant"}.get(family(lang), lang or "en-US")


class DocxWriter:
    """DOCX through pandoc."""

    name = "docx"
    extension = ".docx"
    # Word spaces CJK and Latin itself (autoSpaceDE/DN) and breaks Korean by words.
    transforms: tuple[str, ...] = ()

    def write(self, book: Book, target: Path, ctx) -> None:
        """Render ``book`` to the DOCX file ``target``."""
        lang = book.meta.lang
        style = settings(ctx.options.theme).fonts
        ast = book_to_pandoc(book, ctx.resources, pandoc_api_version(), pandoc_lang(lang),
                             front=front_matter(book, ctx.resources))
        with tempfile.TemporaryDirectory(prefix="converter-docx-") as tmp:
            reference = Path(tmp) / "reference.docx"
            reference.write_bytes(patched_reference(reference_docx(ctx.options.theme), lang, style))
            # pandoc writes into this private folder, not beside the target: a pandoc that
            # outlives a killed build must not leave a file in the output folder.
            made = Path(tmp) / "book.docx"
            try:
                with capture_logs("pypandoc", ctx.diag, "docx-engine"):
                    pypandoc.convert_text(
                        json.dumps(ast, ensure_ascii=False), "docx", format="json", outputfile=str(made),
                        extra_args=["--reference-doc", str(reference)],
                    )
            except (RuntimeError, OSError) as exc:
                raise RenderError(f"pandoc failed: {exc}", path=target) from exc
            fix_docx(made, lang, style=style, date_time=zip_time(book.meta.modified or book.meta.date),
                     core=core_properties(book.meta))
            shutil.copyfile(made, target)
