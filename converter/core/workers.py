"""Worker processes that one bad item cannot take down: a hard time limit and a memory limit
per item, and a crash that costs only the item that caused it.

``run_isolated`` maps a function over items in forked worker processes, each working on one
item at a time. The parent knows which item each worker holds and since when, so

- a worker that runs past ``seconds`` (+ a grace period; the function is expected to stop
  itself at ``seconds`` with :func:`~converter.core.limits.time_limit`, which cannot
  interrupt C code) is killed, and its item fails with a message saying so;
- a worker that dies (killed by the kernel, a crash in a C library) fails its own item only;
  a new worker takes its place;
- each worker's address space may grow by ``memory`` bytes over what it starts with
  (``RLIMIT_AS``): an item that wants more gets ``MemoryError`` inside the function, or kills
  only its worker. The limit is set in the workers alone, never in the process that forks
  them, so the renderers and their subprocesses (WeasyPrint, pandoc, Java) are not under it.

Results come back in input order. ``fail(item, reason)`` makes the result of an item that
produced none.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX: no memory limit
    resource = None

T = TypeVar("T")
R = TypeVar("R")
GRACE_SECONDS = 5.0
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class WorkerLimits:
    """Bounds on one item: ``seconds`` of wall time (0: none) and ``memory`` bytes of address
    space a worker may add to what it has when it starts (0: none)."""

    seconds: float = 0.0
    memory: int = 0


def address_space() -> int:
    """This process's address space in bytes (what ``RLIMIT_AS`` counts); 0 when unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(extra: int) -> bool:
    """Let this process's address space grow by at most ``extra`` bytes; whether it could."""
    if resource is None or extra <= 0:
        return False
    base = address_space()
    if not base:
        return False
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = base + extra
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        return False
    return True


def _worker(conn: Connection, function: Callable[[Any], Any], memory: int) -> None:
    # The parent handles Ctrl-C and stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_memory(memory)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, item = task
        try:
            result = ("ok", function(item))
        except MemoryError:
            result = ("error", f"needs more than the memory limit of {memory // MB} MB")
        except BaseException as exc:  # noqa: BLE001 - the function should not raise; say what it raised
            result = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send((index, result))
        except MemoryError:
            conn.send((index, ("error", f"its result needs more than the memory limit of {memory // MB} MB")))


@dataclass(slots=True)
class _Slot:
    process: Any
    conn: Connection
    index: int = -1
    started: float = 0.0


def _describe_death(exitcode: int | None, memory: int) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        cause = " (out of memory?)" if name == "SIGKILL" else ""
        return f"the process reading it was killed by {name}{cause}"
    if memory:
        return f"the process reading it died (exit status {exitcode}; memory limit {memory // MB} MB)"
    return f"the process reading it died (exit status {exitcode})"


def run_isolated(function: Callable[[T], R], items: Sequence[T], fail: Callable[[T, str], R], *,
                 jobs: int, limits: WorkerLimits = WorkerLimits(),
                 done: Callable[[int, R], None] | None = None) -> list[R]:
    """``[function(item) for item in items]``, computed in up to ``jobs`` forked worker
    processes under ``limits``; an item whose worker overran its time, died or raised gets
    ``fail(item, reason)`` instead. ``done(index, result)`` is told of each result as it
    comes (in completion order)."""
    if not items:
        return []
    context = multiprocessing.get_context("fork")
    results: list[Any] = [None] * len(items)
    finished = [False] * len(items)
    queue = deque(range(len(items)))
    deadline = limits.seconds + GRACE_SECONDS if limits.seconds > 0 else 0.0
    slots: list[_Slot] = []

    def start() -> _Slot:
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, function, limits.memory), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def finish(index: int, value: Any) -> None:
        results[index] = value
        finished[index] = True
        if done is not None:
            done(index, value)

    def retire(slot: _Slot, reason: str) -> None:
        """The worker of ``slot`` is gone: its item fails with ``reason``; a fresh worker
        replaces it if there is work left."""
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join()
        slot.conn.close()
        if slot.index >= 0 and not finished[slot.index]:
            finish(slot.index, fail(items[slot.index], reason))
        slots.remove(slot)
        if queue:
            slots.append(start())

    try:
        for _ in range(max(1, min(jobs, len(items)))):
            slots.append(start())
        while queue or any(s.index >= 0 for s in slots):
            for slot in slots:
                if slot.index < 0 and queue:
                    slot.index = queue.popleft()
                    slot.started = time.monotonic()
                    try:
                        slot.conn.send((slot.index, items[slot.index]))
                    except (OSError, ValueError):  # the worker died idle: not this item's fault
                        queue.appendleft(slot.index)
                        slot.index = -1
                        retire(slot, "")
                        break
            busy = [s for s in slots if s.index >= 0]
            if not busy:
                continue  # a worker was replaced before it got its item
            timeout = None
            if deadline:
                now = time.monotonic()
                timeout = max(0.0, min(s.started + deadline - now for s in busy))
            ready = set(wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout))
            for slot in list(busy):
                if slot.conn in ready:
                    try:
                        index, (status, value) = slot.conn.recv()
                    except (EOFError, OSError):
                        slot.process.join(1)
                        retire(slot, _describe_death(slot.process.exitcode, limits.memory))
                        continue
                    finish(index, value if status == "ok" else fail(items[index], value))
                    slot.index = -1
                elif slot.process.sentinel in ready:
                    slot.process.join(1)
                    retire(slot, _describe_death(slot.process.exitcode, limits.memory))
                elif deadline and time.monotonic() - slot.started > deadline:
                    retire(slot, f"took longer than {limits.seconds:g} s (stopped)")
    finally:
        for slot in slots:
            try:
                slot.conn.send(None)
            except (OSError, ValueError):
                pass
        for slot in slots:
            slot.process.join(1)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
            slot.conn.close()
    return results
