"""Scanner check dialog: the operator scans the test sheet, the dialog lists what the scanner gets wrong.

The rules live in ``station.codes.scanner_check``. This dialog only collects scans, ticks the sheet
codes that arrived and shows the findings with an icon and words for each.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.codes.layouts import host_text_for_us
from station.codes.scanner_check import (
    Finding,
    ReceivedScan,
    Severity,
    diagnose,
    match_scan,
    split_aim_identifier,
)
from station.codes.wedge import ScanOutput, WedgeConfig
from station.labels.sheet_codes import SHEET_CODES, SheetCode
from ui import theme
from ui.wedge_filter import WedgeFilter

log = logging.getLogger(__name__)

DEFAULT_SHEET_NAME = "scan-station-test-sheet.pdf"

_SEVERITY_STYLE = {
    Severity.ERROR: (theme.ICON_ERROR, theme.ERROR_COLOR),
    Severity.WARNING: (theme.ICON_WARN, theme.WARN_COLOR),
    Severity.INFO: (theme.ICON_INFO, theme.NEUTRAL_COLOR),
    Severity.OK: (theme.ICON_OK, theme.OK_COLOR),
}


class ScannerCheckDialog(QDialog):
    """Collects scans of the test sheet and shows ``diagnose`` findings after each one.

    Scans arrive through ``add_scan``, from the app's ``WedgeFilter`` passed as ``wedge_filter`` (its
    ``scan_read`` signal carries the suffix), or from any ``scanned(text, symbology)`` signal passed as
    ``scanned``. Text from the wedge has already been through the station's keyboard layout recovery,
    so ``layout`` must be the layout the wedge uses. With ``wedge_filter``, ``layout`` and
    ``max_key_gap_ms`` default to the filter's settings. The dialog stops reading ``wedge_filter`` when
    it closes, so create a new dialog for each check.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        wedge_filter: WedgeFilter | None = None,
        scanned: SignalInstance | None = None,
        layout: str | None = None,
        max_key_gap_ms: float | None = None,
        codes: tuple[SheetCode, ...] = SHEET_CODES,
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Scanner check"))
        config = wedge_filter.config if wedge_filter is not None else WedgeConfig()
        self._codes = codes
        self._layout = layout or config.layout
        self._max_key_gap_ms = max_key_gap_ms or config.max_gap * 1000
        self._received: list[ReceivedScan] = []
        self._findings: list[Finding] = []
        self._build_widgets()
        self._wedge_filter = wedge_filter
        if wedge_filter is not None:
            wedge_filter.scan_read.connect(self._handle_scan_output)
            self.finished.connect(self._stop_reading_wedge)
        if scanned is not None:
            scanned.connect(self._handle_wedge_scan)
        self._refresh()
        self.resize(900, 760)

    def _build_widgets(self) -> None:
        big = theme.scaled_font(self.font(), 1.4)
        self.instructions = QLabel(self.tr(
            "Scan every code on the printed test sheet, top to bottom. Each code is ticked when it "
            "arrives, and the list below says what to change on the scanner or in the station."
        ))
        self.instructions.setWordWrap(True)
        self.instructions.setFont(big)

        self.code_list = QListWidget()
        self.code_list.setFont(big)
        self.code_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # scans must not type into the list
        for code in self._codes:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, code.key)
            self.code_list.addItem(item)

        self.findings_list = QListWidget()
        self.findings_list.setFont(big)
        self.findings_list.setWordWrap(True)
        self.findings_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setFont(big)

        buttons = QDialogButtonBox()
        self.save_button = QPushButton(self.tr("Save test sheet..."))
        self.restart_button = QPushButton(self.tr("Start over"))
        close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restart_button, QDialogButtonBox.ButtonRole.ResetRole)
        for button in (self.save_button, self.restart_button, close_button):
            button.setMinimumHeight(theme.MIN_BUTTON_HEIGHT)
            button.setFont(big)
            button.setAutoDefault(False)  # the scanner's Enter must not press a button
            button.setDefault(False)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self._choose_sheet_path)
        self.restart_button.clicked.connect(self.clear_scans)

        layout = QVBoxLayout(self)
        layout.addWidget(self.instructions)
        findings_heading = QLabel(self.tr("Findings"))
        findings_heading.setFont(theme.scaled_font(self.font(), 1.4, bold=True))
        layout.addWidget(self.code_list, 1)
        layout.addWidget(findings_heading)
        layout.addWidget(self.findings_list, 3)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    # Scans

    def add_scan(self, text: str, symbology: str | None = None, terminator: str | None = None,
                 max_gap_ms: float | None = None, *, terminator_known: bool = True) -> None:
        """Add one scan and update the ticks and findings.

        ``text`` is the scan as the wedge emits it, after the station's layout recovery and without the
        suffix. ``terminator`` is the suffix that ended it ("enter", "tab"), None when none arrived.
        Pass ``terminator_known=False`` when the caller cannot tell, so no missing suffix is reported.
        """
        body, aim = split_aim_identifier(text, symbology or None)
        # Turn the recovered text back into what the host layout typed: the check names layouts from that.
        typed = host_text_for_us(body, self._layout) if self._layout != "us" else body
        scan = ReceivedScan(typed, symbology=aim, terminator=terminator, max_gap_ms=max_gap_ms,
                            layout=self._layout, terminator_known=terminator_known)
        self._received.append(scan)
        self._refresh()

    def _stop_reading_wedge(self) -> None:
        # The filter outlives the dialog, so later scans must go to the main window only.
        if self._wedge_filter is not None:
            self._wedge_filter.scan_read.disconnect(self._handle_scan_output)
            self._wedge_filter = None

    def _handle_scan_output(self, output: ScanOutput) -> None:
        # A terminator of None means the wedge ended the scan after idle time, without a suffix.
        self.add_scan(output.text, output.symbology, terminator=output.terminator)

    def _handle_wedge_scan(self, text: str, symbology: str) -> None:
        # The wedge filter's signal carries no suffix or key timing.
        self.add_scan(text, symbology or None, terminator_known=False)

    def clear_scans(self) -> None:
        self._received.clear()
        self._refresh()

    def findings(self) -> list[Finding]:
        return list(self._findings)

    def findings_text(self) -> str:
        """Return the findings as shown: per finding, the message line and an indented line with the fix."""
        return "\n".join(self.findings_list.item(row).text() for row in range(self.findings_list.count()))

    def _refresh(self) -> None:
        arrived = {match.code.key for scan in self._received if (match := match_scan(scan, self._codes))}
        for row in range(self.code_list.count()):
            item = self.code_list.item(row)
            code = next(code for code in self._codes if code.key == item.data(Qt.ItemDataRole.UserRole))
            done = code.key in arrived
            mark = theme.ICON_OK if done else "\u25cb"  # ○ for a code still to scan
            state = self.tr("scanned") if done else self.tr("not scanned yet")
            item.setText(f"{mark} {code.name}: {state}")
            item.setCheckState(Qt.CheckState.Checked if done else Qt.CheckState.Unchecked)

        self._findings = diagnose(self._codes, self._received, max_key_gap_ms=self._max_key_gap_ms)
        self.findings_list.clear()
        for finding in self._findings:
            self.findings_list.addItem(self._finding_item(finding))
        self.status.setText(self.tr("{count} of {total} codes scanned").format(
            count=len(arrived), total=len(self._codes)))

    def _finding_item(self, finding: Finding) -> QListWidgetItem:
        icon, color = _SEVERITY_STYLE[finding.severity]
        words = {
            Severity.ERROR: self.tr("Problem"),
            Severity.WARNING: self.tr("Warning"),
            Severity.INFO: self.tr("Note"),
            Severity.OK: self.tr("OK"),
        }[finding.severity]
        item = QListWidgetItem(f"{icon} {words}: {finding.message}\n    {finding.fix}")
        item.setForeground(QBrush(QColor(color)))
        item.setData(Qt.ItemDataRole.UserRole, finding.problem.value)
        return item

    # Test sheet

    def _choose_sheet_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save test sheet"), str(Path.home() / DEFAULT_SHEET_NAME), self.tr("PDF (*.pdf)"))
        if path:
            self.save_test_sheet(Path(path))

    def save_test_sheet(self, path: Path) -> bool:
        """Write the test sheet PDF to ``path``, show the outcome in the status line and return True on success."""
        from station.labels.test_sheet import write_test_sheet  # Pillow and zxing-cpp load on demand

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pages = write_test_sheet(path)
        except OSError as exc:
            log.warning("could not write the test sheet to %s: %s", path, exc)
            self.status.setText(self.tr("Could not save the test sheet to {path}: {error}").format(
                path=path, error=exc.strerror or exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.status.setText(self.tr("Saved the test sheet ({pages} pages) to {path}. Print it at actual "
                                    "size.").format(pages=pages, path=path))
        return True

