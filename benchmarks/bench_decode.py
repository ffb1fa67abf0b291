"""Decode benchmark: throughput, CPU use and time to scan at 1280x720 and 1920x1080.

Run from the repository root: ``python benchmarks/bench_decode.py``. It prints a markdown report for the
"Decoding" section of docs/benchmarks.md. Frames are synthetic clips from station.camera.synthetic: a
real code on a label moving across a noisy, blurred frame, written as MJPG and read back.
"""

from __future__ import annotations

import datetime as dt
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from station.camera import CameraPipeline, FrameDecoder, ScanConfirmer, ScanEvent, StoppedEvent
from station.camera.decoded import DecodedCode
from station.camera.decoders import CAMERA_FORMATS, ZBAR_SYMBOLS, code_from_zbar, code_from_zxing, read_zxing, to_gray
from station.camera.synthetic import ClipCode, Fmt, write_clip

SIZES = ((1280, 720), (1920, 1080))
CODES = {
    "EAN-13": ClipCode("4006381333931", Fmt.EAN13, "4006381333931"),
    "UPC-A": ClipCode("712345678904", Fmt.UPCA, "712345678904"),
    "EAN-8": ClipCode("96385074", Fmt.EAN8, "96385074"),
    "GS1-128": ClipCode("(01)00712345678904(10)ABC12", Fmt.Code128, "0100712345678904" "10ABC12", gs1=True,
                        module_pixels=3),
    "Code 39": ClipCode("RX12345", Fmt.Code39, "RX12345"),
    "GS1 DataMatrix": ClipCode("(01)00712345678904(10)ABC12(17)261231", Fmt.DataMatrix,
                               "0100712345678904" "10ABC12\x1d17261231", gs1=True, module_pixels=6),
    "QR Code": ClipCode("https://example.com/lot/ABC12", Fmt.QRCode, "https://example.com/lot/ABC12",
                        module_pixels=5),
}
HOLD_SECONDS = 1.0


def read_frames(path: str) -> list[np.ndarray]:
    capture = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames


def zxing_alone(frame: np.ndarray) -> list[DecodedCode]:
    return [code_from_zxing(b) for b in read_zxing(to_gray(frame), CAMERA_FORMATS, thorough=False)]


def zbar_alone(frame: np.ndarray) -> list[DecodedCode]:
    codes = (code_from_zbar(r) for r in pyzbar.decode(to_gray(frame), symbols=list(ZBAR_SYMBOLS)))
    return [c for c in codes if c is not None]


def measure_throughput(frames: list[np.ndarray], decode) -> tuple[float, float, float]:
    """Return (frames per second, median ms per frame, process CPU time / wall time)."""
    durations = []
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    for frame in frames:
        start = time.perf_counter()
        decode(frame)
        durations.append(time.perf_counter() - start)
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    return len(frames) / wall, statistics.median(durations) * 1000, cpu / wall


def hold_clip(
    folder: Path, name: str, code: ClipCode, size: tuple[int, int], seed: int
) -> tuple[str, int, int, int]:
    """Write a clip in which the label stays whole in view for at least HOLD_SECONDS.

    Returns (path, first frame with the whole label, last such frame, first frame of the hold).
    """
    width, height = size
    fps = 30.0
    # The label slides in over 1 s (motion-blurred), is held still for HOLD_SECONDS, then slides out.
    info = write_clip(folder / f"{name}-{width}-{seed}.avi", code, width=width, height=height, fps=fps,
                      lead_in=5, travel_frames=int(fps * 2), hold_frames=int(fps * HOLD_SECONDS), tail=5,
                      seed=seed)
    assert info.first_held is not None
    return info.path, info.first_full_view, info.last_full_view, info.first_held


def run_pipeline_on(path: str) -> tuple[list[ScanEvent], float]:
    """Play a clip in lockstep through the station's pipeline; return its scans and the wall time."""
    import threading

    scans: list[ScanEvent] = []
    done = threading.Event()

    def listener(event):
        if isinstance(event, ScanEvent):
            scans.append(event)
        elif isinstance(event, StoppedEvent):
            done.set()

    start = time.perf_counter()
    pipeline = CameraPipeline(path, listener, pace="lockstep", decoder=FrameDecoder(), confirmer=ScanConfirmer())
    pipeline.start()
    done.wait(300)
    pipeline.join(10)
    return scans, time.perf_counter() - start


def frame_success(frames: list[np.ndarray], decode, expected: str, first: int, last: int) -> bool:
    """True if ``decode`` reads the expected text on at least two frames while the label is whole in view,
    which is what the station needs to accept a scan."""
    hits = 0
    for number in range(first, last + 1):
        if any(c.text == expected for c in decode(frames[number - 1])):
            hits += 1
    return hits >= 2


def main() -> None:
    cv2.setNumThreads(1)  # measure one core: OpenCV would otherwise spread resize/convert over all cores
    print("## Decoding\n")
    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), platform.processor())
    versions = (f"Python {platform.python_version()}, zxing-cpp {_version('zxing-cpp')}, pyzbar "
                f"{_version('pyzbar')}, OpenCV {cv2.__version__}, numpy {np.__version__}")
    print(f"Measured {dt.date.today().isoformat()} on {cpu_model}, {len(_cores())} cores, {platform.system()}; "
          f"{versions}. Script: `python benchmarks/bench_decode.py` (OpenCV limited to one thread).\n")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("### Throughput on one core\n")
        print("Frames of an EAN-13 clip (label crossing a noisy frame), decoded one after another.\n")
        print("| size | decoder | frames/s | median ms/frame | CPU time / wall time |")
        print("|---|---|---|---|---|")
        for size in SIZES:
            path, _, _, _ = hold_clip(folder, "throughput", CODES["EAN-13"], size, seed=7)
            frames = read_frames(path)
            station = FrameDecoder()
            for label, decode in (("pyzbar alone", zbar_alone), ("zxing-cpp alone", zxing_alone),
                                  ("station FrameDecoder", station.decode)):
                fps, median_ms, cpu_share = measure_throughput(frames, decode)
                print(f"| {size[0]}x{size[1]} | {label} | {fps:.0f} | {median_ms:.1f} | {cpu_share:.2f} |")

        print("\n### Time from a code entering the frame to the scan\n")
        print("The label slides in over 1 s, motion-blurred, and is then held still. The table counts frames "
              "from the first held frame to the frame whose decoding confirmed the scan (the second matching "
              "read), and gives that count at 30 fps. A negative count means the scan came before the hold.\n")
        print("| size | symbology | frames to scan | time at 30 fps |")
        print("|---|---|---|---|")
        for size in SIZES:
            for name, code in CODES.items():
                path, _, _, held = hold_clip(folder, "latency", code, size, seed=11)
                scans, _ = run_pipeline_on(path)
                right = [s for s in scans if s.code.text == code.expected_text]
                if right:
                    frames_to_scan = right[0].frame_index - held
                    print(f"| {size[0]}x{size[1]} | {name} | {frames_to_scan} | {frames_to_scan * 1000 / 30:.0f} ms |")
                else:
                    print(f"| {size[0]}x{size[1]} | {name} | not scanned | - |")

        print(f"\n### Success rate per symbology (code in view for about {HOLD_SECONDS:.0f} s)\n")
        print("Five clips per symbology and size (different backgrounds, noise and label heights in the frame). A clip "
              "counts for a decoder alone when it read the code on two frames while the label was whole in "
              "view; for the station when its pipeline emitted the right scan. Wrong scans are counted too.\n")
        print("| size | symbology | pyzbar alone | zxing-cpp alone | station pipeline | wrong scans |")
        print("|---|---|---|---|---|---|")
        for size in SIZES:
            for name, code in CODES.items():
                zbar_ok = zxing_ok = station_ok = wrong = 0
                clips = 5
                for seed in range(clips):
                    path, first, last, _ = hold_clip(folder, "rate", code, size, seed=100 + seed)
                    frames = read_frames(path)
                    zbar_ok += frame_success(frames, zbar_alone, code.expected_text, first, last)
                    zxing_ok += frame_success(frames, zxing_alone, code.expected_text, first, last)
                    scans, _ = run_pipeline_on(path)
                    station_ok += any(s.code.text == code.expected_text for s in scans)
                    wrong += sum(s.code.text != code.expected_text for s in scans)
                print(f"| {size[0]}x{size[1]} | {name} | {zbar_ok}/{clips} | {zxing_ok}/{clips} | "
                      f"{station_ok}/{clips} | {wrong} |")


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _cores() -> list[int]:
    import os

    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    zxingcpp.BarcodeFormat  # noqa: B018 - fail early if the wheel is missing
    main()
