"""Opening a camera or a video file with OpenCV, and listing the cameras a settings dialog can offer."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2

from station.i18n import tr

log = logging.getLogger(__name__)

CaptureSource = int | str | os.PathLike[str]


class CaptureOpenError(Exception):
    """A camera or video file could not be opened. The message names it and the fix."""


@dataclass(frozen=True)
class CameraInfo:
    index: int
    width: int
    height: int

    @property
    def label(self) -> str:
        """Name for a camera chooser, such as 'Camera 0 (1280x720)'."""
        return tr("Camera {index} ({width}x{height})").format(index=self.index, width=self.width, height=self.height)


def camera_backend() -> int:
    """Return the OpenCV capture API for cameras on this platform (V4L2, DirectShow, AVFoundation)."""
    if sys.platform.startswith("linux"):
        return cv2.CAP_V4L2
    if sys.platform == "win32":
        return cv2.CAP_DSHOW
    if sys.platform == "darwin":
        return cv2.CAP_AVFOUNDATION
    return cv2.CAP_ANY


def list_cameras(max_index: int = 5) -> list[CameraInfo]:
    """Return the cameras with indices 0..max_index-1 that open and deliver a frame.

    Opening a camera takes up to a second on some drivers, so call this off the GUI thread. On Linux,
    indices without a /dev/videoN node are skipped without opening anything.
    """
    found = []
    for index in range(max_index):
        if sys.platform.startswith("linux") and not Path(f"/dev/video{index}").exists():
            continue
        capture = cv2.VideoCapture(index, camera_backend())
        try:
            if not capture.isOpened():
                continue
            ok, frame = capture.read()
            if ok and frame is not None:
                found.append(CameraInfo(index, frame.shape[1], frame.shape[0]))
        finally:
            capture.release()
    log.info("found %d camera(s) among indices 0..%d", len(found), max_index - 1)
    return found


def describe_source(source: CaptureSource) -> str:
    """Return how messages name a source: 'camera 0' or the file path."""
    if isinstance(source, int):
        return tr("camera {index}").format(index=source)
    return str(source)


def open_capture(source: CaptureSource) -> cv2.VideoCapture:
    """Open a camera index or a video file; raise CaptureOpenError with a message for the operator."""
    if isinstance(source, int):
        capture = cv2.VideoCapture(source, camera_backend())
        if not capture.isOpened():
            capture.release()
            raise CaptureOpenError(
                tr(
                    "Camera {index} could not be opened: it is not connected, or another application is "
                    "using it. Close the other application, or choose another camera in Settings."
                ).format(index=source)
            )
        return capture

    path = Path(source)
    if not path.is_file():
        raise CaptureOpenError(tr("Video file {file} was not found.").format(file=path))
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise CaptureOpenError(
            tr("Video file {file} could not be opened: it is not a video in a format OpenCV can read.").format(
                file=path
            )
        )
    return capture
