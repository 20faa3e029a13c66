"""Progress of a build: stages that start, advance and finish, and the time each took.

Stages report through a :class:`Progress`; library code never prints. The pipeline times
every stage with a :class:`StageClock`, whose totals the CLI prints at the end of a build;
the CLI also passes a terminal display (rich bars) when stderr is a terminal. A stage's
``note`` is a short running detail ("1,204 pages").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Progress(Protocol):
    """Told how a build goes, stage by stage."""

    def start(self, stage: str, total: int | None = None) -> None:
        """A stage begins; ``total`` steps if known."""

    def advance(self, stage: str, steps: int = 1, note: str = "") -> None:
        """``steps`` more steps of ``stage`` are done."""

    def finish(self, stage: str) -> None:
        """The stage is over."""


class NoProgress:
    """Progress that goes nowhere."""

    def start(self, stage: str, total: int | None = None) -> None:
        pass

    def advance(self, stage: str, steps: int = 1, note: str = "") -> None:
        pass

    def finish(self, stage: str) -> None:
        pass


class StageClock:
    """Times stages (wall clock; a stage met several times adds up) and passes every event
    on to a display. Safe to call from several threads."""

    def __init__(self, display: Progress | None = None) -> None:
        self.display = display or NoProgress()
        self.seconds: dict[str, float] = {}
        self._started: dict[str, float] = {}
        self._lock = threading.Lock()

    def start(self, stage: str, total: int | None = None) -> None:
        """Begin ``stage``; for a stage already running, only its total is set (a writer
        learns how many chapters it renders after the pipeline started "writing ...")."""
        with self._lock:
            self._started.setdefault(stage, time.perf_counter())
            self.seconds.setdefault(stage, 0.0)
        self.display.start(stage, total)

    def advance(self, stage: str, steps: int = 1, note: str = "") -> None:
        self.display.advance(stage, steps, note)

    def finish(self, stage: str) -> None:
        with self._lock:
            began = self._started.pop(stage, None)
            if began is not None:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - began
        self.display.finish(stage)

    @contextmanager
    def stage(self, stage: str, total: int | None = None) -> Iterator[None]:
        """Time the block as ``stage``."""
        self.start(stage, total)
        try:
            yield
        finally:
            self.finish(stage)
