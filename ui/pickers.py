"""Dialogs that let the operator choose: one of several lots, or one reading of an ambiguous code."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.blend.models import Lot
from station.codes.scan import Reading
from station.inventory.expiry import ExpiryState, expiry_status
from ui import theme
from ui.lot_card import format_quantity


def dialog_buttons(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel, large enough for gloves, with their keys written on them."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    ok.setText(dialog.tr("OK (Enter)"))
    cancel.setText(dialog.tr("Cancel (Esc)"))
    for button in (ok, cancel):
        button.setMinimumHeight(theme.MIN_BUTTON_HEIGHT)
        button.setMinimumWidth(160)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class LotPickerDialog(QDialog):
    """Lists lots first-expiring first (the order they arrive in); Enter or a double click picks one."""

    COLUMNS = ("Batch", "Expiry", "Quantity", "Products", "State")

    def __init__(self, lots: list[Lot], message: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Choose the lot"))
        self.lots = lots
        self.chosen: Lot | None = None
        heading = QLabel(message)
        heading.setWordWrap(True)
        heading.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        self.table = QTableWidget(len(lots), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(name) for name in self.COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for row, lot in enumerate(lots):
            status = expiry_status(lot.expiry_date)
            expiry = lot.expiry_date.isoformat() if lot.expiry_date else ""
            if expiry and status.state in (ExpiryState.EXPIRED, ExpiryState.SOON):
                expiry = f"{expiry}  ({status.words})"
            values = (
                lot.batch_number or "\u2014",
                expiry or status.words,
                format_quantity(lot.current_quantity, lot.unit_type),
                ", ".join(lot.product_names),
                self.tr("active") if lot.is_active else self.tr("inactive"),
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
            self.table.setRowHeight(row, theme.MIN_BUTTON_HEIGHT)
        if lots:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(self.accept)
        buttons = dialog_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(900, 420)

    def accept(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.lots):
            self.chosen = self.lots[row]
        super().accept()


class ReadingPickerDialog(QDialog):
    """Shows the readings of an ambiguous code; the station never picks one silently."""

    def __init__(self, readings: list[Reading], message: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Which reading is right?"))
        self.readings = readings
        self.chosen: Reading | None = None
        heading = QLabel(message)
        heading.setWordWrap(True)
        heading.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        self.list = QListWidget()
        for reading in readings:
            self.list.addItem(reading.description)
        if readings:
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        hint = QLabel(self.tr("Compare with the text printed on the package before you choose."))
        hint.setAlignment(Qt.AlignmentFlag.AlignLeft)
        buttons = dialog_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.list)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(760, 380)

    def accept(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.readings):
            self.chosen = self.readings[row]
        super().accept()
