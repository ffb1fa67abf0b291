"""The header: station name, where the data comes from, the outbox count and who is signed in."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui import theme


class HeaderBar(QFrame):
    settings_requested = Signal()
    outbox_clicked = Signal()

    def __init__(self, station_title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("headerBar")
        self.title = QLabel(station_title)
        self.title.setFont(theme.scaled_font(self.font(), 1.15, bold=True))
        self.source = QLabel()
        self.source.setObjectName("sourceLabel")
        self.source.setFont(theme.scaled_font(self.font(), 1.05, bold=True))
        self.outbox = QPushButton()
        self.outbox.setFlat(True)
        self.outbox.clicked.connect(self.outbox_clicked)
        self.operator = QLabel()
        self._outbox_count = 0
        self._attention_count = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addWidget(self.source)
        layout.addSpacing(24)
        layout.addWidget(self.outbox)
        layout.addSpacing(24)
        layout.addWidget(self.operator)
        self.set_outbox(0)

    def set_source(self, *, demo: bool, online: bool, fetched_at: float | None, label: str) -> None:
        if demo:
            text, color = self.tr("\u25cf DEMO sandbox \u00b7 not live inventory"), theme.WARN_COLOR
        elif online:
            text, color = self.tr("\u25cf Online ({source})").format(source=label), theme.OK_COLOR
        else:
            when = dt.datetime.fromtimestamp(fetched_at).strftime("%H:%M") if fetched_at else self.tr("never")
            text, color = self.tr("\u25cb Offline \u00b7 data from {time}").format(time=when), theme.ERROR_COLOR
        self.source.setText(text)
        self.source.setStyleSheet(f"color: {color};")

    def set_outbox(self, count: int) -> None:
        self._outbox_count = count
        self._show_outbox()

    @property
    def outbox_count(self) -> int:
        return self._outbox_count

    def set_attention(self, count: int) -> None:
        """Show how many changes need the operator (review or rejected on replay) beside the outbox."""
        self._attention_count = count
        self._show_outbox()

    def _show_outbox(self) -> None:
        count, attention = self._outbox_count, self._attention_count
        text = self.tr("Outbox {count}").format(count=count)
        if attention:
            text += "  " + self.tr("{icon} {count} to review").format(icon=theme.ICON_WARN, count=attention)
        self.outbox.setText(text)
        weight = "bold" if count or attention else "normal"
        color = "palette(window-text)"
        if attention:
            color = theme.ERROR_COLOR
        elif count:
            color = theme.WARN_COLOR
        self.outbox.setStyleSheet(f"color: {color}; font-weight: {weight};")

    def set_operator(self, name: str | None) -> None:
        self.operator.setText(name or "")
