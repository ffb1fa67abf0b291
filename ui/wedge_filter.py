"""The application-wide event filter that reads keyboard-wedge scans in every window and dialog.

Install it on the QApplication with ``install_wedge_filter``. It converts each QKeyEvent into a
``station.codes.wedge.KeyEvent``, lets the pure ``Wedge`` decide, and then:

- swallows the keys the wedge holds back, so a scan never lands in a QLineEdit or QSpinBox;
- sends the keys that turn out to be typing to the widget that had focus, in their original order;
- emits ``scanned(text, symbology)`` for each scan, with "" when the scanner sent no AIM identifier.

Typing is delayed by at most ``WedgeConfig.max_gap`` (35 ms by default) while the wedge waits to see
whether more keys follow. Shortcuts such as Ctrl+Z or F1 are never held. A key the wedge holds back is
kept from the shortcut system until it is replayed. Replayed presses go through
``QApplication.sendEvent``, which tries shortcuts again, so a single-key shortcut still fires, just late.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import cast

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from station.codes.wedge import KeyEvent, ReplayOutput, ScanOutput, Wedge, WedgeConfig

log = logging.getLogger(__name__)

_KEY_EVENT_TYPES = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
_MODIFIER_NAMES = (
    (Qt.KeyboardModifier.ShiftModifier, "shift"),
    (Qt.KeyboardModifier.ControlModifier, "ctrl"),
    (Qt.KeyboardModifier.AltModifier, "alt"),
    (Qt.KeyboardModifier.MetaModifier, "meta"),
    (Qt.KeyboardModifier.KeypadModifier, "keypad"),
)
# Qt platform plugin -> native key code family, for recovering US key positions on another layout.
_PLATFORM_CODES = {"xcb": "xkb", "wayland": "xkb", "windows": "windows", "cocoa": "macos"}
TICK_INTERVAL_MS = 10


def native_code_platform() -> str | None:
    """Return the native key code family of the running Qt platform plugin, or None if it has none."""
    name = QGuiApplication.platformName()
    for prefix, platform in _PLATFORM_CODES.items():
        if name.startswith(prefix):
            return platform
    return None


class WedgeFilter(QObject):
    """Reads keyboard-wedge scans from every key event of the application it is installed on.

    With a ``config.layout`` other than "us" and ``config.platform`` None, the filter fills in the
    native key code family of the running platform, so layouts are recovered from physical keys.
    """

    scanned = Signal(str, str)  # text, AIM symbology identifier such as "]E0" or "" when none was sent
    scan_read = Signal(object)  # the same scan as a station.codes.wedge.ScanOutput

    def __init__(self, config: WedgeConfig | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wedge = Wedge(self._with_platform(config or WedgeConfig()))
        self._held: dict[int, tuple[KeyEvent, QKeyEvent, QWidget]] = {}
        self._replaying = False
        self._clock_anchor: tuple[int, float] | None = None  # (event timestamp in ms, monotonic seconds)
        self._last_receiver: QWidget | None = None
        self._last_signature: tuple | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_INTERVAL_MS)
        self._timer.timeout.connect(self._on_tick)

    @property
    def config(self) -> WedgeConfig:
        return self._wedge.config

    def burst_in_progress(self) -> bool:
        """True while the wedge keeps back keys that may be the start of a scan."""
        return self._wedge.pending()

    def set_config(self, config: WedgeConfig) -> None:
        """Apply new settings; keys held back at that moment are handed back to their widget first."""
        self._process(self._wedge.tick(float("inf")), current=None)
        self._held.clear()
        self._timer.stop()
        self._wedge = Wedge(self._with_platform(config))

    @staticmethod
    def _with_platform(config: WedgeConfig) -> WedgeConfig:
        if config.platform is None and config.layout != "us":
            return dataclasses.replace(config, platform=native_code_platform())
        return config

    # Event filter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        event_type = event.type()
        if self._replaying:
            return False
        if event_type == QEvent.Type.ShortcutOverride:
            return self._filter_shortcut_override(watched, event)
        if event_type not in _KEY_EVENT_TYPES:
            return False
        qt_event = cast(QKeyEvent, event)  # _KEY_EVENT_TYPES holds key press and release only
        if not self._is_first_delivery(watched, qt_event):
            return False

        key_event = self._to_key_event(qt_event)
        self._held[id(key_event)] = (key_event, qt_event.clone(), cast(QWidget, watched))
        outputs = self._wedge.feed(key_event)
        passed = self._process(outputs, current=key_event)
        if passed:
            del self._held[id(key_event)]
        if not self._wedge.pending():
            self._held.clear()
        self._update_timer()
        return not passed

    def _filter_shortcut_override(self, watched: QObject, event: QEvent) -> bool:
        """Keep a key the wedge will hold back away from shortcuts, so a scan cannot trigger one."""
        if not isinstance(watched, QWidget) or self._replaying:
            return False
        if self._wedge.claims(self._to_key_event(cast(QKeyEvent, event))):
            event.accept()
            return True
        return False

    def _is_first_delivery(self, watched: QObject, event: QKeyEvent) -> bool:
        """Return True the first time a key event reaches a widget, False when it propagates to a parent.

        Qt delivers a platform key event to the QWindow and then to the focus widget, and passes an
        ignored one on to each parent, and every step goes through application event filters.
        """
        if not isinstance(watched, QWidget):
            return False
        signature = (int(event.type().value), event.key(), event.text(), event.timestamp(),
                     event.nativeScanCode(), int(event.modifiers().value), event.isAutoRepeat())
        last = self._last_receiver
        if (
            signature == self._last_signature
            and last is not None
            and shiboken6.isValid(last)
            and watched is not last
            and watched.isAncestorOf(last)
        ):
            return False
        self._last_receiver = watched
        self._last_signature = signature
        return True

    def _to_key_event(self, event: QKeyEvent) -> KeyEvent:
        modifiers = event.modifiers()
        names = frozenset(name for flag, name in _MODIFIER_NAMES if modifiers & flag)
        return KeyEvent(
            time=self._event_time(event),
            text=event.text(),
            key=int(event.key()),
            native_scan_code=int(event.nativeScanCode()),
            native_virtual_key=int(event.nativeVirtualKey()),
            modifiers=names,
            pressed=event.type() != QEvent.Type.KeyRelease,
            auto_repeat=event.isAutoRepeat(),
        )

    def _event_time(self, event: QKeyEvent) -> float:
        """Return the event's time in seconds on the monotonic clock that also drives ``tick``.

        Platform events carry a millisecond timestamp that measures key gaps more exactly than the
        moment the event is processed. It is mapped onto the monotonic clock through an anchor, which
        moves whenever a mapped time would lie in the future or more than 10 s in the past.
        """
        now = time.monotonic()
        stamp = event.timestamp()
        if not stamp:
            return now
        anchor = self._clock_anchor
        if anchor is not None:
            mapped = anchor[1] + (stamp - anchor[0]) / 1000.0
            if now - 10.0 <= mapped <= now + 0.005:
                return mapped
        self._clock_anchor = (stamp, now)
        return now

    # Outputs of the wedge

    def _process(self, outputs: list, current: KeyEvent | None) -> bool:
        """Emit scans and replay held keys; return True if ``current`` itself should pass on unchanged."""
        passed = False
        for output in outputs:
            if isinstance(output, ScanOutput):
                self._emit_scan(output)
            elif isinstance(output, ReplayOutput):
                for key_event in output.events:
                    if key_event is current:
                        passed = True
                    else:
                        self._replay(key_event)
        return passed

    def _emit_scan(self, output: ScanOutput) -> None:
        log.debug("Keyboard scan of %d characters, terminator %r", len(output.text), output.terminator)
        self.scanned.emit(output.text, output.symbology or "")
        self.scan_read.emit(output)

    def _replay(self, key_event: KeyEvent) -> None:
        entry = self._held.pop(id(key_event), None)
        if entry is None:
            log.warning("A held key event was lost before it could be handed back")
            return
        _, qt_event, receiver = entry
        if not shiboken6.isValid(receiver):
            log.info("The widget that had focus was closed; a held key was dropped")
            return
        self._replaying = True
        try:
            QCoreApplication.sendEvent(receiver, qt_event)
        finally:
            self._replaying = False

    def _update_timer(self) -> None:
        if self._wedge.pending():
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()

    def _on_tick(self) -> None:
        # NOTE: if the GUI thread stalls while a scanner types, a tick can run before the rest of the
        # burst is processed and hand its first keys back as typing. Keep slow work off the GUI thread.
        self._process(self._wedge.tick(time.monotonic()), current=None)
        if not self._wedge.pending():
            self._held.clear()
        self._update_timer()


def install_wedge_filter(
    app: QCoreApplication | None = None,
    on_scan: Callable[[str, str], object] | None = None,
    config: WedgeConfig | None = None,
) -> WedgeFilter:
    """Create a ``WedgeFilter``, install it on ``app`` (default: the running QApplication) and return it.

    ``on_scan`` is connected to ``scanned(text, symbology)``. Keep the returned filter alive: it is
    parented to ``app``, which keeps it until the application ends.
    """
    app = app or QApplication.instance()
    if app is None:
        raise RuntimeError("install_wedge_filter needs a QApplication: create one first")
    wedge_filter = WedgeFilter(config, parent=app)
    if on_scan is not None:
        wedge_filter.scanned.connect(on_scan)
    app.installEventFilter(wedge_filter)
    return wedge_filter
