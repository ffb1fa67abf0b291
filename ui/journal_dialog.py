"""The journal: every scan and quantity change this station recorded, newest first."""

from __future__ import annotations

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

    def __init__(self, ledger, parent: QWidget | None = None):
        super().__init__(parent)
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

    def reload(self) -> None:
        self.runner.run(lambda: self.ledger.journal(limit=JOURNAL_LIMIT), self.show_entries)

    def show_entries(self, entries) -> None:
        entries = sorted(entries, key=lambda entry: entry.at, reverse=True)
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            if entry.type == "scan":
                what = entry.text or ""
                state = entry.outcome or ""
                details = entry.message or ", ".join(entry.lot_ids)
            else:
                sign = "+" if (entry.delta or 0) > 0 else ""
                what = self.tr("Lot {lot}: {sign}{delta}").format(lot=entry.lot_id, sign=sign, delta=entry.delta)
                state = entry.state.value if entry.state else ""
                after = self.tr("now {quantity}").format(quantity=entry.quantity_after) \
                    if entry.quantity_after is not None else ""
                details = entry.reason or after
            values = (when, self.tr(entry.type), what, state, entry.operator or "", details)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(str(value)))
