"""Logging setup: a rotating file in the data folder, stderr, and an in-memory ring for the log viewer."""

from __future__ import annotations

import collections
import logging
import logging.handlers
import threading
from pathlib import Path

from station import paths

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
NOISY_LIBRARIES = ("httpx", "httpcore", "uvicorn", "uvicorn.access", "uvicorn.error", "PIL", "asyncio")


class RingHandler(logging.Handler):
    """Keeps the last ``capacity`` formatted records for the in-app log viewer; thread-safe."""

    def __init__(self, capacity: int = 2000):
        super().__init__()
        self._records: collections.deque[str] = collections.deque(maxlen=capacity)
        self._guard = threading.Lock()
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # noqa: BLE001 - a broken record must not break logging
            self.handleError(record)
            return
        with self._guard:
            self._records.append(line)

    def lines(self) -> list[str]:
        with self._guard:
            return list(self._records)


_ring: RingHandler | None = None


def ring_handler() -> RingHandler | None:
    return _ring


def teardown_logging() -> None:
    """Remove and close the handlers that ``setup_logging`` added."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_scan_station", False):
            root.removeHandler(handler)
            handler.close()


def setup_logging(data_dir: Path | None, *, level: int = logging.INFO, console: bool = True) -> Path | None:
    """Configure the root logger once; returns the log file path (None without a data folder)."""
    global _ring
    root = logging.getLogger()
    root.setLevel(level)
    teardown_logging()
    handlers: list[logging.Handler] = []
    log_file: Path | None = None
    if data_dir is not None:
        log_file = paths.log_dir(data_dir) / "scan-station.log"
        handlers.append(
            logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        )
    if console:
        handlers.append(logging.StreamHandler())
    _ring = RingHandler()
    handlers.append(_ring)
    for handler in handlers:
        handler._scan_station = True  # type: ignore[attr-defined]
        if handler.formatter is None:
            handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    for name in NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    return log_file
