"""Bounds on the work one post may cost: a wall-clock limit for reading it.

Posts are untrusted: a crafted one must not hang a batch. Parsing and mapping are linear by
design, and this limit is the backstop for what slips through. It uses SIGALRM, so it acts
only in a process's main thread on POSIX (where posts are read: each worker process); it
cannot interrupt C code, so the process that runs the workers (``workers.py``) kills a worker
that overruns it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class TimeLimitExceeded(Exception):
    """Raised inside the limited block when its time is up."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the block after ``seconds`` of wall-clock time."""
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(_signum, _frame):
        raise TimeLimitExceeded(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
