"""Sources: find post files, read and decode them, split and normalize their front matter.

``load_post(path, options)`` is a pure function of the file's bytes and the options, so
posts can be read in parallel processes and cached by content hash.
"""

from __future__ import annotations

from .discover import Discovered, discover
from .post import RawPost, load_post

__all__ = ["Discovered", "discover", "RawPost", "load_post"]
