"""The adjust bar: −1, +1, dispense one product unit, a signed custom amount, and undo.

It stays in one place with the same buttons so hands learn it; every button carries its shortcut. The
shortcuts are window-wide ``QShortcut`` objects, not button shortcuts, because ``QPushButton.setText``
replaces a button's shortcut with the mnemonic of the new text, and the dispense and undo buttons change
their text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget

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


class AdjustBar(QWidget):
    adjust_requested = Signal(int)  # a signed change of the lot's quantity
    undo_requested = Signal()
    invalid_amount = Signal(str)  # the message to show the operator

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._dispense_units: int | None = None
        self._has_lot = False
        self._busy = False
        self.minus_one = self._button(self.tr("\u22121   (F1)"), "F1", lambda: self.adjust_requested.emit(-1))
        self.plus_one = self._button(self.tr("+1   (F2)"), "F2", lambda: self.adjust_requested.emit(1))
        self.dispense = self._button(self.tr("Dispense (F3)"), "F3", self._dispense)
        self.amount = AmountField()
        self.amount.setObjectName("customAmount")
        self.amount.setPlaceholderText(self.tr("Amount, e.g. \u221210 or +25 (F4)"))
        self.amount.setMinimumHeight(theme.MIN_BUTTON_HEIGHT)
        self.amount.setFont(theme.scaled_font(self.font(), 1.2))
        self.amount.returnPressed.connect(self._apply_amount)
        self.apply = self._button(self.tr("Apply (Enter)"), None, self._apply_amount)
        self.undo = self._button(self.tr("Undo last (Ctrl+Z)"), QKeySequence.StandardKey.Undo, self._undo)
        self._shortcut(QKeySequence("F4"), self.amount.setFocus)
        self._undo_left = 0
        self._undo_timer = QTimer(self)
        self._undo_timer.setInterval(1000)
        self._undo_timer.timeout.connect(self._tick_undo)

        row = QHBoxLayout()
        for widget in (self.minus_one, self.plus_one, self.dispense):
            row.addWidget(widget)
        row.addSpacing(16)
        row.addWidget(self.amount, 2)
        row.addWidget(self.apply)
        undo_row = QHBoxLayout()
        undo_row.addStretch(1)
        undo_row.addWidget(self.undo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addLayout(row)
        layout.addLayout(undo_row)
        self.set_lot(None)
        self._set_undo(0)

    def _button(self, text: str, shortcut, slot) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(theme.MIN_BUTTON_HEIGHT)
        button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        button.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        button.clicked.connect(slot)
        if shortcut is not None:
            self._shortcut(QKeySequence(shortcut), lambda: button.animateClick() if button.isEnabled() else None)
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
        self.dispense.setText(self.tr("Dispense (F3)"))
        if lot is not None and lot.associations:
            for _, assoc in lot.associations.items():
                if assoc.units_per_product:
                    self._dispense_units = assoc.units_per_product
                    name = assoc.name or self.tr("product")
                    short = name if len(name) <= 22 else name[:21] + "\u2026"
                    self.dispense.setText(self.tr("Dispense 1 {name}  \u2212{units}  (F3)").format(
                        name=short, units=assoc.units_per_product))
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
            self.undo.setText(self.tr("Undo last (Ctrl+Z)  {seconds} s").format(seconds=seconds))
        else:
            self.undo.setText(self.tr("Undo last (Ctrl+Z)"))
            self._undo_timer.stop()

    def _tick_undo(self) -> None:
        self._set_undo(self._undo_left - 1)

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
