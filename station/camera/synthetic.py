"""Synthetic camera clips: real barcodes pasted on a label that moves across a noisy frame.

Tests and benchmarks play these clips in place of a webcam, and a demo without a camera can too. The codes
are rendered by zxing-cpp's writer, so they are real symbols. The clip adds sensor noise, defocus blur,
motion blur along the direction of travel and MJPG compression.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

Fmt = zxingcpp.BarcodeFormat


@dataclass(frozen=True)
class ClipCode:
    """A code to render: ``content`` as zxing-cpp's writer takes it (GS1 with AIs in parentheses when
    ``gs1`` is set) and ``expected_text`` as the station must report it."""

    content: str
    format: zxingcpp.BarcodeFormat
    expected_text: str
    gs1: bool = False
    module_pixels: int = 3


@dataclass(frozen=True)
class ClipInfo:
    """Frame range of the label in a written clip. Frame numbers count from 1, as the pipeline's do."""

    path: str
    frames: int
    fps: float
    first_full_view: int  # first frame that shows the whole label
    last_full_view: int  # last frame that shows the whole label
    first_held: int | None = None  # first frame of the hold, if the clip has one


def render_code(code: ClipCode) -> np.ndarray:
    """Return a grayscale image of the code with its quiet zone, on a white label with a margin."""
    if code.gs1:
        barcode = zxingcpp.create_barcode(code.content, code.format, gs1=True)
    else:
        barcode = zxingcpp.create_barcode(code.content, code.format)
    symbol = np.array(zxingcpp.write_barcode_to_image(barcode, scale=code.module_pixels))
    if symbol.ndim == 3:
        symbol = cv2.cvtColor(symbol, cv2.COLOR_RGB2GRAY)
    margin = 12
    label = np.full((symbol.shape[0] + 2 * margin, symbol.shape[1] + 2 * margin), 245, dtype=np.uint8)
    label[margin:-margin, margin:-margin] = symbol
    if code.format in (Fmt.EAN13, Fmt.EAN8, Fmt.UPCA, Fmt.UPCE, Fmt.Code128, Fmt.Code39, Fmt.ITF):
        # Stretch 1D codes to at least 30 modules of bar height, as printed labels have.
        height = max(label.shape[0], 60 * code.module_pixels // 2)
        label = cv2.resize(label, (label.shape[1], height), interpolation=cv2.INTER_NEAREST)
    return label


def background(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """Return a textured BGR background: smooth blotches plus fine grain, like a desk under a lamp."""
    coarse = rng.integers(60, 180, size=(height // 40 + 1, width // 40 + 1), dtype=np.uint8)
    smooth = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    grain = rng.normal(0, 6, size=(height, width))
    gray = np.clip(smooth + grain, 0, 255).astype(np.uint8)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def write_clip(
    path: str | os.PathLike[str],
    code: ClipCode,
    *,
    width: int = 1280,
    height: int = 720,
    fps: float = 30.0,
    lead_in: int = 10,
    travel_frames: int = 90,
    tail: int = 10,
    blur_sigma: float = 1.0,
    noise_sigma: float = 8.0,
    exposure: float = 0.2,
    hold_frames: int = 0,
    seed: int = 1,
) -> ClipInfo:
    """Write an MJPG .avi in which the label enters from the left, crosses the frame and leaves.

    The label moves by a constant step per frame over ``travel_frames`` frames, after ``lead_in``
    empty frames and followed by ``tail`` empty frames. Motion blur spans ``exposure`` times the step,
    as with a shutter open for that fraction of the frame time. With ``hold_frames``, the label stops
    in the middle of the frame for that many frames and shakes by up to 2 pixels, as in a hand.
    """
    rng = np.random.default_rng(seed)
    cv2.setRNGSeed(seed)  # the per-frame noise comes from OpenCV's generator, which is much faster
    label = render_code(code)
    label_h, label_w = label.shape[:2]
    if label_w >= width or label_h >= height:
        raise ValueError(f"label of {label_w}x{label_h} px does not fit a {width}x{height} frame")
    base = background(width, height, rng)
    top = (height - label_h) // 2 + int(rng.integers(-40, 41))
    start_x = -label_w
    step = (width + label_w) / travel_frames

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise OSError(f"OpenCV cannot write an MJPG video to {path}")
    positions = _label_positions(start_x, step, travel_frames, hold_frames, (width - label_w) // 2, rng)
    total = lead_in + len(positions) + tail
    full_view = []
    first_held = None
    kernel_length = max(1, int(step * exposure))
    motion_kernel = np.zeros((1, kernel_length), dtype=np.float32)
    motion_kernel[0, :] = 1.0 / kernel_length
    try:
        for number in range(1, total + 1):
            frame = base.copy()
            moving = number - lead_in - 1
            held = False
            if 0 <= moving < len(positions):
                x, dy, held = positions[moving]
                if held and first_held is None:
                    first_held = number
                _paste(frame, label, x, top + dy)
                if 0 <= x and x + label_w <= width:
                    full_view.append(number)
            if kernel_length > 1 and not held:
                frame = cv2.filter2D(frame, -1, motion_kernel)
            if blur_sigma > 0:
                frame = cv2.GaussianBlur(frame, (0, 0), blur_sigma)
            writer.write(_add_noise(frame, noise_sigma))
    finally:
        writer.release()
    if not full_view:
        raise ValueError("the label is never fully in view; use more travel_frames")
    return ClipInfo(str(path), total, fps, full_view[0], full_view[-1], first_held)


def _label_positions(
    start_x: float, step: float, travel_frames: int, hold_frames: int, centre_x: int, rng: np.random.Generator
) -> list[tuple[int, int, bool]]:
    """Return the label's (x, vertical shake, held) per frame: travel, an optional hold at the centre,
    travel. Held frames get no motion blur."""
    travel = [int(round(start_x + i * step)) for i in range(travel_frames)]
    if hold_frames <= 0:
        return [(x, 0, False) for x in travel]
    before = [(x, 0, False) for x in travel if x < centre_x]
    after = [(x, 0, False) for x in travel if x >= centre_x]
    shake = rng.integers(-2, 3, size=(hold_frames, 2))
    held = [(centre_x + int(dx), int(dy), True) for dx, dy in shake]
    return before + held + after


def _add_noise(frame: np.ndarray, sigma: float) -> np.ndarray:
    """Return the frame with Gaussian sensor noise of ``sigma`` grey levels, the same on all channels."""
    if sigma <= 0:
        return frame
    noise = np.empty(frame.shape[:2], dtype=np.float32)
    cv2.randn(noise, 0.0, sigma)
    noisy = frame.astype(np.float32) + noise[:, :, None]
    return cv2.convertScaleAbs(noisy)


def _paste(frame: np.ndarray, label: np.ndarray, x: int, y: int) -> None:
    """Paste a grayscale label at (x, y), clipped to the frame."""
    height, width = frame.shape[:2]
    left, right = max(0, x), min(width, x + label.shape[1])
    if left >= right:
        return
    part = label[:, left - x : right - x]
    frame[y : y + label.shape[0], left:right] = part[:, :, None]
