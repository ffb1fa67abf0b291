"""Recent scans and changes, newest first, one line each."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from ui import theme

MAX_ENTRIES = 200


class HistoryList(QListWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("history")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAlternatingRowColors(True)

    def add_entry(self, icon: str, color: str, text: str, when: dt.datetime | None = None) -> None:
        when = when or dt.datetime.now()
        item = QListWidgetItem(f"{when.strftime('%H:%M:%S')}  {icon}  {text}")
        item.setForeground(QColor(color) if color != theme.NEUTRAL_COLOR else self.palette().text().color())
        self.insertItem(0, item)
        while self.count() > MAX_ENTRIES:
            self.takeItem(self.count() - 1)

    def entries(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]
