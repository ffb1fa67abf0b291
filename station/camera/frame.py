"""Fast decoding of camera frames, and the rule that turns per-frame reads into scans.

A frame must cost well under 33 ms at 1920x1080 on one core. So ``FrameDecoder`` runs zxing-cpp on every
frame, with the camera formats and without rotation or inversion. pyzbar is slower but better at blurred
EAN/UPC, so it runs only on regions where zxing-cpp found a 1D code it could not decode, and on a
half-size copy every few frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from station.camera.decoded import LINEAR_FORMATS, ZXING_FORMATS, DecodedCode
from station.camera.decoders import (
    CAMERA_FORMATS,
    DecodeHook,
    code_from_zbar,
    code_from_zxing,
    merge_reads,
    read_zbar,
    read_zxing,
    to_gray,
)


class FrameDecoder:
    """Decode camera frames with the fast restricted settings.

    ``hook(decoder_name)`` is called on the decoding thread right before each decoder call, with
    ``"zxing"`` or ``"zbar"``. Tests use it to check where and how often decoding runs.
    """

    def __init__(
        self,
        formats: Sequence[zxingcpp.BarcodeFormat] = CAMERA_FORMATS,
        *,
        zbar_every: int = 3,
        zbar_scale: float = 0.5,
        hook: DecodeHook | None = None,
    ) -> None:
        if zbar_every < 0:
            raise ValueError(f"zbar_every must be 0 (never) or a positive frame count, not {zbar_every}")
        self.formats = tuple(formats)
        self.zbar_every = zbar_every
        self.zbar_scale = zbar_scale
        self.hook = hook
        self._frames = 0

    def decode(self, frame: np.ndarray) -> list[DecodedCode]:
        """Return the codes read in one BGR or grayscale frame (not yet confirmed by a second read)."""
        gray = to_gray(frame)
        self._frames += 1
        self._call_hook("zxing")
        reads: list[DecodedCode] = []
        failed_linear_regions = []
        for barcode in read_zxing(gray, self.formats, thorough=False, return_errors=True):
            if barcode.valid:
                reads.append(code_from_zxing(barcode))
            elif ZXING_FORMATS.get(barcode.format.name) in LINEAR_FORMATS:
                failed_linear_regions.append(barcode.position)

        for position in failed_linear_regions:
            reads.extend(self._zbar_region(gray, position))

        has_linear = any(code.format in LINEAR_FORMATS for code in reads)
        if self.zbar_every and not has_linear and self._frames % self.zbar_every == 0:
            reads.extend(self._zbar_scaled(gray))
        return merge_reads(reads)

    def _zbar_region(self, gray: np.ndarray, position: zxingcpp.Position) -> list[DecodedCode]:
        """Run pyzbar on the box around a 1D code that zxing-cpp located but could not decode."""
        points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
        xs = [p.x for p in points]
        ys = [p.y for p in points]
        width = max(xs) - min(xs)
        # A zxing-cpp 1D position spans the scanned rows only, so widen it to take in the whole bar height.
        margin_x = max(16, width // 4)
        margin_y = max(24, width // 2)
        height, full_width = gray.shape[:2]
        left, right = max(0, min(xs) - margin_x), min(full_width, max(xs) + margin_x)
        top, bottom = max(0, min(ys) - margin_y), min(height, max(ys) + margin_y)
        if right - left < 8 or bottom - top < 8:
            return []
        self._call_hook("zbar")
        crop = np.ascontiguousarray(gray[top:bottom, left:right])
        codes = (code_from_zbar(result, 1.0, (left, top)) for result in read_zbar(crop))
        return [code for code in codes if code is not None]

    def _zbar_scaled(self, gray: np.ndarray) -> list[DecodedCode]:
        scale = self.zbar_scale
        small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        self._call_hook("zbar")
        codes = (code_from_zbar(result, scale) for result in read_zbar(small))
        return [code for code in codes if code is not None]

    def _call_hook(self, decoder: str) -> None:
        if self.hook is not None:
            self.hook(decoder)


@dataclass
class _Sighting:
    code: DecodedCode
    reads: int
    last_frame: int
    accepted: bool = False


class ScanConfirmer:
    """Turn per-frame reads into scans: a code counts after ``confirm_reads`` matching reads, then once
    only while it stays in view.

    zxing-cpp misread one EAN-13 as another valid number on about 6 % of webcam frames (measured on a
    2-core Debian 12 machine with zxing-cpp 3.1.1), so one read is not enough. A code that has been
    absent for ``forget_after`` consecutive frames is forgotten, so showing it again scans it again.
    Unconfirmed reads older than that are forgotten too, so two misreads far apart do not add up.
    """

    def __init__(self, confirm_reads: int = 2, forget_after: int = 15) -> None:
        if confirm_reads < 1 or forget_after < 1:
            raise ValueError("confirm_reads and forget_after must be at least 1")
        self.confirm_reads = confirm_reads
        self.forget_after = forget_after
        self._sightings: dict[str, _Sighting] = {}

    def update(self, frame_index: int, codes: Sequence[DecodedCode]) -> list[DecodedCode]:
        """Record the reads of frame ``frame_index`` (increasing, gaps allowed) and return the codes
        that became scans in this frame."""
        for key, sighting in list(self._sightings.items()):
            if frame_index - sighting.last_frame > self.forget_after:
                del self._sightings[key]

        accepted = []
        for code in codes:
            known = self._sightings.get(code.key)
            if known is None:
                known = self._sightings[code.key] = _Sighting(code, 0, frame_index)
            sighting = known
            if sighting.last_frame != frame_index or sighting.reads == 0:
                sighting.reads += 1
            sighting.last_frame = frame_index
            sighting.code = code
            if not sighting.accepted and sighting.reads >= self.confirm_reads:
                sighting.accepted = True
                accepted.append(code)
        return accepted

    def reset(self) -> None:
        self._sightings.clear()
