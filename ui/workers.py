"""Run blocking calls off the GUI thread and deliver their results back on it.

Workers are plain callables; ``run_in_background`` runs one on Qt's global thread pool and calls
``on_done(result)`` or ``on_error(exception)`` on the GUI thread through a queued signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives in the GUI thread; its signals cross threads as queued connections."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self._fn = fn
        self._relay = relay
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI as a value
            log.debug("background task failed", exc_info=True)
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class BackgroundRunner(QObject):
    """Owns the relays of running tasks so that they live until their result is delivered."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None):
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relays: set[_Relay] = set()
        self._gui_thread = threading.get_ident()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        relay = _Relay(self)
        self._relays.add(relay)

        def finish_ok(result: Any) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            if on_done:
                on_done(result)

        def finish_error(exc: BaseException) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            if on_error:
                on_error(exc)
            else:
                log.error("background task failed: %s", exc, exc_info=exc)

        relay.succeeded.connect(finish_ok)
        relay.failed.connect(finish_error)
        self._pool.start(_Task(fn, relay))

    def busy(self) -> bool:
        return bool(self._relays)

    def wait_for_done(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)
