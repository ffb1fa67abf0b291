"""Scanner check dialog: scans tick the sheet codes and the findings appear in the widget text."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from station.codes.scanner_check import Problem
from station.codes.wedge import ScanOutput, WedgeConfig
from station.labels.sheet_codes import SHEET_CODES
from ui.scanner_check_dialog import ScannerCheckDialog
from ui.wedge_filter import WedgeFilter


class _WedgeSignals(QObject):
    """Stands in for the app's wedge filter, which emits the same ``scanned(text, symbology)``."""

    scanned = Signal(str, str)


def _ticked(dialog: ScannerCheckDialog) -> set[str]:
    ticked = set()
    for row in range(dialog.code_list.count()):
        item = dialog.code_list.item(row)
        if item.checkState() == Qt.CheckState.Checked:
            ticked.add(item.data(Qt.ItemDataRole.UserRole))
    return ticked


def _scan_sheet_correctly(dialog: ScannerCheckDialog) -> None:
    for code in SHEET_CODES:
        dialog.add_scan(code.expected_text, code.aim_identifiers[0], terminator="enter", max_gap_ms=3.0)


def test_dialog_starts_empty(qtbot):
    dialog = ScannerCheckDialog()
    qtbot.addWidget(dialog)

    assert _ticked(dialog) == set()
    assert "Not scanned yet: UPC-A" in dialog.findings_text()
    assert f"0 of {len(SHEET_CODES)} codes scanned" == dialog.status.text()


def test_dialog_all_correct(qtbot):
    dialog = ScannerCheckDialog()
    qtbot.addWidget(dialog)
    _scan_sheet_correctly(dialog)

    assert _ticked(dialog) == {code.key for code in SHEET_CODES}
    assert [finding.problem for finding in dialog.findings()] == [Problem.OK]
    assert "\u2714 OK: The scanner sends every test code correctly." in dialog.findings_text()


def test_dialog_shows_faults(qtbot):
    dialog = ScannerCheckDialog()
    qtbot.addWidget(dialog)
    dialog.add_scan("71234567890", None, terminator="enter")  # UPC-A without its check digit
    dialog.add_scan("011036630230001710A7b-21727063021SN0042", None, terminator=None)  # GS lost
    dialog.add_scan('Aqè)Wy!?z:x°"', None, terminator="enter")  # French AZERTY host

    text = dialog.findings_text()
    assert _ticked(dialog) == {"upc-a", "gs1-128", "code-128-text"}
    assert "\u2716 Problem: UPC-A arrives without its check digit: 71234567890" in text
    assert "transmit check digit" in text
    assert "GS lost" in text
    assert "French (AZERTY)" in text
    assert "keyboard layout to fr" in text
    assert "\u26a0 Warning: No Enter or Tab" in text
    assert "AIM identifiers off" in text
    assert "3 of 7 codes scanned" == dialog.status.text()


def test_dialog_undoes_station_layout(qtbot):
    # The wedge has already recovered the French host's text, so the dialog must not report the layout.
    dialog = ScannerCheckDialog(layout="fr")
    qtbot.addWidget(dialog)
    _scan_sheet_correctly(dialog)

    assert [finding.problem for finding in dialog.findings()] == [Problem.OK]


def test_dialog_reads_wedge_signal(qtbot):
    wedge = _WedgeSignals()
    dialog = ScannerCheckDialog(scanned=wedge.scanned)
    qtbot.addWidget(dialog)
    wedge.scanned.emit("]E496385074", "]E4")
    wedge.scanned.emit("qA7-zY/mW.X_3", "")

    assert _ticked(dialog) == {"ean-8", "code-128-text"}
    text = dialog.findings_text()
    assert "Caps Lock is on" in text
    assert "No Enter or Tab" not in text  # the signal carries no suffix, so none is reported missing


def test_dialog_start_over(qtbot):
    dialog = ScannerCheckDialog()
    qtbot.addWidget(dialog)
    _scan_sheet_correctly(dialog)
    qtbot.mouseClick(dialog.restart_button, Qt.MouseButton.LeftButton)

    assert _ticked(dialog) == set()
    assert [finding.problem for finding in dialog.findings()] == [Problem.NOT_SCANNED]


def test_dialog_saves_sheet(qtbot, tmp_path):
    dialog = ScannerCheckDialog()
    qtbot.addWidget(dialog)
    out = tmp_path / "sheet.pdf"

    assert dialog.save_test_sheet(out) is True
    assert out.read_bytes().startswith(b"%PDF-")
    assert str(out) in dialog.status.text()


def test_dialog_save_missing_folder(qtbot, tmp_path):
    dialog = ScannerCheckDialog()
    qtbot.addWidget(dialog)
    out = tmp_path / "missing" / "sheet.pdf"

    assert dialog.save_test_sheet(out) is False
    assert not out.exists()
    assert "Could not save" in dialog.status.text()
    assert str(out) in dialog.status.text()


def test_dialog_reads_wedge_filter(qtbot):
    wedge_filter = WedgeFilter(WedgeConfig(max_gap=0.04))
    dialog = ScannerCheckDialog(wedge_filter=wedge_filter)
    qtbot.addWidget(dialog)
    wedge_filter.scan_read.emit(ScanOutput("]E0712345678904", "]E0712345678904\r", "]E0", 1.0, "enter"))
    wedge_filter.scan_read.emit(ScanOutput("9638507", "9638507", None, 2.0, None))

    assert _ticked(dialog) == {"upc-a", "ean-8"}
    text = dialog.findings_text()
    assert "EAN-8 arrives without its check digit: 9638507" in text
    assert "No Enter or Tab" in text  # the EAN-8 scan ended by idle time
    assert Problem.TOO_SLOW not in {finding.problem for finding in dialog.findings()}  # no timing known


def test_dialog_stops_reading_after_close(qtbot):
    wedge_filter = WedgeFilter()
    dialog = ScannerCheckDialog(wedge_filter=wedge_filter)
    qtbot.addWidget(dialog)
    dialog.reject()
    dialog.reject()  # a second close must not fail on the disconnected signal
    wedge_filter.scan_read.emit(ScanOutput("96385074", "96385074", None, 1.0, "enter"))

    assert _ticked(dialog) == set()
