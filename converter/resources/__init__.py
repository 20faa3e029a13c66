"""Resources (images) of posts: one resolver, a cache, and the variant each format shows.

``resolver`` is the only code that reads a file or opens a URL a post names; ``local``
confines paths to the allowed roots, ``fetch`` and ``addresses`` download under strict
limits, ``cache`` makes rebuilds offline, ``images`` and ``svg`` sniff and convert, and
``store`` hands the writers what they may embed.
"""

from .fetch import feed_fetcher
from .resolver import ImageRequest, ResolveStats, Resolver, image_requests, resolve_images
from .store import Resource, ResourceLookup, ResourceStore, TargetView, Unavailable

__all__ = ["feed_fetcher", "ImageRequest", "ResolveStats", "Resolver", "Resource", "ResourceLookup",
           "ResourceStore", "TargetView", "Unavailable", "image_requests", "resolve_images"]
