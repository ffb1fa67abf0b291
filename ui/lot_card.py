"""The lot card: product, quantity, expiry and details of one lot, and the products that draw on it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.blend.models import Lot
from station.inventory.expiry import ExpiryState, expiry_status
from ui import theme

KIND_LABELS = {
    "prescription": "Prescription",
    "non_prescription": "Non-prescription",
    "order_material": "Order material",
}


def format_quantity(value: int | None, unit: str | None) -> str:
    if value is None:
        return "\u2014"
    return f"{value:,} {unit}".strip() if unit else f"{value:,}"


class AssociationsTable(QTableWidget):
    COLUMNS = ("Kind", "Product", "Customer", "Per unit")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(self.COLUMNS), parent)
        self.setHorizontalHeaderLabels([self.tr(name) for name in self.COLUMNS])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)

    def show_lot(self, lot: Lot) -> None:
        rows = lot.associations.items() if lot.associations else []
        self.setRowCount(len(rows))
        for row, (kind, assoc) in enumerate(rows):
            per_unit = format_quantity(assoc.units_per_product, lot.unit_type) if assoc.units_per_product else ""
            values = (self.tr(KIND_LABELS.get(kind, kind)), assoc.name or "", assoc.customer or "", per_unit)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, column, item)
        self.resizeRowsToContents()


class LotCard(QWidget):
    """Shows one lot. Before the first scan it shows the operator what to do instead of nothing."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.lot: Lot | None = None
        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self.placeholder = QLabel(self.tr("Scan a package or a lot label"))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setFont(theme.scaled_font(self.font(), 2.0, bold=True))
        self.placeholder.setStyleSheet(f"color: {theme.NEUTRAL_COLOR};")
        self.stack.addWidget(self.placeholder)

        page = QWidget()
        self.stack.addWidget(page)
        columns = QHBoxLayout(page)
        columns.setContentsMargins(16, 12, 16, 12)
        columns.setSpacing(24)

        details = QFrame()
        grid = QVBoxLayout(details)
        grid.setSpacing(6)
        self.product = QLabel()
        self.product.setObjectName("productName")
        self.product.setWordWrap(True)
        self.product.setFont(theme.scaled_font(self.font(), 1.6, bold=True))
        self.quantity = QLabel()
        self.quantity.setObjectName("quantity")
        self.quantity.setFont(theme.scaled_font(self.font(), theme.QUANTITY_POINT_SIZE / 10, bold=True))
        self.of_initial = QLabel()
        self.of_initial.setFont(theme.scaled_font(self.font(), 1.4))
        self.pending = QLabel()
        self.pending.setObjectName("pendingChange")
        self.pending.setFont(theme.scaled_font(self.font(), 1.3, bold=True))
        self.pending.setStyleSheet(f"color: {theme.WARN_COLOR};")
        self.pending.hide()
        quantity_row = QHBoxLayout()
        quantity_row.addWidget(self.quantity)
        quantity_row.addWidget(self.of_initial, 0, Qt.AlignmentFlag.AlignBottom)
        quantity_row.addWidget(self.pending, 0, Qt.AlignmentFlag.AlignBottom)
        quantity_row.addStretch(1)
        self.level = QProgressBar()
        self.level.setTextVisible(False)
        self.level.setFixedHeight(14)
        self.expiry = QLabel()
        self.expiry.setObjectName("expiry")
        self.expiry.setFont(theme.scaled_font(self.font(), 1.3, bold=True))
        self.status = QLabel()  # inactive lot, cached data
        self.status.setWordWrap(True)
        self.status.setFont(theme.scaled_font(self.font(), 1.1, bold=True))
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(16)
        self.facts.setColumnStretch(1, 1)
        self.batch = self._fact(0, self.tr("Batch"))
        self.manufacturer = self._fact(1, self.tr("Manufacturer"))
        self.received = self._fact(2, self.tr("Received"))
        self.upc = self._fact(3, self.tr("UPC"))
        self.notes = self._fact(4, self.tr("Notes"))
        grid.addWidget(self.product)
        grid.addLayout(quantity_row)
        grid.addWidget(self.level)
        grid.addSpacing(6)
        grid.addWidget(self.expiry)
        grid.addWidget(self.status)
        grid.addLayout(self.facts)
        grid.addStretch(1)

        used_by = QVBoxLayout()
        heading = QLabel(self.tr("Used by"))
        heading.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        self.associations = AssociationsTable()
        used_by.addWidget(heading)
        used_by.addWidget(self.associations, 1)

        columns.addWidget(details, 3)
        columns.addLayout(used_by, 2)

    def _fact(self, row: int, name: str) -> QLabel:
        label = QLabel(name)
        label.setStyleSheet(f"color: {theme.NEUTRAL_COLOR};")
        value = QLabel()
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
        self.facts.addWidget(value, row, 1)
        return value

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_quantity()

    def _fit_quantity(self) -> None:
        """Size the quantity as large as the card allows: long numbers and short windows get a smaller font,
        so the notes below it and the products table stay in view."""
        text = self.quantity.text() or "0"
        factor = theme.QUANTITY_POINT_SIZE / 10 * min(1.0, 10 / max(len(text), 10))
        base = self.font().pointSizeF() if self.font().pointSizeF() > 0 else 10.0
        by_height = max(self.height(), 1) / 5.5 * 0.75 / base  # points from about a fifth of the card height
        self.quantity.setFont(theme.scaled_font(self.font(), max(2.5, min(factor, by_height)), bold=True))

    def set_pending_change(self, change: int) -> None:
        """Show the sum of this lot's changes that Blend has not confirmed yet beside the quantity."""
        self.pending.setVisible(bool(change))
        if change:
            sign = "+" if change > 0 else "\u2212"
            self.pending.setText(self.tr("{sign}{amount} waiting in the outbox").format(sign=sign, amount=abs(change)))

    def clear(self) -> None:
        self.lot = None
        self.stack.setCurrentWidget(self.placeholder)

    def show_lot(self, lot: Lot, *, cache_age: float | None = None) -> None:
        if self.lot is None or self.lot.id != lot.id:
            self.set_pending_change(0)
        self.lot = lot
        self.stack.setCurrentIndex(1)
        names = lot.product_names
        self.product.setText(" \u00b7 ".join(names) if names else self.tr("Lot without products"))
        self.quantity.setText(format_quantity(lot.current_quantity, lot.unit_type))
        self._fit_quantity()
        if lot.initial_quantity:
            self.of_initial.setText(self.tr("of {total}").format(total=format_quantity(lot.initial_quantity,
                                                                                        lot.unit_type)))
            self.level.setRange(0, max(lot.initial_quantity, lot.current_quantity, 1))
            self.level.setValue(max(0, lot.current_quantity))
            self.level.show()
        else:
            self.of_initial.setText("")
            self.level.hide()
        empty = lot.current_quantity <= 0
        self.quantity.setStyleSheet(f"color: {theme.ERROR_COLOR};" if empty else "")

        status = expiry_status(lot.expiry_date)
        icon, color = {
            ExpiryState.EXPIRED: (theme.ICON_ERROR, theme.ERROR_COLOR),
            ExpiryState.SOON: (theme.ICON_WARN, theme.WARN_COLOR),
            ExpiryState.OK: (theme.ICON_OK, theme.OK_COLOR),
            ExpiryState.UNKNOWN: (theme.ICON_WARN, theme.NEUTRAL_COLOR),
        }[status.state]
        words = status.words
        if status.state in (ExpiryState.EXPIRED, ExpiryState.SOON) and lot.expiry_date:
            words = f"{words} \u00b7 {lot.expiry_date.isoformat()}"
        self.expiry.setText(f"{icon} {words}")
        self.expiry.setStyleSheet(f"color: {color};")

        notes = []
        if empty:
            notes.append(self.tr("{icon} Empty lot").format(icon=theme.ICON_WARN))
        if not lot.is_active:
            notes.append(self.tr("{icon} Inactive in Blend").format(icon=theme.ICON_WARN))
        if cache_age is not None:
            minutes = int(cache_age // 60)
            notes.append(self.tr("{icon} Offline: quantity from the cache, {minutes} min old").format(
                icon=theme.ICON_WARN, minutes=minutes))
        self.status.setText("   ".join(notes))
        self.status.setStyleSheet(f"color: {theme.WARN_COLOR};")
        self.status.setVisible(bool(notes))

        batch = lot.batch_number or "\u2014"
        self.batch.setText(f"<b>{_escape(batch)}</b>")
        maker = " \u00b7 ".join(part for part in (lot.manufacturer, f"MPN {lot.mpn}" if lot.mpn else None) if part)
        self.manufacturer.setText(maker or "\u2014")
        self.received.setText(lot.received_date.astimezone().date().isoformat() if lot.received_date else "\u2014")
        self.upc.setText(lot.upc or "\u2014")
        self.notes.setText(lot.notes or "\u2014")
        self.associations.show_lot(lot)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
