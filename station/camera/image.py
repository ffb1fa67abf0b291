"""Decoding still images (files, dropped pictures) as thoroughly as the two decoders allow.

Each image is decoded several times: as it is, scaled, sharpened, contrast-equalized and thresholded,
with zxing-cpp (two binarizers) and pyzbar. A code counts when the plain attempt read it, or when two
attempts read the same content, so a single odd read of a preprocessed copy is not reported.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from station.camera.decoded import EAN_UPC_FORMATS, LINEAR_FORMATS, DecodedCode
from station.camera.decoders import (
    STILL_FORMATS,
    code_from_zbar,
    code_from_zxing,
    merge_reads,
    read_zbar,
    read_zxing,
    to_gray,
)
from station.i18n import tr

log = logging.getLogger(__name__)

# Images larger than this (longest side, pixels) are decoded from a downscaled copy too, because phone
# photos of 4000 px make every attempt slow while codes in them are rarely smaller than 1/3 of the width.
MAX_SIDE = 2400


class ImageReadError(Exception):
    """An image file could not be read; the message names the file and the reason."""


def load_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file into a BGR or grayscale array; raise ImageReadError naming the file and why."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImageReadError(tr("{file}: file not found: check the path").format(file=path)) from None
    except IsADirectoryError:
        message = tr("{file}: is a folder, not an image file: name an image file in it")
        raise ImageReadError(message.format(file=path)) from None
    except OSError as exc:
        message = tr("{file}: cannot be read ({reason}): check that you may read the file")
        raise ImageReadError(message.format(file=path, reason=exc.strerror)) from None
    try:
        image = cv2.imdecode(np.frombuffer(raw, dtype=np.uint8), cv2.IMREAD_UNCHANGED) if raw else None
    except cv2.error:
        # OpenCV refuses images above CV_IO_MAX_IMAGE_PIXELS (2**30 pixels) instead of decoding them.
        raise ImageReadError(
            tr("{file}: the image is too large or damaged to decode: use a photo under 30 megapixels").format(
                file=path)
        ) from None
    if image is None:
        image = _load_with_pillow(path)
    if image is None:
        raise ImageReadError(
            tr("{file}: not an image in a known format: save it as PNG, JPEG, WebP, BMP, TIFF or GIF").format(file=path)
        )
    return image


def _load_with_pillow(path: Path) -> np.ndarray | None:
    """Read formats OpenCV lacks (GIF, some TIFF variants) with Pillow; return None if it cannot."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as picture:
            return np.array(picture.convert("L"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


@dataclass
class _Candidate:
    code: DecodedCode
    hits: int = 0
    in_plain_attempt: bool = False
    decoders: set[str] = field(default_factory=set)


def decode_image(image: np.ndarray | str | os.PathLike[str]) -> list[DecodedCode]:
    """Decode every code in a still image with the thorough settings of both decoders.

    ``image`` is a BGR/BGRA/grayscale array or a path. Positions refer to the given image's pixels.
    Raises ImageReadError when a path cannot be read as an image.
    """
    array = image if isinstance(image, np.ndarray) else load_image(image)
    gray = to_gray(array)
    candidates: dict[str, _Candidate] = {}

    for name, variant, scale in _variants(gray):
        plain = name == "plain"
        binarizers = [zxingcpp.Binarizer.LocalAverage]
        if not plain:
            binarizers.append(zxingcpp.Binarizer.GlobalHistogram)
        for binarizer in binarizers:
            for barcode in read_zxing(variant, STILL_FORMATS, thorough=True, binarizer=binarizer):
                _count(candidates, code_from_zxing(barcode, scale), plain)
        for result in read_zbar(variant):
            code = code_from_zbar(result, scale)
            if code is not None:
                _count(candidates, code, plain)

    accepted = [c for c in candidates.values() if _is_confirmed(c)]
    accepted = _drop_conflicting_reads(accepted)
    return merge_reads(_with_decoders(c) for c in accepted)


def _is_confirmed(candidate: _Candidate) -> bool:
    """Accept what the plain attempt read, and a read of a preprocessed copy only when it repeats.

    An EAN/UPC check digit catches only 9 in 10 misreads, and on the reference photos the wrong EAN/UPC
    reads of preprocessed copies came up at most twice from one decoder, so those need three reads or
    both decoders. Other formats carry stronger checks (Code 128 checksum, Reed-Solomon) and need two.
    """
    if candidate.in_plain_attempt or len(candidate.decoders) > 1:
        return True
    if candidate.code.format in EAN_UPC_FORMATS:
        return candidate.hits >= 3
    return candidate.hits >= 2


def _count(candidates: dict[str, _Candidate], code: DecodedCode, plain: bool) -> None:
    candidate = candidates.setdefault(code.key, _Candidate(code))
    candidate.hits += 1
    candidate.in_plain_attempt |= plain
    candidate.decoders.add(code.decoder)
    if code.decoder == "zxing" and candidate.code.decoder != "zxing":
        candidate.code = code  # only zxing-cpp's AIM identifier distinguishes GS1-128 (]C1) from Code 128 (]C0)


def _with_decoders(candidate: _Candidate) -> DecodedCode:
    if len(candidate.decoders) > 1:
        return candidate.code.with_decoder("both")
    return candidate.code


def _drop_conflicting_reads(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep one read per place for 1D codes: where two reads of the same family overlap, keep the one
    that more decoders and more attempts agree on.

    Two different contents cannot both come from one printed 1D code, and the weaker read is typically
    a misread: pyzbar reading half of a blurred UPC-A as an EAN-8, or Latin-1 Code 128 content without
    its high bit. Matrix codes are left alone, since Reed-Solomon makes such misreads rare.
    """
    ranked = sorted(candidates, key=lambda c: (len(c.decoders), c.in_plain_attempt, c.hits), reverse=True)
    kept: list[_Candidate] = []
    for candidate in ranked:
        family = _family(candidate.code.format)
        if family is not None and any(
            _family(other.code.format) == family and _overlap(candidate.code, other.code) for other in kept
        ):
            log.debug("dropped a %s read that overlaps a stronger read", candidate.code.format)
            continue
        kept.append(candidate)
    order = {id(c): i for i, c in enumerate(candidates)}
    return sorted(kept, key=lambda c: order[id(c)])


def _family(format_name: str) -> str | None:
    if format_name in EAN_UPC_FORMATS:
        return "EAN/UPC"
    if format_name in LINEAR_FORMATS:
        return format_name
    return None


def _overlap(first: DecodedCode, second: DecodedCode) -> bool:
    a = _box(first)
    b = _box(second)
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _box(code: DecodedCode) -> tuple[float, float, float, float]:
    """Return the code's bounding box widened by 10 % of its width, because a 1D position from zxing-cpp
    can be a thin line across the bars."""
    xs = [p[0] for p in code.position]
    ys = [p[1] for p in code.position]
    margin = max(4.0, (max(xs) - min(xs)) * 0.1)
    return (min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)


def _variants(gray: np.ndarray) -> Iterator[tuple[str, np.ndarray, float]]:
    """Yield (name, image, scale) for each preprocessed copy; ``scale`` maps its pixels to ``gray``'s."""
    yield "plain", gray, 1.0

    base, base_scale = gray, 1.0
    longest = max(gray.shape[:2])
    if longest > MAX_SIDE:
        base_scale = MAX_SIDE / longest
        base = cv2.resize(gray, None, fx=base_scale, fy=base_scale, interpolation=cv2.INTER_AREA)
        yield "fit", base, base_scale

    if min(gray.shape[:2]) < 40:
        return
    yield "half", cv2.resize(base, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA), base_scale * 0.5
    if longest * 1.5 <= MAX_SIDE:
        yield "enlarged", cv2.resize(base, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC), base_scale * 1.5
    if longest * 2 <= MAX_SIDE:
        yield "doubled", cv2.resize(base, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC), base_scale * 2.0

    blurred = cv2.GaussianBlur(base, (0, 0), 2.0)
    yield "sharpened", cv2.addWeighted(base, 1.8, blurred, -0.8, 0), base_scale
    yield "equalized", cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(base), base_scale
    yield "smoothed", cv2.GaussianBlur(base, (0, 0), 1.0), base_scale
    yield "median", cv2.medianBlur(base, 3), base_scale
    yield "adaptive", cv2.adaptiveThreshold(
        base, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 5
    ), base_scale
    yield "otsu", cv2.threshold(base, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1], base_scale
