"""A terminal progress bar (rich) for resolving and downloading the images of a build.

Used by the CLI only when stderr is a terminal; library code reports progress through the
``FetchProgress`` protocol and never prints.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class RichFetchProgress:
    """Shows ``images ━━━━━━ 12/40 0:00:03`` on stderr while the images are resolved."""

    def __init__(self) -> None:
        self._progress = Progress(TextColumn("images"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                  console=Console(stderr=True), transient=True)
        self._task = None

    def start(self, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task("images", total=total)

    def advance(self) -> None:
        if self._task is not None:
            self._progress.advance(self._task)

    def finish(self) -> None:
        self._progress.stop()
