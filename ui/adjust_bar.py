"""The adjust bar: −1, +1, dispense one product unit, a signed custom amount, and undo.

It stays in one place with the same buttons so hands learn it; every button carries its shortcut. The
shortcuts are window-wide ``QShortcut`` objects, not button shortcuts, because ``QPushButton.setText``
replaces a button's shortcut with the mnemonic of the new text, and the dispense and undo buttons change
their text.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from station.blend.models import Lot
from station.inventory.amount import AmountError, parse_amount
from ui import theme

UNDO_WINDOW_SECONDS = 8


class AmountField(QLineEdit):
    """The custom amount. Ctrl+Z here undoes the last saved change, not the typing, as everywhere else."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo):
                event.ignore()  # let the window's undo shortcut have it
                return True
        return super().event(event)


class ElidedButton(QPushButton):
    """A button whose long text is shortened with an ellipsis to fit, so a long product name never widens
    the window. The full text is in the tooltip."""

    MIN_WIDTH = 170
    MAX_PREFERRED_WIDTH = 600

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._full_text = ""
        self._shorten: str | None = None
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.set_full_text(text)

    def set_full_text(self, text: str, *, shorten: str | None = None) -> None:
        """Show ``text``. When it does not fit, shorten only the part ``shorten`` (such as the product name),
        so that the amount and the key stay readable."""
        self._full_text = text
        self._shorten = shorten if shorten and shorten in text else None
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full_text

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        width = self.fontMetrics().horizontalAdvance(self._full_text) + 32
        return QSize(min(width, self.MAX_PREFERRED_WIDTH), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.MIN_WIDTH, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        room = max(self.width() - 24, 40)
        if self._shorten is None or metrics.horizontalAdvance(self._full_text) <= room:
            self.setText(metrics.elidedText(self._full_text, Qt.TextElideMode.ElideMiddle, room))
            return
        before, after = self._full_text.split(self._shorten, 1)
        left = max(room - metrics.horizontalAdvance(before + after), 30)
        self.setText(before + metrics.elidedText(self._shorten, Qt.TextElideMode.ElideRight, left) + after)


class AdjustBar(QWidget):
    adjust_requested = Signal(int)  # a signed change of the lot's quantity
    undo_requested = Signal()
    invalid_amount = Signal(str)  # the message to show the operator
    notice = Signal(str)  # a hint for the operator that is not an error

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._dispense_units: int | None = None
        self._has_lot = False
        self._busy = False
        self.minus_one = self._button(self.tr("\u22121   (F1)"), "F1", lambda: self.adjust_requested.emit(-1))
        self.plus_one = self._button(self.tr("+1   (F2)"), "F2", lambda: self.adjust_requested.emit(1))
        self.dispense = cast(ElidedButton, self._button(self.tr("Dispense (F3)"), "F3", self._dispense, elided=True))
        self.amount = AmountField()
        self.amount.setObjectName("customAmount")
        self.amount.setPlaceholderText(self.tr("\u00b1Amount (F4)"))
        self.amount.setToolTip(self.tr("Type a signed amount such as \u221210 or +25, then press Enter"))
        self.amount.setMinimumWidth(150)
        self.amount.setMinimumHeight(theme.MIN_BUTTON_HEIGHT)
        self.amount.setFont(theme.scaled_font(self.font(), 1.2))
        self.amount.returnPressed.connect(self._apply_amount)
        self.apply = self._button(self.tr("Apply (Enter)"), None, self._apply_amount)
        self.undo = self._button(self.tr("Undo (Ctrl+Z)"), None, self._undo)
        # As wide as its longest text, so the countdown never moves the buttons beside it.
        self.undo.setMinimumWidth(self.undo.fontMetrics().horizontalAdvance(
            self.tr("Undo {seconds} s (Ctrl+Z)").format(seconds=UNDO_WINDOW_SECONDS)) + 40)
        self._shortcut(QKeySequence(QKeySequence.StandardKey.Undo), self._undo_key)
        self._shortcut(QKeySequence("F4"), self.amount.setFocus)
        self._undo_left = 0
        self._undo_timer = QTimer(self)
        self._undo_timer.setInterval(1000)
        self._undo_timer.timeout.connect(self._tick_undo)

        # One row, always in the same order, so hands learn it and the window fits a 768-pixel screen.
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.minus_one)
        row.addWidget(self.plus_one)
        row.addWidget(self.dispense, 2)
        row.addSpacing(12)
        row.addWidget(self.amount, 1)
        row.addWidget(self.apply)
        row.addSpacing(12)
        row.addWidget(self.undo)
        self.set_lot(None)
        self._set_undo(0)

    def _button(self, text: str, shortcut, slot, *, elided: bool = False) -> QPushButton:
        button = ElidedButton(text) if elided else QPushButton(text)
        button.setMinimumHeight(theme.MIN_BUTTON_HEIGHT)
        if not elided:
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        button.setFont(theme.scaled_font(self.font(), 1.1, bold=True))
        button.clicked.connect(slot)
        if shortcut is not None:
            # click(), not animateClick(): the change must apply to the lot on the card when the key went down,
            # not to whatever lot a scan puts there during the 100 ms animation.
            self._shortcut(QKeySequence(shortcut), lambda: button.click() if button.isEnabled() else None)
        return button

    def _shortcut(self, sequence: QKeySequence, slot) -> QShortcut:
        shortcut = QShortcut(sequence, self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def set_lot(self, lot: Lot | None) -> None:
        """Show the buttons for a new lot (or none). An amount typed for the previous lot is cleared, so it
        can never land on this one."""
        self.amount.clear()
        self._has_lot = lot is not None and lot.id is not None
        self._dispense_units = None
        self.dispense.set_full_text(self.tr("Dispense (F3)"))
        if lot is not None and lot.associations:
            for _, assoc in lot.associations.items():
                if assoc.units_per_product:
                    self._dispense_units = assoc.units_per_product
                    name = assoc.name or self.tr("product")
                    self.dispense.set_full_text(self.tr("Dispense 1 {name}  \u2212{units}  (F3)").format(
                        name=name, units=assoc.units_per_product), shorten=name)
                    break
        self._update_enabled()

    def set_busy(self, busy: bool) -> None:
        """Block new changes while one is in flight, so a double press never sends two."""
        self._busy = busy
        self._update_enabled()

    def _update_enabled(self) -> None:
        # The amount field stays enabled so that it can hold the focus between packages.
        ready = self._has_lot and not self._busy
        for widget in (self.minus_one, self.plus_one, self.apply):
            widget.setEnabled(ready)
        self.dispense.setEnabled(ready and self._dispense_units is not None)

    def offer_undo(self) -> None:
        self._set_undo(UNDO_WINDOW_SECONDS)
        self._undo_timer.start()

    def cancel_undo(self) -> None:
        self._set_undo(0)

    def _set_undo(self, seconds: int) -> None:
        self._undo_left = seconds
        self.undo.setEnabled(seconds > 0)
        if seconds > 0:
            self.undo.setText(self.tr("Undo {seconds} s (Ctrl+Z)").format(seconds=seconds))
        else:
            self.undo.setText(self.tr("Undo (Ctrl+Z)"))
            self._undo_timer.stop()

    def _tick_undo(self) -> None:
        self._set_undo(self._undo_left - 1)

    def _undo_key(self) -> None:
        if self.undo.isEnabled():
            self.undo.click()
        else:
            self.notice.emit(self.tr("Nothing to undo: undo works for {seconds} seconds after a saved change.")
                             .format(seconds=UNDO_WINDOW_SECONDS))

    def _undo(self) -> None:
        if self._undo_left > 0:
            self._set_undo(0)
            self.undo_requested.emit()

    def _dispense(self) -> None:
        if self._dispense_units:
            self.adjust_requested.emit(-self._dispense_units)

    def _apply_amount(self) -> None:
        text = self.amount.text()
        if not text.strip():
            if self._has_lot:
                self.invalid_amount.emit(self.tr("Type an amount such as -5 or +12 first, then press Enter."))
            else:
                self.invalid_amount.emit(self.tr("Scan a lot first, then type the amount and press Enter."))
            return
        try:
            value = parse_amount(text)
        except AmountError as exc:
            self.invalid_amount.emit(str(exc))
            return
        self.amount.clear()
        self.adjust_requested.emit(value)
