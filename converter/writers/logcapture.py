"""Route a library's log warnings into build diagnostics while a writer runs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from ..core.diagnostics import Diagnostics


class _ToDiagnostics(logging.Handler):
    def __init__(self, diag: Diagnostics, code: str) -> None:
        super().__init__(logging.WARNING)
        self.diag = diag
        self.code = code

    def emit(self, record: logging.LogRecord) -> None:
        self.diag.warn(self.code, record.getMessage().strip()[:300])


@contextlib.contextmanager
def capture_logs(logger_name: str, diag: Diagnostics, code: str) -> Iterator[None]:
    """Send warnings of ``logger_name`` to ``diag`` (with ``code``) instead of stderr."""
    logger = logging.getLogger(logger_name)
    saved = (logger.handlers[:], logger.propagate)
    # Libraries such as pypandoc attach a stderr handler of their own: set it aside too.
    logger.handlers = [_ToDiagnostics(diag, code)]
    logger.propagate = False
    try:
        yield
    finally:
        logger.handlers, logger.propagate = saved
