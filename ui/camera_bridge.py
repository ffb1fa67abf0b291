"""Qt adapters for the Qt-free camera code: pipeline events and image-file decoding as Qt signals.

The pipeline calls ``CameraBridge.handle_event`` on its worker threads. The bridge lives in the GUI thread,
so Qt delivers the signals it emits there through queued connections. Preview frames go through a
one-slot holder as in the pipeline, so a GUI that paints slower than the camera gets the latest frame and
never builds a queue of old ones.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from station.camera import (
    DecodedCode,
    ErrorEvent,
    FrameEvent,
    ImageReadError,
    ScanEvent,
    StartedEvent,
    StoppedEvent,
    decode_image,
)
from station.camera.pipeline import CameraEvent

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"})


def frame_to_qimage(frame: np.ndarray) -> QImage:
    """Return a QImage that owns a copy of a BGR or grayscale OpenCV frame."""
    frame = np.ascontiguousarray(frame)
    height, width = frame.shape[:2]
    if frame.ndim == 2:
        image = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_Grayscale8)
    else:
        image = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_BGR888)
    return image.copy()  # the QImage above only borrows the numpy buffer


class CameraBridge(QObject):
    """Turn ``CameraPipeline`` events into Qt signals; pass ``handle_event`` as the pipeline listener."""

    frame_ready = Signal()  # a new preview frame waits in take_frame()
    scanned = Signal(str, str)  # text, AIM symbology identifier of a confirmed scan
    code_scanned = Signal(object)  # the DecodedCode of the same scan
    error = Signal(str)  # a message for the operator, naming the camera and the fix
    started = Signal(int, int, float)  # width, height, frames per second
    stopped = Signal(str)  # "stopped", "end of file" or "error"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._frame: tuple[QImage, tuple[DecodedCode, ...], int] | None = None

    def handle_event(self, event: CameraEvent) -> None:
        """Forward one pipeline event as a signal; safe to call from any thread."""
        if isinstance(event, FrameEvent):
            image = frame_to_qimage(event.frame)  # convert on the worker thread, not the GUI thread
            with self._lock:
                pending = self._frame is not None
                self._frame = (image, event.codes, event.index)
            if not pending:
                self.frame_ready.emit()
        elif isinstance(event, ScanEvent):
            self.scanned.emit(event.code.text, event.code.symbology)
            self.code_scanned.emit(event.code)
        elif isinstance(event, ErrorEvent):
            self.error.emit(event.message)
        elif isinstance(event, StartedEvent):
            self.started.emit(event.width, event.height, float(event.fps))
        elif isinstance(event, StoppedEvent):
            self.stopped.emit(event.reason)

    def take_frame(self) -> tuple[QImage, tuple[DecodedCode, ...], int] | None:
        """Return the latest (image, codes read in it, frame index) and empty the slot."""
        with self._lock:
            frame, self._frame = self._frame, None
        return frame


def image_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Return the paths whose suffix names an image format ``decode_image`` reads, e.g. from a drop."""
    return [Path(p) for p in paths if Path(p).suffix.lower() in IMAGE_SUFFIXES]


class ImageFileDecoder(QObject):
    """Decode image files (dropped or opened) on a worker thread and report each code as a scan.

    Call ``decode_files(paths)`` from the GUI thread; it returns at once. For each file, every code
    found is emitted as ``scanned(text, symbology)``, then ``file_done(path, count)``; a file that cannot
    be read emits ``error(message)`` instead. Binary codes, which no scan handler can take as text, are
    counted but not emitted.
    """

    scanned = Signal(str, str)
    file_done = Signal(str, int)
    error = Signal(str)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threads: list[threading.Thread] = []

    def decode_files(self, paths: Iterable[str | Path]) -> threading.Thread:
        files = [Path(p) for p in paths]
        thread = threading.Thread(target=self._run, args=(files,), name="image-decode", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return thread

    def wait(self, timeout: float | None = None) -> None:
        """Wait for running decodes to end, e.g. before the window closes."""
        for thread in list(self._threads):
            thread.join(timeout)

    def _run(self, files: list[Path]) -> None:
        for path in files:
            try:
                codes = decode_image(path)
            except ImageReadError as exc:
                self.error.emit(str(exc))
                continue
            except Exception as exc:  # noqa: BLE001 - one bad file must not end the others
                log.exception("decoding image %s failed", path)
                self.error.emit(self.tr("Decoding {file} failed: {error}").format(file=path, error=exc))
                continue
            log.info("image %s: %d code(s)", path.name, len(codes))
            for code in codes:
                if code.text:
                    self.scanned.emit(code.text, code.symbology)
            self.file_done.emit(str(path), len(codes))
        self.finished.emit()
