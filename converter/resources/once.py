"""Compute a value once per key, however many threads ask for it at the same time.

The resolver's worker threads meet the same image URL, the same host and the same variant
many times; the first asker computes, the others wait for its result (or its exception).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class OnceMap(Generic[K, V]):
    """A thread-safe memo: ``get(key, compute)`` runs ``compute`` at most once per key.

    Exceptions are remembered like values, so a failure is not retried by the next asker.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[K, Future] = {}

    def get(self, key: K, compute: Callable[[], V]) -> V:
        with self._lock:
            future = self._items.get(key)
            owner = future is None
            if owner:
                future = self._items[key] = Future()
        if owner:
            try:
                future.set_result(compute())
            except BaseException as exc:  # handed to every waiter by result() below
                future.set_exception(exc)
        return future.result()

    def done(self, key: K) -> V | None:
        """The value for ``key`` if it was computed without an exception, else ``None``."""
        with self._lock:
            future = self._items.get(key)
        if future is None or not future.done() or future.exception() is not None:
            return None
        return future.result()
