"""Changes that need the operator: ones the station could not settle, and ones Blend rejected on replay."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.workers import BackgroundRunner


class ReviewDialog(QDialog):
    """Lists adjustments in ``needs_review`` (the operator says whether Blend applied them) and rejected
    replays (the operator acknowledges them)."""

    changed = Signal()

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Changes to review"))
        self.session = session
        self.runner = BackgroundRunner(self)
        self.body = QWidget()
        self.rows = QVBoxLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(980, 520)
        self.reload()

    def reload(self) -> None:
        service = self.session.adjustments
        self.runner.run(lambda: (service.needs_review(), service.attention()), self._show)

    def _show(self, lists) -> None:
        review, rejected = lists
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if not review and not rejected:
            self.rows.addWidget(QLabel(self.tr("Nothing to review.")))
        for adjustment in review:
            text = self.tr(
                "{icon} Lot {lot}: change {delta:+d} at {when}. Another change reached the lot at the same time, "
                "so the station cannot tell whether Blend applied this one. Check the shelf count, then say."
            ).format(icon=theme.ICON_WARN, lot=adjustment.lot_id, delta=adjustment.delta,
                     when=adjustment.created_at.astimezone().strftime("%H:%M:%S"))
            self._row(text, [
                (self.tr("It was applied"), lambda _=False, a=adjustment: self._resolve(a.id, True)),
                (self.tr("Not applied: send again"), lambda _=False, a=adjustment: self._resolve(a.id, False)),
            ])
        for adjustment in rejected:
            text = self.tr("{icon} Lot {lot}: change {delta:+d} was rejected when sent from the outbox: "
                           "{reason}").format(
                icon=theme.ICON_ERROR, lot=adjustment.lot_id, delta=adjustment.delta,
                reason=adjustment.reason or self.tr("no reason given"))
            self._row(text, [(self.tr("Seen"), lambda _=False, a=adjustment: self._acknowledge(a.id))])
        self.rows.addStretch(1)

    def _row(self, text: str, actions) -> None:
        row = QWidget()
        layout = QHBoxLayout(row)
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label, 1)
        for title, slot in actions:
            button = QPushButton(title)
            button.setMinimumHeight(theme.MIN_BUTTON_HEIGHT)
            button.clicked.connect(slot)
            layout.addWidget(button)
        self.rows.addWidget(row)

    def _resolve(self, adjustment_id: str, applied: bool) -> None:
        operator = self.session.operator or self.session.station_id
        self.runner.run(
            lambda: self.session.adjustments.resolve_review(adjustment_id, applied=applied, operator=operator),
            lambda _result: self._done(),
        )

    def _acknowledge(self, adjustment_id: str) -> None:
        operator = self.session.operator
        self.runner.run(lambda: self.session.adjustments.acknowledge(adjustment_id, operator=operator),
                        lambda _result: self._done())

    def _done(self) -> None:
        self.changed.emit()
        self.reload()
