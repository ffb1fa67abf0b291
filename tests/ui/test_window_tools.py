"""The window's tools against the sandbox: image files, journal, settings, scanner check, review."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp

from station import paths
from station.sandbox import seed
from station.settings import Settings, load_settings


def write_barcode_png(path, text: str, barcode_format) -> None:
    import cv2

    image = zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(text, barcode_format), scale=4)
    array = np.array(image)
    cv2.imwrite(str(path), np.pad(array, 40, constant_values=255))


def test_image_file_scan_shows_lot(qtbot, window, tmp_path):
    image = tmp_path / "package.png"
    write_barcode_png(image, "712345678904", zxingcpp.BarcodeFormat.UPCA)
    with qtbot.waitSignal(window.lot_shown, timeout=30000) as shown:
        window.scan_image_file(image)
    assert shown.args[0].id == seed.LOT_MUPIROCIN_ID


def test_image_without_code_says_so(qtbot, window, tmp_path):
    import cv2

    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((200, 300), 255, dtype=np.uint8))
    window.scan_image_file(blank)
    qtbot.waitUntil(lambda: "No barcode found in blank.png" in window.banner.text.text(), timeout=30000)


def test_unreadable_image_names_file(qtbot, window, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    window.scan_image_file(broken)
    qtbot.waitUntil(lambda: window.banner.state.name == "ERROR", timeout=30000)
    assert "broken.png" in window.banner.text.text()


def test_journal_lists_scan_and_change(qtbot, window):
    from ui.journal_dialog import JournalDialog

    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("712345678904")
    with qtbot.waitSignal(window.adjustment_finished, timeout=15000):
        window.request_adjustment(-2)
    window.open_journal()
    dialog = window.findChild(JournalDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 2, timeout=10000)
    cells = [dialog.table.item(row, column).text() for row in range(dialog.table.rowCount()) for column in range(6)]
    assert "712345678904" in cells
    assert "applied" in cells
    assert "Lot 1234567890: -2" in cells
    dialog.reject()


def test_ctrl_z_without_change_says_nothing_to_undo(qtbot, window):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Nothing to undo" in window.banner.text.text()


def test_settings_apply_to_wedge_and_file(qtbot, window):
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.layout_combo.setCurrentIndex(dialog.layout_combo.findData("fr"))
    dialog.max_gap.setValue(60)
    dialog.station_name.setText("Receiving dock")
    dialog.accept()
    assert dialog.result_settings is not None
    window.apply_settings(dialog.result_settings)
    assert window.wedge.config.layout == "fr"
    assert window.wedge.config.max_gap == pytest.approx(0.06)
    assert "Receiving dock" in window.header.title.text()


def test_settings_dialog_rejects_bad_gs_substitute(qtbot, window):
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(), window)
    qtbot.addWidget(dialog)
    dialog.gs_substitute.setText("ab")
    dialog.accept()
    assert dialog.result_settings is None
    assert "Not saved" in dialog.message.text()


def test_open_settings_saves_file(qtbot, window):
    window.open_settings()
    dialog = window.findChild(__import__("ui.settings_dialog", fromlist=["SettingsDialog"]).SettingsDialog)
    dialog.sounds.setChecked(False)
    dialog.accept()
    qtbot.waitUntil(lambda: paths.settings_path(window.session.data_dir).exists(), timeout=5000)
    assert load_settings(window.session.data_dir).sounds is False
    assert window.sounds.enabled is False


def test_scanner_check_takes_scans_from_window(qtbot, window):
    window.open_scanner_check()
    assert window.scans_paused
    window.handle_scan("712345678904")
    qtbot.wait(300)
    assert window.card.lot is None
    from ui.scanner_check_dialog import ScannerCheckDialog

    window.findChild(ScannerCheckDialog).reject()
    qtbot.waitUntil(lambda: not window.scans_paused, timeout=5000)


def test_review_dialog_shows_empty_list(qtbot, window):
    from ui.review_dialog import ReviewDialog

    dialog = ReviewDialog(window.session, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.rows.count() >= 1, timeout=10000)
    assert dialog.rows.itemAt(0).widget().text() == "Nothing to review."


def test_camera_choice_is_saved(qtbot, window):
    from station.camera import CameraInfo

    window.show_camera(True)
    panel = window.camera_dock.widget()
    qtbot.waitUntil(panel.refresh_button.isEnabled, timeout=30000)  # the real search (no camera here) is done
    panel.cameras_listed.emit([CameraInfo(index=0, width=640, height=480), CameraInfo(index=2, width=1280, height=720)])
    qtbot.waitUntil(lambda: panel.chooser.count() == 2, timeout=5000)
    panel.chooser.setCurrentIndex(1)
    panel.chooser.activated.emit(1)
    assert load_settings(window.session.data_dir).camera_index == 2
    window.show_camera(False)
