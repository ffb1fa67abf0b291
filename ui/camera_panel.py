"""The camera panel: live preview with the read code outlined, a camera chooser, and start/stop.

Embed it in the main window and connect ``scanned(text, symbology)`` to the same handler as the keyboard
wedge. Capture and decoding run in the pipeline's threads; this widget only paints.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from station.camera import CameraInfo, CameraPipeline, DecodedCode, FrameDecoder, ScanConfirmer, list_cameras
from station.camera.capture import CaptureSource
from station.camera.decoders import DecodeHook
from station.camera.pipeline import Pace
from ui.camera_bridge import CameraBridge

log = logging.getLogger(__name__)

OUTLINE_COLOR = QColor(0, 200, 80)
SCANNED_COLOR = QColor(40, 120, 255)


class CameraPreview(QWidget):
    """Paint the latest frame scaled to fit, with an outline around each code read in it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image: QImage | None = None
        self.codes: tuple[DecodedCode, ...] = ()
        self.scanned_keys: set[str] = set()
        self.placeholder = ""

    def show_frame(self, image: QImage, codes: tuple[DecodedCode, ...]) -> None:
        self.image = image
        self.codes = codes
        self.update()

    def clear(self, placeholder: str = "") -> None:
        self.image = None
        self.codes = ()
        self.placeholder = placeholder
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 20, 20))
        if self.image is None or self.image.isNull():
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)
            painter.end()
            return
        target = self._target_rect()
        painter.drawImage(target, self.image)
        scale = target.width() / self.image.width()
        for code in self.codes:
            color = SCANNED_COLOR if code.key in self.scanned_keys else OUTLINE_COLOR
            painter.setPen(QPen(color, 3))
            polygon = QPolygonF([QPointF(target.x() + x * scale, target.y() + y * scale) for x, y in code.position])
            painter.drawPolygon(polygon)
        painter.end()

    def _target_rect(self) -> QRectF:
        assert self.image is not None
        image_ratio = self.image.width() / self.image.height()
        width, height = float(self.width()), float(self.height())
        if width / height > image_ratio:
            width = height * image_ratio
        else:
            height = width / image_ratio
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)


class CameraPanel(QWidget):
    """Camera preview with a chooser and a start/stop button; emits confirmed scans.

    ``camera_lister`` lists cameras for the chooser (``station.camera.list_cameras``; tests pass a
    stub). It runs on a worker thread when ``refresh_cameras()`` is called, never at construction.
    ``decode_hook`` is passed to each ``FrameDecoder`` and called on the decoding thread before every
    decoder call.
    """

    scanned = Signal(str, str)  # text as a wedge scanner types it, AIM symbology identifier such as ]E0
    good_read = Signal()  # a confirmed scan: play the good-read sound
    error = Signal(str)  # a camera failure, naming the camera and what to do
    running_changed = Signal(bool)
    cameras_listed = Signal(list)  # the CameraInfo list after refresh_cameras()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        camera_lister: Callable[[], list[CameraInfo]] = list_cameras,
        decode_hook: DecodeHook | None = None,
    ) -> None:
        super().__init__(parent)
        self.camera_lister = camera_lister
        self.decode_hook = decode_hook
        self.pipeline: CameraPipeline | None = None
        self.bridge: CameraBridge | None = None  # a new one per capture, so late events of an old one are ignored
        self.last_frame_index = 0

        self.preview = CameraPreview()
        self.preview.clear(self.tr("Camera off. Choose a camera and press Start."))
        self.chooser = QComboBox()
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.refresh_button = QPushButton(self.tr("Find cameras"))
        self.start_button = QPushButton(self.tr("Start"))
        self.status = QLabel()
        self.status.setWordWrap(True)

        controls = QHBoxLayout()
        controls.addWidget(self.chooser, 1)
        controls.addWidget(self.refresh_button)
        controls.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 1)
        layout.addLayout(controls)
        layout.addWidget(self.status)

        self.refresh_button.clicked.connect(self.refresh_cameras)
        self.start_button.clicked.connect(self._toggle)
        self.cameras_listed.connect(self._fill_chooser)
        self._listing: threading.Thread | None = None

    # -- sources ----------------------------------------------------------------------------------

    def refresh_cameras(self) -> None:
        """List cameras on a worker thread (opening each can take a second) and fill the chooser."""
        if self._listing is not None and self._listing.is_alive():
            return
        self.refresh_button.setEnabled(False)
        self.status.setText(self.tr("Looking for cameras…"))
        self._listing = threading.Thread(target=self._list_cameras, name="camera-list", daemon=True)
        self._listing.start()

    def _list_cameras(self) -> None:
        try:
            cameras = self.camera_lister()
        except Exception:  # noqa: BLE001 - a failing driver must not take the window down
            log.exception("listing cameras failed")
            cameras = []
        self.cameras_listed.emit(cameras)

    def _fill_chooser(self, cameras: list[CameraInfo]) -> None:
        current = self.current_source()
        files = [(self.chooser.itemText(i), self.chooser.itemData(i)) for i in range(self.chooser.count())
                 if not isinstance(self.chooser.itemData(i), int)]
        self.chooser.clear()
        for camera in cameras:
            self.chooser.addItem(camera.label, camera.index)
        for label, source in files:
            self.chooser.addItem(label, source)
        if current is not None:
            self.select_source(current)
        self.refresh_button.setEnabled(True)
        if cameras:
            self.status.setText(self.tr("Found {count} camera(s).").format(count=len(cameras)))
        else:
            self.status.setText(self.tr("No camera found. Connect a USB camera and press Find cameras."))

    def add_source(self, label: str, source: CaptureSource) -> None:
        """Offer a camera index or a video file (for demos) in the chooser."""
        if isinstance(source, Path):
            source = str(source)
        self.chooser.addItem(label, source)

    def select_source(self, source: CaptureSource) -> bool:
        index = self.chooser.findData(str(source) if isinstance(source, Path) else source)
        if index >= 0:
            self.chooser.setCurrentIndex(index)
        return index >= 0

    def current_source(self) -> CaptureSource | None:
        data = self.chooser.currentData()
        return data if isinstance(data, int | str) else None

    # -- start / stop -----------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self.pipeline is not None and self.pipeline.is_running

    def start(self, source: CaptureSource | None = None, *, pace: Pace = "realtime", loop: bool = False) -> bool:
        """Start capturing from ``source`` (default: the chosen one); return False if none is chosen.

        A running capture is stopped first. Failures arrive later as ``error``.
        """
        if source is None:
            source = self.current_source()
        if source is None:
            self._on_error(self.tr("No camera chosen. Press Find cameras, then choose one."))
            return False
        self.stop()
        self.preview.scanned_keys.clear()
        self.preview.clear(self.tr("Starting…"))
        self.bridge = self._connect_bridge()
        self.pipeline = CameraPipeline(
            source,
            self.bridge.handle_event,
            decoder=FrameDecoder(hook=self.decode_hook),
            confirmer=ScanConfirmer(),
            pace=pace,
            loop=loop,
        )
        self.pipeline.start()
        self.start_button.setText(self.tr("Stop"))
        self.running_changed.emit(True)
        return True

    def stop(self) -> None:
        """Stop the capture and wait for its threads (up to 5 s)."""
        if self.pipeline is None:
            return
        pipeline, self.pipeline = self.pipeline, None
        self._disconnect_bridge()
        pipeline.stop()
        self.start_button.setText(self.tr("Start"))
        self.preview.clear(self.tr("Camera off."))
        self.running_changed.emit(False)

    def _connect_bridge(self) -> CameraBridge:
        bridge = CameraBridge(self)
        bridge.frame_ready.connect(self._show_latest_frame)
        bridge.code_scanned.connect(self._on_scan)
        bridge.error.connect(self._on_error)
        bridge.stopped.connect(self._on_stopped)
        bridge.started.connect(self._on_started)
        return bridge

    def _disconnect_bridge(self) -> None:
        if self.bridge is not None:
            self.bridge.blockSignals(True)
            self.bridge.deleteLater()
            self.bridge = None

    def _toggle(self) -> None:
        if self.is_running:
            self.stop()
        else:
            self.start()

    # -- pipeline events --------------------------------------------------------------------------

    def _show_latest_frame(self) -> None:
        if self.bridge is None:
            return
        frame = self.bridge.take_frame()
        if frame is None:
            return
        image, codes, index = frame
        self.last_frame_index = index
        self.preview.show_frame(image, codes)

    def _on_scan(self, code: DecodedCode) -> None:
        self.preview.scanned_keys.add(code.key)
        self.status.setText(self.tr("Read {format} code.").format(format=code.format))
        self.good_read.emit()
        self.scanned.emit(code.text, code.symbology)

    def _on_error(self, message: str) -> None:
        self.status.setText(message)
        self.preview.clear(message)
        self.error.emit(message)

    def _on_started(self, width: int, height: int, fps: float) -> None:
        self.status.setText(self.tr("Camera on ({width}x{height}).").format(width=width, height=height))

    def _on_stopped(self, reason: str) -> None:
        """Forget a pipeline that ended by itself (end of file, camera error)."""
        if self.sender() is not self.bridge:
            return  # a late event of a capture already stopped or replaced
        if self.pipeline is not None:
            self.pipeline.join(1.0)
            self.pipeline = None
            self._disconnect_bridge()
            self.start_button.setText(self.tr("Start"))
            self.running_changed.emit(False)
        if reason == "end of file":
            self.status.setText(self.tr("The video has ended."))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.stop()
        super().closeEvent(event)
