"""Colours and sizes shared by the widgets, chosen for an operator an arm's length from the screen."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

MIN_BUTTON_HEIGHT = 56  # gloved fingers and a quick glance: well above the 48 px minimum
BASE_FONT_SCALE = 1.3  # the system font, larger
QUANTITY_POINT_SIZE = 72

# Status colours; every use pairs one with an icon and words, never colour alone.
OK_COLOR = "#1b7f3b"
WARN_COLOR = "#b35c00"
ERROR_COLOR = "#b3261e"
BUSY_COLOR = "#3d5a80"
NEUTRAL_COLOR = "#5f6368"

ICON_OK = "\u2714"  # ✔
ICON_WARN = "\u26a0"  # ⚠
ICON_ERROR = "\u2716"  # ✖
ICON_BUSY = "\u22ef"  # ⋯
ICON_INFO = "\u2139"  # ℹ


def is_dark() -> bool:
    palette = QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tinted(hex_color: str, alpha: int = 40) -> str:
    """A translucent version of a status colour, for backgrounds that work in light and dark themes."""
    color = QColor(hex_color)
    return f"rgba({color.red()}, {color.green()}, {color.blue()}, {alpha})"


def scaled_font(base: QFont, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def apply_app_font(app: QApplication) -> None:
    app.setFont(scaled_font(app.font(), BASE_FONT_SCALE))
