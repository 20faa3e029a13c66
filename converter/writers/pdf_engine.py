"""The PDF engine: WeasyPrint lays out the book's HTML with the print stylesheet.

WeasyPrint gets a URL fetcher that serves the resolved resources of this build and refuses
everything else, so nothing in a post can make the renderer read a file or open a URL.
Fonts come from fontconfig through the font policy's explicit stacks. Imported by the PDF
writer only when it writes (WeasyPrint takes a second to import).
"""

from __future__ import annotations

from pathlib import Path

import pydyf
from weasyprint import CSS, HTML, __version__ as weasyprint_version
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..core.diagnostics import Diagnostics
from ..core.errors import RenderError
from ..core.model import BookMeta
from ..resources import ResourceLookup
from .logcapture import capture_logs
from .pdf import RESOURCE_SCHEME
from .xmp import xmp_packet


class ResourceFetcher(URLFetcher):
    """Serves ``converter-resource:<id>`` URLs from the resource store; denies the rest."""

    def __init__(self, resources: ResourceLookup, diag: Diagnostics) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.resources = resources
        self.diag = diag

    def fetch(self, url, headers=None):  # noqa: D401 - WeasyPrint's interface
        resource = self.resources.get(url[len(RESOURCE_SCHEME):]) if url.startswith(RESOURCE_SCHEME) else None
        if resource is None:
            self.diag.warn("fetch-denied", f"renderer asked for {url[:200]}; refused")
            raise ValueError(f"refused: {url[:200]}")
        return URLFetcherResponse(url, resource.path.read_bytes(), {"Content-Type": resource.media_type})


def render_pdf(html: str, css: str, meta: BookMeta, target: Path, resources: ResourceLookup,
               diag: Diagnostics) -> None:
    """Lay out ``html`` with ``css`` and write the PDF to ``target``, with the XMP packet of
    ``meta`` in place of WeasyPrint's."""
    fetcher = ResourceFetcher(resources, diag)

    def add_xmp(_document, pdf) -> None:
        stream = pydyf.Stream([xmp_packet(meta, f"WeasyPrint {weasyprint_version}")],
                              {"Type": "/Metadata", "Subtype": "/XML"})
        pdf.add_object(stream)
        pdf.catalog["Metadata"] = stream.reference

    try:
        with capture_logs("weasyprint", diag, "pdf-engine"):
            document = HTML(string=html, base_url=None, url_fetcher=fetcher)
            document.write_pdf(target, stylesheets=[CSS(string=css, url_fetcher=fetcher)], custom_metadata=True,
                               finisher=add_xmp)
    except (OSError, ValueError, RecursionError) as exc:
        raise RenderError(f"PDF rendering failed: {exc}", path=target) from exc
