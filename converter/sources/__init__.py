"""Sources: find posts (files, sites, WordPress exports, feeds), read and decode them, split
and normalize their front matter as their generator does.

``load_post(found, options)`` is a pure function of the ``Discovered`` (its file, site, and
for a post of an export or a feed its item id and own bytes), the file's bytes and the
options, so posts can be read in parallel processes and cached by content hash.
"""

from __future__ import annotations

from .discover import Discovered, discover
from .post import RawPost, load_post

__all__ = ["Discovered", "discover", "RawPost", "load_post"]
