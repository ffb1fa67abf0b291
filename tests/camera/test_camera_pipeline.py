"""The camera pipeline on synthetic video clips played as the camera, and its error paths."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from station.camera import (
    CameraPipeline,
    DecodedCode,
    ErrorEvent,
    FrameDecoder,
    FrameEvent,
    ScanConfirmer,
    ScanEvent,
    StoppedEvent,
)
from station.camera.synthetic import ClipCode, Fmt, write_clip

CLIP_CODES = {
    "ean13": (ClipCode("0712345678904", Fmt.EAN13, "712345678904"), "]E0"),
    "gs1-datamatrix": (
        ClipCode("(01)00712345678904(10)ABC12(17)261231", Fmt.DataMatrix, "0100712345678904" "10ABC12\x1d17261231",
                 gs1=True, module_pixels=6),
        "]d2",
    ),
}


class Recorder:
    """A pipeline listener that stores events and signals when the pipeline has stopped."""

    def __init__(self) -> None:
        self.events: list = []
        self.done = threading.Event()

    def __call__(self, event) -> None:
        self.events.append(event)
        if isinstance(event, StoppedEvent):
            self.done.set()

    def of_type(self, kind):
        return [e for e in self.events if isinstance(e, kind)]


def run_pipeline(source, **options) -> Recorder:
    recorder = Recorder()
    pipeline = CameraPipeline(source, recorder, **options)
    pipeline.start()
    assert recorder.done.wait(60), "pipeline did not stop within 60 s"
    assert pipeline.join(10)
    return recorder


@pytest.fixture
def thread_errors(monkeypatch):
    """Collect exceptions that escape any thread."""
    errors = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    return errors


@pytest.mark.parametrize("name", sorted(CLIP_CODES))
def test_clip_scanned_within_15_frames(tmp_path, name, thread_errors):
    code, symbology = CLIP_CODES[name]
    clip = write_clip(tmp_path / f"{name}.avi", code)

    recorder = run_pipeline(clip.path, pace="lockstep")

    scans = recorder.of_type(ScanEvent)
    assert [s.code.text for s in scans] == [code.expected_text]
    assert scans[0].code.symbology == symbology
    assert scans[0].frame_index <= clip.first_full_view + 15
    assert recorder.of_type(StoppedEvent)[0].reason == "end of file"
    assert thread_errors == []


def test_frames_before_label_give_no_scan(tmp_path):
    # A long lead-in: 40 frames of textured, noisy background before the label enters.
    clip = write_clip(tmp_path / "late.avi", CLIP_CODES["ean13"][0], lead_in=40, travel_frames=30, tail=0)

    recorder = run_pipeline(clip.path, pace="lockstep")

    decoded = recorder.of_type(FrameEvent)
    assert len(decoded) == clip.frames
    assert [event.codes for event in decoded[:40]] == [()] * 40
    assert all(scan.frame_index > 40 for scan in recorder.of_type(ScanEvent))


def test_missing_camera_reports_error(thread_errors):
    recorder = run_pipeline(97)

    errors = recorder.of_type(ErrorEvent)
    assert len(errors) == 1
    assert "Camera 97" in errors[0].message
    assert "another application" in errors[0].message
    assert recorder.of_type(StoppedEvent)[0].reason == "error"
    assert recorder.of_type(ScanEvent) == []
    assert thread_errors == []


def test_missing_video_file_reports_error(tmp_path, thread_errors):
    missing = tmp_path / "nowhere.avi"

    recorder = run_pipeline(str(missing))

    errors = recorder.of_type(ErrorEvent)
    assert len(errors) == 1
    assert str(missing) in errors[0].message
    assert "not found" in errors[0].message
    assert thread_errors == []


def test_unreadable_video_file_reports_error(tmp_path, thread_errors):
    broken = tmp_path / "broken.avi"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00not a video at all" * 10)

    recorder = run_pipeline(str(broken))

    errors = recorder.of_type(ErrorEvent)
    assert len(errors) == 1
    assert str(broken) in errors[0].message
    assert recorder.of_type(StoppedEvent)[0].reason == "error"
    assert thread_errors == []


class UnpluggedCamera:
    """A camera stand-in that delivers ``good_frames`` frames, then fails every read like an unplugged one."""

    def __init__(self, good_frames: int) -> None:
        self.good_frames = good_frames
        self.reads = 0
        self.released = False

    def read(self):
        self.reads += 1
        if self.reads <= self.good_frames:
            return True, np.full((480, 640, 3), 128, dtype=np.uint8)
        return False, None

    def get(self, prop):
        return 0.0

    def release(self):
        self.released = True


def test_unplugged_camera_reports_error(monkeypatch, thread_errors):
    camera = UnpluggedCamera(good_frames=5)
    monkeypatch.setattr("station.camera.pipeline.open_capture", lambda source: camera)

    recorder = run_pipeline(0, max_failed_reads=4)

    errors = recorder.of_type(ErrorEvent)
    assert len(errors) == 1
    assert "Camera 0 stopped sending pictures" in errors[0].message
    assert camera.reads == 5 + 4
    assert camera.released
    stopped = recorder.of_type(StoppedEvent)[0]
    assert stopped.reason == "error"
    assert stopped.frames_captured == 5
    assert thread_errors == []


def test_failing_listener_does_not_stop_capture(tmp_path, thread_errors):
    clip = write_clip(tmp_path / "ean.avi", CLIP_CODES["ean13"][0], travel_frames=40)
    seen = []
    done = threading.Event()

    def listener(event):
        seen.append(event)
        if isinstance(event, StoppedEvent):
            done.set()
        raise RuntimeError("listener bug")

    pipeline = CameraPipeline(clip.path, listener, pace="lockstep")
    pipeline.start()

    assert done.wait(60)
    assert len([e for e in seen if isinstance(e, FrameEvent)]) == clip.frames
    assert thread_errors == []


def test_slow_decoding_drops_frames(tmp_path):
    clip = write_clip(tmp_path / "ean.avi", CLIP_CODES["ean13"][0], travel_frames=40, fps=100.0)
    slow = threading.Event()
    decoder = FrameDecoder(hook=lambda name: slow.wait(0.05))

    recorder = run_pipeline(clip.path, pace="realtime", decoder=decoder)

    indices = [e.index for e in recorder.of_type(FrameEvent)]
    stopped = recorder.of_type(StoppedEvent)[0]
    assert stopped.frames_captured == clip.frames
    assert stopped.frames_decoded < clip.frames
    assert indices == sorted(indices)
    assert len(indices) == len(set(indices))


def make_code(text: str) -> DecodedCode:
    return DecodedCode(text, text.encode(), "EAN13", "]E0", ((0, 0), (1, 0), (1, 1), (0, 1)), "zxing")


def test_confirmer_needs_two_matching_reads():
    confirmer = ScanConfirmer(confirm_reads=2, forget_after=5)
    real = make_code("4006381333931")
    misread = make_code("4006381333924")

    assert confirmer.update(1, [real]) == []
    assert confirmer.update(2, [misread]) == []
    assert confirmer.update(3, [real]) == [real]
    assert confirmer.update(4, [real]) == []


def test_confirmer_counts_code_once_while_in_view():
    confirmer = ScanConfirmer(confirm_reads=2, forget_after=5)
    code = make_code("4006381333931")

    accepted = [confirmer.update(frame, [code]) for frame in range(1, 30)]
    # Missing from a few frames (hand shake, glare) is still "in view".
    accepted += [confirmer.update(frame, [code] if frame % 3 else []) for frame in range(30, 60)]

    assert sum(len(a) for a in accepted) == 1


def test_confirmer_scans_again_after_code_left_view():
    confirmer = ScanConfirmer(confirm_reads=2, forget_after=5)
    code = make_code("4006381333931")
    confirmer.update(1, [code])
    assert confirmer.update(2, [code]) == [code]

    assert confirmer.update(20, [code]) == []
    assert confirmer.update(21, [code]) == [code]


def test_confirmer_forgets_old_single_reads():
    confirmer = ScanConfirmer(confirm_reads=2, forget_after=5)
    misread = make_code("4006381333924")

    assert confirmer.update(1, [misread]) == []
    assert confirmer.update(30, [misread]) == []
