"""The camera panel with a video file as the camera: scans, preview, errors, and the GUI thread."""

from __future__ import annotations

import threading

import pytest

from station.camera import CameraInfo
from station.camera.synthetic import ClipCode, Fmt, write_clip
from tests.conftest import PEER_SAMPLES
from ui.camera_bridge import ImageFileDecoder, image_paths
from ui.camera_panel import CameraPanel

EAN13 = ClipCode("0712345678904", Fmt.EAN13, "712345678904")


@pytest.fixture
def clip(tmp_path):
    return write_clip(tmp_path / "ean13.avi", EAN13)


@pytest.fixture
def panel(qtbot):
    widget = CameraPanel(camera_lister=lambda: [])
    qtbot.addWidget(widget)
    yield widget
    widget.stop()


def test_panel_emits_scan_from_video(qtbot, panel, clip):
    with qtbot.waitSignal(panel.scanned, timeout=60000) as blocker:
        panel.start(clip.path, pace="lockstep")

    assert blocker.args == ["712345678904", "]E0"]
    qtbot.waitUntil(lambda: panel.preview.image is not None, timeout=10000)
    assert panel.preview.image.width() == 1280


def test_decoding_runs_off_gui_thread(qtbot, clip):
    decoder_threads: list[int] = []
    widget = CameraPanel(camera_lister=lambda: [],
                         decode_hook=lambda name: decoder_threads.append(threading.get_ident()))
    qtbot.addWidget(widget)

    with qtbot.waitSignal(widget.scanned, timeout=60000):
        widget.start(clip.path, pace="lockstep")
    widget.stop()

    assert len(decoder_threads) >= clip.first_full_view
    assert threading.get_ident() not in decoder_threads
    assert threading.main_thread().ident not in decoder_threads


def test_panel_reports_missing_file(qtbot, panel, tmp_path):
    missing = tmp_path / "missing.avi"

    with qtbot.waitSignal(panel.error, timeout=10000) as blocker:
        panel.start(str(missing))

    assert str(missing) in blocker.args[0]
    qtbot.waitUntil(lambda: not panel.is_running, timeout=10000)
    # The pipeline's thread ends before its queued "stopped" event reaches the panel.
    qtbot.waitUntil(lambda: panel.pipeline is None, timeout=10000)
    assert panel.start_button.text() == "Start"


def test_panel_reports_missing_camera(qtbot, panel):
    with qtbot.waitSignal(panel.error, timeout=10000) as blocker:
        panel.start(97)

    assert "Camera 97" in blocker.args[0]
    assert panel.status.text() == blocker.args[0]


def test_start_without_source_reports_error(qtbot, panel):
    with qtbot.waitSignal(panel.error, timeout=1000) as blocker:
        assert panel.start() is False

    assert "No camera chosen" in blocker.args[0]


def test_refresh_fills_chooser(qtbot):
    cameras = [CameraInfo(0, 1280, 720), CameraInfo(2, 640, 480)]
    widget = CameraPanel(camera_lister=lambda: cameras)
    qtbot.addWidget(widget)
    widget.add_source("Demo video", "/tmp/demo.avi")

    with qtbot.waitSignal(widget.cameras_listed, timeout=10000):
        widget.refresh_cameras()

    items = [(widget.chooser.itemText(i), widget.chooser.itemData(i)) for i in range(widget.chooser.count())]
    assert items == [("Camera 0 (1280x720)", 0), ("Camera 2 (640x480)", 2), ("Demo video", "/tmp/demo.avi")]
    assert widget.refresh_button.isEnabled()


def test_image_file_decoder_emits_scans(qtbot, tmp_path):
    image = PEER_SAMPLES / "zxing-cpp" / "code128-1" / "1.png"
    missing = tmp_path / "gone.png"
    decoder = ImageFileDecoder()
    scans = []
    errors = []
    decoder.scanned.connect(lambda text, symbology: scans.append((text, symbology)))
    decoder.error.connect(errors.append)

    with qtbot.waitSignal(decoder.finished, timeout=30000):
        decoder.decode_files([missing, image])

    assert scans == [(image.with_suffix(".txt").read_text(), "]C1")]
    assert len(errors) == 1
    assert str(missing) in errors[0]


def test_image_paths_keeps_images_only():
    assert image_paths(["a.PNG", "b.txt", "c.webp", "d"]) == [p for p in image_paths(["a.PNG", "c.webp"])]
    assert [p.name for p in image_paths(["a.PNG", "b.txt", "c.webp", "d"])] == ["a.PNG", "c.webp"]
