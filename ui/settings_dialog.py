"""Settings: station name, scanner keyboard settings, sounds. Built from the fields of ``Settings``."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.settings import Settings
from ui import theme

LAYOUT_NAMES = {"us": "US (QWERTY)", "fr": "French (AZERTY)", "de": "German (QWERTZ)", "uk": "UK", "it": "Italian"}


class SettingsDialog(QDialog):
    """Edits a copy of the settings. After Save, ``result_settings`` is the validated copy."""

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.result_settings: Settings | None = None
        self.station_name = QLineEdit(settings.station_name)
        self.layout_combo = QComboBox()
        for code, name in LAYOUT_NAMES.items():
            self.layout_combo.addItem(self.tr(name), code)
        self.layout_combo.setCurrentIndex(list(LAYOUT_NAMES).index(settings.keyboard_layout))
        self.max_gap = self._spin(5, 500, settings.max_key_gap_ms, " ms")
        self.min_length = self._spin(1, 64, settings.min_scan_length, "")
        self.prefix = QLineEdit(settings.scan_prefix)
        self.idle_end = self._spin(0, 2000, settings.idle_end_ms or 0, " ms")
        self.idle_end.setSpecialValueText(self.tr("off (scanner sends Enter or Tab)"))
        self.gs_substitute = QLineEdit(settings.gs_substitute or "")
        self.gs_substitute.setPlaceholderText(self.tr("none, or F8, ~, |"))
        self.debounce = self._spin(0, 10000, settings.debounce_ms, " ms")
        self.sounds = QCheckBox(self.tr("Play a sound for each scan and change"))
        self.sounds.setChecked(settings.sounds)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {theme.ERROR_COLOR};")

        form = QFormLayout()
        form.addRow(self.tr("Station name"), self.station_name)
        form.addRow(self.tr("Keyboard layout of this computer"), self.layout_combo)
        form.addRow(self.tr("Longest gap between scanner keys"), self.max_gap)
        form.addRow(self.tr("Shortest scan"), self.min_length)
        form.addRow(self.tr("Scanner prefix"), self.prefix)
        form.addRow(self.tr("End a scan after silence"), self.idle_end)
        form.addRow(self.tr("Scanner sends GS as"), self.gs_substitute)
        form.addRow(self.tr("Ignore the same code again within"), self.debounce)
        form.addRow("", self.sounds)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._base = settings

    def _spin(self, low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        return spin

    def accept(self) -> None:
        try:
            candidate = self._base.model_copy(update={})
            candidate.station_name = self.station_name.text().strip()
            candidate.keyboard_layout = self.layout_combo.currentData()
            candidate.max_key_gap_ms = self.max_gap.value()
            candidate.min_scan_length = self.min_length.value()
            candidate.scan_prefix = self.prefix.text()
            candidate.idle_end_ms = self.idle_end.value() or None
            candidate.gs_substitute = self.gs_substitute.text().strip() or None
            candidate.debounce_ms = self.debounce.value()
            candidate.sounds = self.sounds.isChecked()
            candidate.wedge_config()
        except (ValidationError, ValueError) as exc:
            self.message.setText(self.tr("Not saved: {error}").format(error=_first_error(exc)))
            return
        self.result_settings = candidate
        super().accept()


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        return f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
    return str(exc)
