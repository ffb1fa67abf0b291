"""The main window's tools: camera, image files, journal, log, scanner check and the review list.

Kept apart from ``main_window`` so that the window class holds only the scan and adjust flow.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMenu

from ui import theme
from ui.banner import BannerState

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


if TYPE_CHECKING:
    from station.session import StationSession
    from station.settings import Settings
    from ui.header import HeaderBar
    from ui.history import HistoryList
    from ui.sound import Sounds
    from ui.workers import BackgroundRunner

    _WindowBase = QMainWindow
else:
    _WindowBase = object


class WindowTools(_WindowBase):
    """Mixin for MainWindow, which provides the attributes and methods declared below."""

    if TYPE_CHECKING:
        session: StationSession
        runner: BackgroundRunner
        header: HeaderBar
        history: HistoryList
        view_menu: QMenu
        tools_menu: QMenu
        sounds: Sounds | None
        settings: Settings
        scans_paused: bool

        def handle_scan(self, text: str, symbology: str | None = None) -> None: ...
        def sync_now(self) -> None: ...
        def _banner(self, state: BannerState, message: str, *, scanned: bool = False) -> None: ...
        def _show_error(self, message: str, *, scanned: bool = False) -> None: ...

    def _build_tools(self) -> None:
        self.camera_dock: QDockWidget | None = None
        self.camera_action = QAction(self.tr("Camera"), self)
        self.camera_action.setCheckable(True)
        self.camera_action.setShortcut(QKeySequence("F6"))
        self.camera_action.toggled.connect(self.show_camera)
        self.view_menu.addAction(self.camera_action)

        for title, shortcut, slot in (
            (self.tr("Settings\u2026"), QKeySequence.StandardKey.Preferences, self.open_settings),
            (self.tr("Open image\u2026"), QKeySequence.StandardKey.Open, self.open_image),
            (self.tr("Journal\u2026"), "Ctrl+J", self.open_journal),
            (self.tr("Changes to review\u2026"), "Ctrl+R", self.open_review),
            (self.tr("Scanner check\u2026"), None, self.open_scanner_check),
            (self.tr("Log\u2026"), "Ctrl+L", self.open_log),
        ):
            action = QAction(title, self)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            self.tools_menu.addAction(action)
        self.header.outbox_clicked.connect(self.open_review)

    # -- camera -----------------------------------------------------------------------------------

    def show_camera(self, visible: bool) -> None:
        from ui.camera_panel import CameraPanel

        if visible and self.camera_dock is None:
            panel = CameraPanel()
            panel.scanned.connect(self.handle_scan)
            panel.error.connect(lambda message: self._show_error(message))
            panel.cameras_listed.connect(lambda _cameras: self._select_saved_camera(panel))
            panel.chooser.activated.connect(lambda _row: self._save_camera_choice(panel))
            dock = QDockWidget(self.tr("Camera"), self)
            dock.setObjectName("cameraDock")
            dock.setWidget(panel)
            dock.visibilityChanged.connect(self.camera_action.setChecked)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.camera_dock = dock
            panel.refresh_cameras()
        if self.camera_dock is not None:
            self.camera_dock.setVisible(visible)
            docked_panel = self.camera_dock.widget()
            if not visible and isinstance(docked_panel, CameraPanel):
                docked_panel.stop()

    def _select_saved_camera(self, panel) -> None:
        if self.settings.camera_index is not None:
            panel.select_source(self.settings.camera_index)

    def _save_camera_choice(self, panel) -> None:
        """Keep the chosen camera in the settings, so the station opens it next time."""
        from station.settings import save_settings

        source = panel.current_source()
        if not isinstance(source, int) or source == self.settings.camera_index:
            return
        updated = self.settings.model_copy(update={"camera_index": source})
        try:
            save_settings(self.session.data_dir, updated)
        except OSError as exc:
            log.warning("could not save the camera choice: %s", exc)
            return
        self.settings = updated

    # -- image files ------------------------------------------------------------------------------

    def open_image(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Scan codes in images"), "",
                                                self.tr("Images ({patterns})").format(patterns=patterns))
        for name in names:
            self.scan_image_file(Path(name))

    def scan_image_file(self, path: Path) -> None:
        """Decode an image off the GUI thread; each code found takes the same path as a scanner scan."""
        from station.camera.image import ImageReadError, decode_image

        self._banner(BannerState.BUSY, self.tr("Reading codes in {name}\u2026").format(name=path.name))

        def done(codes) -> None:
            readable = [code for code in codes if code.text]
            if not readable:
                self._show_error(self.tr("No barcode found in {name}: try a sharper, closer photo.").format(
                    name=path.name))
                return
            for code in readable:
                self.handle_scan(code.text, code.symbology)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ImageReadError):
                self._show_error(str(exc))
            else:
                self._show_error(self.tr("Could not read {name}: {error}").format(name=path.name, error=exc))

        self.runner.run(lambda: decode_image(path), done, failed)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if any(Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        for url in event.mimeData().urls():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in IMAGE_SUFFIXES:
                self.scan_image_file(path)
        event.acceptProposedAction()

    # -- dialogs ----------------------------------------------------------------------------------

    def open_journal(self) -> None:
        from ui.journal_dialog import JournalDialog

        batches = {lot_id: lot.batch_number or lot_id for lot_id, lot in self.session.inventory.index.by_id.items()}
        self._open_dialog(JournalDialog(self.session.ledger, self, lot_names=batches))

    def open_log(self) -> None:
        from ui.log_viewer import LogViewer

        self._open_dialog(LogViewer(self))

    def open_review(self) -> None:
        from ui.review_dialog import ReviewDialog

        dialog = ReviewDialog(self.session, self)
        dialog.changed.connect(self.sync_now)
        self._open_dialog(dialog)

    def open_settings(self) -> None:
        from station.settings import save_settings
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)

        def finished(_code: int) -> None:
            new = dialog.result_settings
            if new is None:
                return
            try:
                save_settings(self.session.data_dir, new)
            except OSError as exc:
                self._show_error(self.tr("Settings not saved: {error}").format(error=exc))
                return
            self.apply_settings(new)
            self._banner(BannerState.OK, self.tr("Settings saved"))

        dialog.finished.connect(finished)
        self._open_dialog(dialog)

    def apply_settings(self, settings) -> None:
        """Use new settings at once: scanner filter, sounds and the station name in the header."""
        self.settings = settings
        wedge = getattr(self, "wedge", None)
        if wedge is not None:
            wedge.set_config(settings.wedge_config())
        if self.sounds is not None:
            self.sounds.enabled = settings.sounds
        title = self.tr("Scan Station")
        self.header.title.setText(f"{title} \u00b7 {settings.station_name}" if settings.station_name else title)

    def open_scanner_check(self) -> None:
        """Open the scanner check; scans go to it, not to the inventory, while it is open."""
        from ui.scanner_check_dialog import ScannerCheckDialog

        dialog = ScannerCheckDialog(self, wedge_filter=getattr(self, "wedge", None))
        self.scans_paused = True

        def closed(_code: int) -> None:
            self.scans_paused = False

        dialog.finished.connect(closed)
        self._open_dialog(dialog)

    def _open_dialog(self, dialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- attention --------------------------------------------------------------------------------

    def check_attention(self) -> None:
        """Tell the operator about changes that need review or were rejected on replay."""
        service = self.session.adjustments

        def count() -> tuple[int, int]:
            return len(service.needs_review()), len(service.attention())

        def show(counts: tuple[int, int]) -> None:
            review, rejected = counts
            self.header.set_attention(review + rejected)
            if (review or rejected) and (review, rejected) != getattr(self, "_attention_seen", (0, 0)):
                self._attention_seen = (review, rejected)
                message = self.tr("{review} change(s) need review and {rejected} were rejected by Blend: "
                                  "open Tools \u2192 Changes to review (Ctrl+R).").format(review=review,
                                                                                      rejected=rejected)
                self._banner(BannerState.WARN, message)
                self.history.add_entry(theme.ICON_WARN, theme.WARN_COLOR, message)

        self.runner.run(count, show, lambda exc: log.warning("review count failed: %s", exc))
