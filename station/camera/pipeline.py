"""The camera pipeline: capture in one thread, decode in another, and report events to a listener.

The capture thread puts each frame into a one-slot mailbox, replacing a frame the decoder has not taken
yet, so frames are dropped, never queued, when decoding falls behind. The decode thread decodes the latest
frame, confirms codes with ``ScanConfirmer`` and calls the listener. The listener runs on the pipeline's
threads: a GUI must hand the events over to its own thread (``ui.camera_bridge`` does that for Qt).
No exception leaves the threads: failures become an ``ErrorEvent`` and the pipeline stops.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from station.camera.capture import CaptureOpenError, CaptureSource, describe_source, open_capture
from station.camera.decoded import DecodedCode
from station.camera.frame import FrameDecoder, ScanConfirmer
from station.i18n import tr

log = logging.getLogger(__name__)

# Failed reads in a row after which a camera counts as unplugged. At 30 fps this is about a second.
MAX_FAILED_READS = 30

Pace = Literal["realtime", "lockstep"]


@dataclass(frozen=True)
class StartedEvent:
    source: CaptureSource
    width: int
    height: int
    fps: float


@dataclass(frozen=True)
class FrameEvent:
    """A decoded frame for the preview, with the codes read in it (confirmed or not) to outline."""

    frame: np.ndarray = field(repr=False)
    index: int
    codes: tuple[DecodedCode, ...]


@dataclass(frozen=True)
class ScanEvent:
    """A confirmed scan: hand ``code.text`` and ``code.symbology`` to the scan handler and play the
    good-read sound."""

    code: DecodedCode
    frame_index: int


@dataclass(frozen=True)
class ErrorEvent:
    message: str
    source: CaptureSource


@dataclass(frozen=True)
class StoppedEvent:
    """The pipeline has ended: ``reason`` is "stopped", "end of file" or "error"."""

    source: CaptureSource
    reason: str
    frames_captured: int
    frames_decoded: int


CameraEvent = StartedEvent | FrameEvent | ScanEvent | ErrorEvent | StoppedEvent
Listener = Callable[[CameraEvent], None]


class _Mailbox:
    """A one-slot mailbox: ``put`` replaces an untaken frame (counting it as dropped) unless ``wait`` is
    set, in which case it waits until the decoder has taken the previous one."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._item: tuple[int, np.ndarray] | None = None
        self._closed = False
        self.dropped = 0

    def put(self, index: int, frame: np.ndarray, *, wait: bool, stop: threading.Event) -> None:
        with self._condition:
            while wait and self._item is not None and not stop.is_set() and not self._closed:
                self._condition.wait(0.1)
            if self._item is not None:
                self.dropped += 1
            self._item = (index, frame)
            self._condition.notify_all()

    def take(self, stop: threading.Event) -> tuple[int, np.ndarray] | None:
        """Return the latest frame, or None once the mailbox is closed and empty or ``stop`` is set."""
        with self._condition:
            while self._item is None and not self._closed and not stop.is_set():
                self._condition.wait(0.1)
            item, self._item = self._item, None
            self._condition.notify_all()
            return item if not stop.is_set() else None

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()


class CameraPipeline:
    """Capture frames from ``source`` (a camera index or a video file path) and decode them off the
    caller's thread.

    ``pace`` applies to video files. "realtime" plays at the file's frame rate and drops frames the
    decoder cannot keep up with, as a camera does. "lockstep" hands every frame to the decoder as fast as
    it decodes them, which makes frame counts reproducible in tests. Cameras always run in real time.
    ``loop`` restarts a video file at its end, for demos.
    """

    def __init__(
        self,
        source: CaptureSource,
        listener: Listener,
        *,
        decoder: FrameDecoder | None = None,
        confirmer: ScanConfirmer | None = None,
        pace: Pace = "realtime",
        loop: bool = False,
        max_failed_reads: int = MAX_FAILED_READS,
    ) -> None:
        self.source = source
        self.listener = listener
        self.decoder = decoder or FrameDecoder()
        self.confirmer = confirmer or ScanConfirmer()
        self.pace = pace
        self.loop = loop
        self.max_failed_reads = max_failed_reads
        self.frames_captured = 0
        self.frames_decoded = 0
        self._stop = threading.Event()
        self._mailbox = _Mailbox()
        self._capture_thread: threading.Thread | None = None
        self._decode_thread: threading.Thread | None = None
        self._end_reason = "stopped"

    @property
    def frames_dropped(self) -> int:
        return self._mailbox.dropped

    def start(self) -> None:
        if self._capture_thread is not None:
            raise RuntimeError("a CameraPipeline can be started only once; create a new one")
        self._capture_thread = threading.Thread(target=self._run_capture, name="camera-capture", daemon=True)
        self._decode_thread = threading.Thread(target=self._run_decode, name="camera-decode", daemon=True)
        self._decode_thread.start()
        self._capture_thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask both threads to end and wait up to ``timeout`` seconds for each."""
        self._stop.set()
        self._mailbox.close()
        self.join(timeout)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for both threads to end; return True if they did within ``timeout`` seconds each."""
        for thread in (self._capture_thread, self._decode_thread):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout)
        return not self.is_running

    @property
    def is_running(self) -> bool:
        return any(t is not None and t.is_alive() for t in (self._capture_thread, self._decode_thread))

    def _emit(self, event: CameraEvent) -> None:
        try:
            self.listener(event)
        except Exception:  # noqa: BLE001 - a faulty listener must not kill the camera threads
            log.exception("camera event listener failed on %s", type(event).__name__)

    def _run_capture(self) -> None:
        name = describe_source(self.source)
        try:
            capture = open_capture(self.source)
        except CaptureOpenError as exc:
            log.warning("camera source %s could not be opened: %s", name, exc)
            self._fail(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - OpenCV raises cv2.error for odd backends
            log.exception("opening %s failed", name)
            self._fail(tr("Opening {source} failed: {error}").format(source=name, error=exc))
            return

        try:
            self._capture_frames(capture, name)
        except Exception as exc:  # noqa: BLE001 - report, then end the thread cleanly
            log.exception("capture from %s failed", name)
            self._fail(tr("Reading from {source} failed: {error}").format(source=name, error=exc))
        finally:
            capture.release()
            self._mailbox.close()

    def _capture_frames(self, capture: cv2.VideoCapture, name: str) -> None:
        is_file = not isinstance(self.source, int)
        fps = capture.get(cv2.CAP_PROP_FPS) or 0.0
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        log.info("capture started from %s (%dx%d at %.1f fps)", name, width, height, fps)
        self._emit(StartedEvent(self.source, width, height, fps))

        lockstep = is_file and self.pace == "lockstep"
        frame_interval = 1.0 / fps if is_file and not lockstep and fps > 0 else 0.0
        next_due = time.monotonic()
        failed_reads = 0
        while not self._stop.is_set():
            ok, frame = capture.read()
            if not ok or frame is None:
                if is_file:
                    if self.loop and self.frames_captured > 0:
                        capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                        continue
                    self._end_reason = "end of file"
                    return
                failed_reads += 1
                if failed_reads >= self.max_failed_reads:
                    log.warning("%s returned no frame %d times in a row", name, failed_reads)
                    self._fail(
                        tr(
                            "Camera {index} stopped sending pictures: it was unplugged or another application "
                            "took it over. Reconnect it and press Start, or choose another camera in Settings."
                        ).format(index=self.source)
                    )
                    return
                time.sleep(0.01)
                continue
            failed_reads = 0
            self.frames_captured += 1
            self._mailbox.put(self.frames_captured, frame, wait=lockstep, stop=self._stop)
            if frame_interval:
                next_due += frame_interval
                delay = next_due - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
                else:
                    next_due = time.monotonic()

    def _fail(self, message: str) -> None:
        self._end_reason = "error"
        self._emit(ErrorEvent(message, self.source))
        self._mailbox.close()

    def _run_decode(self) -> None:
        try:
            while True:
                item = self._mailbox.take(self._stop)
                if item is None:
                    break
                index, frame = item
                codes = self.decoder.decode(frame)
                self.frames_decoded += 1
                self._emit(FrameEvent(frame, index, tuple(codes)))
                for code in self.confirmer.update(index, codes):
                    log.info("camera scan: %s (%s) on frame %d", code.format, code.symbology, index)
                    self._emit(ScanEvent(code, index))
        except Exception as exc:  # noqa: BLE001 - report, then end the thread cleanly
            log.exception("decoding camera frames failed")
            self._stop.set()
            self._fail(tr("Decoding camera pictures failed: {error}").format(error=exc))
        finally:
            if self._capture_thread is not None:
                self._capture_thread.join()
            log.info(
                "capture from %s ended (%s): %d frames captured, %d decoded, %d dropped",
                describe_source(self.source), self._end_reason, self.frames_captured, self.frames_decoded,
                self.frames_dropped,
            )
            self._emit(StoppedEvent(self.source, self._end_reason, self.frames_captured, self.frames_decoded))
