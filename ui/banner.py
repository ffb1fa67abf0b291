"""The scan banner: one line saying what happened to the last scan, with icon, colour and words."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from ui import theme


class BannerState(Enum):
    IDLE = (theme.ICON_INFO, theme.NEUTRAL_COLOR)
    BUSY = (theme.ICON_BUSY, theme.BUSY_COLOR)
    OK = (theme.ICON_OK, theme.OK_COLOR)
    WARN = (theme.ICON_WARN, theme.WARN_COLOR)
    ERROR = (theme.ICON_ERROR, theme.ERROR_COLOR)


class ScanBanner(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scanBanner")
        self.icon = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.when = QLabel()
        base = self.font()
        self.icon.setFont(theme.scaled_font(base, 1.6, bold=True))
        self.text.setFont(theme.scaled_font(base, 1.25, bold=True))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.when)
        self.state = BannerState.IDLE
        self.show_message(BannerState.IDLE, self.tr("Ready: scan a package or a lot label"))

    def show_message(self, state: BannerState, message: str, when: dt.datetime | None = None) -> None:
        self.state = state
        icon, color = state.value
        self.icon.setText(icon)
        self.text.setText(message)
        self.when.setText(self.tr("scanned {time}").format(time=when.strftime("%H:%M:%S")) if when else "")
        self.setStyleSheet(
            f"#scanBanner {{ background: {theme.tinted(color, 45)}; border-left: 8px solid {color};"
            f" border-radius: 4px; }} #scanBanner QLabel {{ color: palette(window-text); }}"
        )
        self.icon.setStyleSheet(f"color: {color};")
