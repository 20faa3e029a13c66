"""Worker processes under bounds: a hard time limit (C code cannot be interrupted by a
signal, so the parent kills the worker), a memory limit per worker, and a crash that costs
only its own item."""

from __future__ import annotations

import os
import signal
import time

from converter.core import workers
from converter.core.limits import time_limit
from converter.core.workers import MB, WorkerLimits, run_isolated


def _work(item: str):
    with time_limit(1):
        if item == "slow":
            time.sleep(30)
        if item == "stuck":  # deaf to the alarm, as C code is
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            time.sleep(30)
        if item == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        if item == "memory":
            return len(bytearray(3000 * MB))
        if item == "bug":
            raise KeyError("k")
    return item * 2


def test_each_item_fails_alone_and_the_rest_are_done(monkeypatch):
    monkeypatch.setattr(workers, "GRACE_SECONDS", 0.5)
    items = ["a", "slow", "b", "stuck", "c", "crash", "d", "memory", "e", "bug", "f"]
    start = time.monotonic()
    results = run_isolated(_work, items, lambda item, why: f"FAILED {item}: {why}", jobs=2,
                           limits=WorkerLimits(1.0, 500 * MB))
    assert time.monotonic() - start < 20
    assert results[0::2] == ["aa", "bb", "cc", "dd", "ee", "ff"]
    assert "longer than 1 s" in results[1]
    assert results[3] == "FAILED stuck: took longer than 1 s (stopped)"
    assert results[5] == "FAILED crash: the process reading it was killed by SIGKILL (out of memory?)"
    assert results[7] == "FAILED memory: needs more than the memory limit of 500 MB"
    assert results[9] == "FAILED bug: KeyError: 'k'"


def test_the_memory_limit_is_the_workers_own():
    before = workers.address_space()
    assert run_isolated(_work, ["x"], lambda item, why: why, jobs=1, limits=WorkerLimits(0, 100 * MB)) == ["xx"]
    import resource

    assert resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY  # the parent is not limited
    assert workers.address_space() >= before > 0
