"""The journal: every scan and quantity change this station recorded, newest first."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.workers import BackgroundRunner

JOURNAL_LIMIT = 500


class JournalDialog(QDialog):
    COLUMNS = ("Time", "Type", "What", "State", "Operator", "Details")

    def __init__(self, ledger, parent: QWidget | None = None, *, lot_names=None):
        """``lot_names`` maps a lot id to the batch number shown for it, when known."""
        super().__init__(parent)
        self.lot_names = lot_names or {}
        self.setWindowTitle(self.tr("Journal"))
        self.ledger = ledger
        self.runner = BackgroundRunner(self)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(name) for name in self.COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.reload_button = buttons.addButton(self.tr("Reload"), QDialogButtonBox.ButtonRole.ActionRole)
        self.reload_button.clicked.connect(self.reload)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(1100, 600)
        self.reload()
        self._timer = QTimer(self)  # changes settle while the dialog is open
        self._timer.setInterval(5000)
        self._timer.timeout.connect(self.reload)
        self._timer.start()

    def reload(self) -> None:
        self.runner.run(lambda: self.ledger.journal(limit=JOURNAL_LIMIT), self.show_entries)

    def show_entries(self, entries) -> None:
        entries = sorted(entries, key=lambda entry: entry.at, reverse=True)
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            if entry.type == "scan":
                summary = entry.text or ""
                state = entry.outcome or ""
                details = entry.message or ", ".join(entry.lot_ids)
            else:
                sign = "+" if (entry.delta or 0) > 0 else ""
                lot = self.lot_names.get(entry.lot_id, entry.lot_id)
                summary = self.tr("Lot {lot}: {sign}{delta}").format(lot=lot, sign=sign, delta=entry.delta)
                state = entry.state.value if entry.state else ""
                after = self.tr("now {quantity}").format(quantity=entry.quantity_after) \
                    if entry.quantity_after is not None else ""
                details = entry.reason or after
            values = (when, self.tr(entry.type), summary, state, entry.operator or "", details)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(str(value)))
