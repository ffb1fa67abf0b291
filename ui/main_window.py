"""The station's main window: header, scan banner, lot card, adjust bar and history.

The window owns no business rule: scans go to ``StationSession.handle_scan`` and changes to
``StationSession.adjust``, both on worker threads. Scans are handled one at a time in arrival order, so a
queue of packages never shows a card out of order.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QFrame, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from station import APP_NAME
from station.blend.errors import BlendError
from station.blend.models import Lot
from station.inventory.amount import large_change_warning
from station.inventory.index import Outcome, lot_warnings
from station.session import ScanResult, StationSession
from station.settings import Settings
from ui import theme
from ui.adjust_bar import AdjustBar
from ui.banner import BannerState, ScanBanner
from ui.header import HeaderBar
from ui.history import HistoryList
from ui.lot_card import LotCard, format_quantity
from ui.pickers import LotPickerDialog, ReadingPickerDialog
from ui.wedge_filter import WedgeFilter
from ui.window_tools import WindowTools
from ui.workers import BackgroundRunner

log = logging.getLogger(__name__)

SYNC_INTERVAL_MS = 3000
REFRESH_INTERVAL_MS = 120_000


class MainWindow(WindowTools, QMainWindow):
    lot_shown = Signal(object)  # the Lot now on the card
    adjustment_finished = Signal(object)  # the AdjustmentResult of the last change
    scan_finished = Signal(object)  # the ScanResult of the last scan

    def __init__(self, session: StationSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.runner = BackgroundRunner(self)
        self.current_scan_id: str | None = None
        self._scan_queue: collections.deque[tuple[str, str | None]] = collections.deque()
        self._scan_running = False
        self._adjusting = False
        self._undoing = False  # the change in flight reverses the last one
        self._sync_running = False
        self._last_change: tuple[Lot, int] | None = None
        self._dialog: QDialog | None = None  # the picker on screen, if any
        self.wedge: WedgeFilter | None = None  # set by ui.app.build_window
        self.sounds = None  # set by the app: ui.sound.Sounds
        self.settings = Settings()

        self.setWindowTitle(APP_NAME)
        self.header = HeaderBar(self.tr("Scan Station"))
        self.banner = ScanBanner()
        self.card = LotCard()
        self.adjust_bar = AdjustBar()
        self.history = HistoryList()
        self.scans_paused = False  # while the scanner check dialog has the scanner
        self._build_layout()
        self._build_menus()
        self._build_tools()

        self.adjust_bar.adjust_requested.connect(self.request_adjustment)
        self.adjust_bar.undo_requested.connect(self.undo_last)
        self.adjust_bar.invalid_amount.connect(lambda message: self._banner(BannerState.ERROR, message))
        self.adjust_bar.notice.connect(lambda message: self._banner(BannerState.WARN, message))
        self.header.set_operator(session.operator)
        self._update_source()

        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(SYNC_INTERVAL_MS)
        self._sync_timer.timeout.connect(self.sync_now)
        self._sync_timer.start()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_INTERVAL_MS)
        self._refresh_timer.timeout.connect(self.refresh_inventory)
        self._refresh_timer.start()
        self.setAcceptDrops(True)

    # -- layout -----------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        card_frame = QFrame()
        card_frame.setFrameShape(QFrame.Shape.StyledPanel)
        card_layout = QVBoxLayout(card_frame)
        card_layout.setContentsMargins(0, 0, 0, 0)
        card_layout.addWidget(self.card)
        layout.addWidget(card_frame, 5)
        layout.addWidget(self.adjust_bar)
        self.history.setMaximumHeight(160)
        layout.addWidget(self.history, 1)
        self.setCentralWidget(central)
        self.resize(1280, 800)

    def _build_menus(self) -> None:
        station_menu = self.menuBar().addMenu(self.tr("&Station"))
        self.refresh_action = QAction(self.tr("Reload inventory"), self)
        self.refresh_action.setShortcut(QKeySequence("F5"))  # StandardKey.Refresh is Ctrl+R on GNOME, taken by review
        self.refresh_action.triggered.connect(self.reload_inventory)
        station_menu.addAction(self.refresh_action)
        self.sync_action = QAction(self.tr("Send outbox now"), self)
        self.sync_action.triggered.connect(self.sync_now)
        station_menu.addAction(self.sync_action)
        station_menu.addSeparator()
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        station_menu.addAction(quit_action)
        self.view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.tools_menu = self.menuBar().addMenu(self.tr("&Tools"))

    # -- scans ------------------------------------------------------------------------------------

    def handle_scan(self, text: str, symbology: str | None = None) -> None:
        """Take one scan from any source (wedge, camera, image file); handled in arrival order."""
        if not text or self.scans_paused:
            return
        self._scan_queue.append((text, symbology or None))
        self._next_scan()

    def _next_scan(self) -> None:
        if self._scan_running or not self._scan_queue:
            return
        text, symbology = self._scan_queue.popleft()
        self._close_picker()
        self._set_scan_running(True)
        self._banner(BannerState.BUSY, self.tr("Looking up {code}\u2026").format(code=_short(text)))
        self.runner.run(
            lambda: self.session.handle_scan(text, symbology),
            self._scan_done,
            lambda exc: self._scan_failed(text, exc),
        )

    def _set_scan_running(self, running: bool) -> None:
        """While a scan is looked up the previous card stays, but its buttons are off: a key pressed now
        must not change the previous package's lot."""
        self._scan_running = running
        self.adjust_bar.set_busy(running or self._adjusting)

    def _close_picker(self) -> None:
        """Close an open picker, because a new scan replaces the question about the previous one."""
        if self._dialog is not None:
            self._dialog.setProperty("superseded", True)
            self._dialog.reject()
            self._dialog = None

    def _clear_card(self) -> None:
        self.card.clear()
        self.adjust_bar.set_lot(None)

    def _scan_failed(self, text: str, exc: BaseException) -> None:
        log.error("scan handling failed: %s", exc, exc_info=exc)
        self._set_scan_running(False)
        self._show_error(self.tr("Could not handle the scan: {error}").format(error=exc))
        self._next_scan()

    def _scan_done(self, result: ScanResult) -> None:
        self._set_scan_running(False)
        try:
            self._show_scan_result(result)
        finally:
            self.scan_finished.emit(result)
            self._next_scan()

    def _show_scan_result(self, result: ScanResult) -> None:
        resolution = result.resolution
        scan = resolution.scan
        self.current_scan_id = result.scan_id
        code = _short(_display_code(scan))
        outcome = resolution.outcome
        self._update_source()

        if outcome is Outcome.FOUND:
            lot = resolution.lots[0]
            self._show_lot(lot, cache_age=resolution.from_cache_age)
            summary = self.tr("{code} \u00b7 Lot {batch}").format(code=code, batch=lot.batch_number or "\u2014")
            if result.warnings:
                self._banner(BannerState.WARN, summary + "\n" + "\n".join(result.warnings), scanned=True)
                self._play("warning")
                self.history.add_entry(theme.ICON_WARN, theme.WARN_COLOR,
                                       summary + "  " + " ".join(result.warnings))
            else:
                self._banner(BannerState.OK, summary, scanned=True)
                self._play("good")
                self.history.add_entry(theme.ICON_OK, theme.OK_COLOR, summary)
            return

        # Every other outcome leaves no lot on the card, so no change lands on the previous package's lot.
        self._clear_card()
        if outcome in (Outcome.SEVERAL, Outcome.BATCH_NOT_FOUND, Outcome.CHOOSE_READING):
            self._banner(BannerState.WARN, resolution.message, scanned=True)
            self._play("warning")
            self.history.add_entry(theme.ICON_WARN, theme.WARN_COLOR, f"{code}  {resolution.message}")
            if outcome is Outcome.CHOOSE_READING:
                self._pick_reading(result)
            else:
                self._pick_lot(resolution.lots, resolution.message, result)
            return

        message = resolution.message or self.tr("Not found")
        self._show_error(f"{code} \u00b7 {message}", scanned=True)

    def _pick_lot(self, lots: list[Lot], message: str, result: ScanResult) -> None:
        dialog = LotPickerDialog(lots, message, self)
        self._dialog = dialog

        def finished(_code: int) -> None:
            if dialog.property("superseded"):
                dialog.deleteLater()
                return
            self._dialog = None
            if dialog.chosen is None:
                self._banner(BannerState.WARN, self.tr("No lot chosen: scan the package again to change it."))
            else:
                chosen = self.tr("Lot {batch} chosen").format(batch=dialog.chosen.batch_number)
                warnings = lot_warnings(dialog.chosen)
                if warnings:
                    self._banner(BannerState.WARN, chosen + "\n" + " ".join(warnings))
                    self._play("warning")
                else:
                    self._banner(BannerState.OK, chosen)
                self._show_lot(dialog.chosen)
                self._read_back(dialog.chosen)
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def _pick_reading(self, result: ScanResult) -> None:
        resolution = result.resolution
        dialog = ReadingPickerDialog(resolution.readings, resolution.message, self)
        self._dialog = dialog

        def finished(_code: int) -> None:
            reading = dialog.chosen
            dialog.deleteLater()
            if dialog.property("superseded"):
                return
            self._dialog = None
            if reading is None:
                return
            self._set_scan_running(True)
            self.runner.run(
                lambda: self.session.choose_reading(resolution.scan, reading),
                self._scan_done,
                lambda exc: self._scan_failed(resolution.scan.text, exc),
            )

        dialog.finished.connect(finished)
        dialog.open()

    def _read_back(self, lot: Lot) -> None:
        """Refresh a picked lot from Blend so the card shows the server's quantity."""
        if not lot.id:
            return
        lot_id = lot.id

        def done(fresh: Lot) -> None:
            self._update_source()
            if self.card.lot is not None and self.card.lot.id == fresh.id:
                self._show_lot(fresh)

        def failed(exc: BaseException) -> None:
            log.info("could not read lot %s back: %s", lot_id, exc)
            self._update_source()

        self.runner.run(lambda: self.session.inventory.read_lot(lot_id), done, failed)

    def _show_lot(self, lot: Lot, *, cache_age: float | None = None) -> None:
        self.card.show_lot(lot, cache_age=cache_age)
        self.adjust_bar.set_lot(lot)
        self.lot_shown.emit(lot)
        if lot.id:
            lot_id = lot.id

            def show_pending(change: int) -> None:
                if self.card.lot is not None and self.card.lot.id == lot_id:
                    self.card.set_pending_change(change)

            self.runner.run(lambda: self.session.pending_change(lot_id), show_pending,
                            lambda exc: log.warning("outbox sum for lot %s failed: %s", lot_id, exc))

    # -- adjustments ------------------------------------------------------------------------------

    def request_adjustment(self, delta: int, *, undo: bool = False) -> None:
        lot = self.card.lot
        if lot is None or not lot.id:
            self._show_error(self.tr("Scan a lot first: no lot is on the screen."))
            return
        if self._adjusting:
            self._banner(BannerState.BUSY, self.tr("Still saving the last change\u2026"))
            return
        if self._scan_running or (self.wedge is not None and self.wedge.burst_in_progress()):
            self._banner(BannerState.BUSY, self.tr("Wait for the scanned package to show, then change it."))
            return
        question = large_change_warning(delta, lot.current_quantity, lot.initial_quantity, lot.unit_type)
        if question and not undo and not self.confirm_large_change(question):
            self._banner(BannerState.WARN, self.tr("Change not made."))
            return
        self._undoing = undo
        self._adjusting = True
        self.adjust_bar.set_busy(True)
        sign = "+" if delta > 0 else "\u2212"
        self._banner(BannerState.BUSY, self.tr("Saving {sign}{amount} for lot {batch}\u2026").format(
            sign=sign, amount=abs(delta), batch=lot.batch_number))
        scan_id = self.current_scan_id
        self.runner.run(
            lambda: self.session.adjust(lot, delta, scan_id=scan_id),
            lambda result: self._adjust_done(lot, delta, result),
            lambda exc: self._adjust_failed(lot, delta, exc),
        )

    def confirm_large_change(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Large change"), question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _adjust_done(self, lot: Lot, delta: int, result) -> None:
        self._adjusting = False
        self.adjust_bar.set_busy(self._scan_running)
        state = getattr(result.state, "value", result.state)
        sign = "+" if delta > 0 else "\u2212"
        change = f"{sign}{abs(delta)}"
        batch = lot.batch_number or "\u2014"
        if state == "applied" and result.lot is not None:
            new = result.lot
            if self.card.lot is not None and self.card.lot.id == new.id:
                self._show_lot(new)
            if self._undoing:
                template = self.tr("Undone: lot {batch} {change} \u2192 {quantity} saved")
            else:
                template = self.tr("Lot {batch} {change} \u2192 {quantity} saved")
            text = template.format(batch=batch, change=change,
                                   quantity=format_quantity(new.current_quantity, new.unit_type))
            self._banner(BannerState.OK, text)
            self.history.add_entry(theme.ICON_OK, theme.OK_COLOR, text)
            if self._undoing:
                self._last_change = None
                self.adjust_bar.cancel_undo()
            else:
                self._last_change = (new, delta)
                self.adjust_bar.offer_undo()
            self._play("good")
        elif state == "rejected":
            reason = result.reason or self.tr("no reason given")
            text = self.tr("Blend rejected {change} for lot {batch}: {reason}").format(
                change=change, batch=batch, reason=reason)
            self._show_error(text)
        else:
            if state == "unknown":
                text = self.tr("Blend did not answer about {change} for lot {batch}: the station checks whether it "
                               "was applied and never sends it twice")
            else:
                text = self.tr("{change} for lot {batch} waits in the outbox and is sent when Blend answers")
            text = text.format(change=change, batch=batch)
            self._banner(BannerState.WARN, text)
            self.history.add_entry(theme.ICON_WARN, theme.WARN_COLOR, text)
            self._play("warning")
        self.adjustment_finished.emit(result)
        self._update_outbox()

    def _adjust_failed(self, lot: Lot, delta: int, exc: BaseException) -> None:
        self._adjusting = False
        self.adjust_bar.set_busy(self._scan_running)
        log.error("adjustment of lot %s by %d failed: %s", lot.id, delta, exc, exc_info=exc)
        message = str(exc) if isinstance(exc, (BlendError, ValueError)) else repr(exc)
        self._show_error(self.tr("The change was not saved: {error}").format(error=message))
        self._update_outbox()

    def undo_last(self) -> None:
        if self._last_change is None:
            return
        lot, delta = self._last_change
        self._last_change = None
        if self.card.lot is None or self.card.lot.id != lot.id:
            self._show_lot(lot)
        self.request_adjustment(-delta, undo=True)

    # -- background upkeep ------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Settle unknown changes and replay the outbox; runs in the background, one at a time."""
        if self._sync_running:
            return
        self._sync_running = True

        def done(report) -> None:
            self._sync_running = False
            self._update_outbox()
            self._update_source()
            self.check_attention()
            if report.applied or report.rejected:
                self._outbox_settled(len(report.applied), len(report.rejected))

        def failed(exc: BaseException) -> None:
            self._sync_running = False
            log.warning("sync failed: %s", exc)
            self._update_source()

        self.runner.run(self.session.sync, done, failed)

    def _outbox_settled(self, applied: int, rejected: int) -> None:
        """Show what the outbox did, and read the lot on the card back, whose quantity it changed."""
        if not self._adjusting and not self._scan_running:
            if rejected:
                message = self.tr("Outbox: {applied} change(s) applied, {rejected} rejected; see Tools \u2192 "
                                  "Changes to review.").format(applied=applied, rejected=rejected)
                self._banner(BannerState.WARN, message)
            else:
                message = self.tr("Outbox: {applied} change(s) applied in Blend.").format(applied=applied)
                self._banner(BannerState.OK, message)
            self.history.add_entry(theme.ICON_OK if not rejected else theme.ICON_WARN,
                                   theme.OK_COLOR if not rejected else theme.WARN_COLOR, message)
        if self.card.lot is not None:
            self._read_back(self.card.lot)

    def refresh_inventory(self) -> None:
        def failed(exc: BaseException) -> None:
            log.warning("inventory reload failed: %s", exc)
            self._update_source()

        self.runner.run(self.session.inventory.refresh, lambda _count: self._update_source(), failed)

    def reload_inventory(self) -> None:
        """Reload every lot and report the count in the banner. F5 runs it."""
        self._banner(BannerState.BUSY, self.tr("Reloading the inventory\u2026"))

        def done(count: int) -> None:
            self._update_source()
            self._banner(BannerState.OK, self.tr("Inventory reloaded: {count} lots.").format(count=count))
            if self.card.lot is not None:
                self._read_back(self.card.lot)

        def failed(exc: BaseException) -> None:
            self._update_source()
            self._show_error(self.tr("Could not reload the inventory: {error}").format(error=exc))

        self.runner.run(self.session.inventory.refresh, done, failed)

    def _update_source(self) -> None:
        source = self.session.inventory.source()
        self.header.set_source(demo=self.session.demo and source.online, online=source.online,
                               fetched_at=source.fetched_at, label=self.session.source_label)

    def _update_outbox(self) -> None:
        self.runner.run(self.session.outbox_count, self.header.set_outbox,
                        lambda exc: log.warning("outbox count failed: %s", exc))

    # -- feedback ---------------------------------------------------------------------------------

    def _banner(self, state: BannerState, message: str, *, scanned: bool = False) -> None:
        self.banner.show_message(state, message, dt.datetime.now() if scanned else None)

    def _show_error(self, message: str, *, scanned: bool = False) -> None:
        self._banner(BannerState.ERROR, message, scanned=scanned)
        self.history.add_entry(theme.ICON_ERROR, theme.ERROR_COLOR, message)
        self._play("error")

    def _play(self, kind: str) -> None:
        if self.sounds is not None:
            self.sounds.play(kind)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        waiting = self.header.outbox_count
        if waiting and not self._adjusting:
            answer = QMessageBox.question(
                self, self.tr("Changes wait in the outbox"),
                self.tr("{count} change(s) wait in the outbox. They are kept and sent at the next start. "
                        "Quit anyway?").format(count=waiting))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        if self._adjusting:
            answer = QMessageBox.question(
                self, self.tr("A change is being saved"),
                self.tr("A quantity change is still being sent. It is kept in the journal and settled at the "
                        "next start. Quit anyway?"))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self._sync_timer.stop()
        self._refresh_timer.stop()
        self.runner.wait_for_done(10000)
        super().closeEvent(event)


def _display_code(scan) -> str:
    """Return the scanned code as the operator reads it on the package, with GS1 fields in the (AI) form."""
    if scan.kind.value == "gs1" and scan.ais and not scan.may_identify_patient:
        return "".join(f"({ai}){value}" for ai, value in scan.ais.items())
    return scan.loggable_text


def _short(text: str, limit: int = 60) -> str:
    printable = text.replace("\x1d", "\u241d")
    return printable if len(printable) <= limit else printable[: limit - 1] + "\u2026"
