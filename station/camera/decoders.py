"""Thin wrappers around zxing-cpp and pyzbar that return ``DecodedCode`` objects.

Both libraries release the GIL while they decode, so calling them from a worker thread keeps the GUI
thread responsive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from station.camera.decoded import (
    EAN_UPC_FORMATS,
    ZBAR_FORMATS,
    ZXING_FORMATS,
    DecodedCode,
    Point,
    check_digit_valid,
    gtin14,
    normalize_ean_upc,
)

Fmt = zxingcpp.BarcodeFormat
Sym = pyzbar.ZBarSymbol

# Every format a pharmacy label or package may carry, for still images.
STILL_FORMATS: tuple[zxingcpp.BarcodeFormat, ...] = (
    Fmt.EAN13, Fmt.EAN8, Fmt.UPCA, Fmt.UPCE, Fmt.Code128, Fmt.Code39, Fmt.Code93, Fmt.Codabar, Fmt.ITF,
    Fmt.DataBar, Fmt.DataBarExp, Fmt.DataBarLtd, Fmt.DataMatrix, Fmt.QRCode, Fmt.MicroQRCode, Fmt.PDF417,
    Fmt.Aztec,
)

# The formats expected on packages in front of the camera. Fewer formats make a frame cheaper to decode.
CAMERA_FORMATS: tuple[zxingcpp.BarcodeFormat, ...] = (
    Fmt.EAN13, Fmt.EAN8, Fmt.UPCA, Fmt.UPCE, Fmt.Code128, Fmt.Code39, Fmt.ITF, Fmt.DataBar, Fmt.DataBarExp,
    Fmt.DataMatrix, Fmt.QRCode,
)

# pyzbar is the 1D second opinion: it cannot read DataMatrix, and with every symbol on it misreads empty
# frames. UPC-A and UPC-E are listed so that pyzbar does not report them as EAN-13.
ZBAR_SYMBOLS: tuple[pyzbar.ZBarSymbol, ...] = (
    Sym.EAN13, Sym.EAN8, Sym.UPCA, Sym.UPCE, Sym.CODE128, Sym.CODE39, Sym.I25,
)

DecodeHook = Callable[[str], None]


def to_gray(image: np.ndarray) -> np.ndarray:
    """Return a contiguous 8-bit grayscale copy or view of a BGR, BGRA or grayscale image."""
    if image.dtype != np.uint8:
        image = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    elif image.ndim == 3 and image.shape[2] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    elif image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    return np.ascontiguousarray(image)


def read_zxing(
    gray: np.ndarray,
    formats: Sequence[zxingcpp.BarcodeFormat],
    *,
    thorough: bool,
    binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
    return_errors: bool = False,
) -> list[zxingcpp.Barcode]:
    """Run zxing-cpp with raw text (GS as a control character). ``thorough`` also searches for rotated
    and inverted codes, which costs several times more per frame."""
    return zxingcpp.read_barcodes(
        gray,
        formats=list(formats),
        try_rotate=thorough,
        try_invert=thorough,
        try_downscale=True,
        text_mode=zxingcpp.TextMode.Plain,
        binarizer=binarizer,
        return_errors=return_errors,
    )


def code_from_zxing(barcode: zxingcpp.Barcode, scale: float = 1.0, offset: Point = (0, 0)) -> DecodedCode:
    """Convert a zxing-cpp result; ``scale`` and ``offset`` map its corners back to the caller's image."""
    position = barcode.position
    corners = tuple(
        _map_point(point.x, point.y, scale, offset)
        for point in (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    )
    format_name = ZXING_FORMATS.get(barcode.format.name, barcode.format.name)
    data = bytes(barcode.bytes)
    text = barcode.text
    if barcode.content_type == zxingcpp.ContentType.Binary:
        text = ""
    if format_name in EAN_UPC_FORMATS:
        text, format_name = normalize_ean_upc(text, format_name)
        data = text.encode("ascii")
    return DecodedCode(
        text=text,
        data=data,
        format=format_name,
        symbology=barcode.symbology_identifier,
        position=corners,  # type: ignore[arg-type]
        decoder="zxing",
    )


def read_zbar(gray: np.ndarray, symbols: Sequence[pyzbar.ZBarSymbol] = ZBAR_SYMBOLS) -> list[pyzbar.Decoded]:
    return pyzbar.decode(gray, symbols=list(symbols))


def code_from_zbar(result: pyzbar.Decoded, scale: float = 1.0, offset: Point = (0, 0)) -> DecodedCode | None:
    """Convert a pyzbar result, or return None for an EAN/UPC whose check digit is wrong."""
    format_name, symbology = ZBAR_FORMATS.get(result.type, (result.type, "]X0"))
    data = bytes(result.data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if format_name in EAN_UPC_FORMATS:
        text, format_name = normalize_ean_upc(text, format_name)
        if not check_digit_valid(gtin14(text, format_name)):
            return None
        data = text.encode("ascii")
    points = [(p.x, p.y) for p in result.polygon] or [
        (result.rect.left, result.rect.top),
        (result.rect.left + result.rect.width, result.rect.top + result.rect.height),
    ]
    corners = tuple(_map_point(x, y, scale, offset) for x, y in _box_corners(points))
    return DecodedCode(
        text=text,
        data=data,
        format=format_name,
        symbology=symbology,
        position=corners,  # type: ignore[arg-type]
        decoder="zbar",
    )


def merge_reads(reads: Iterable[DecodedCode]) -> list[DecodedCode]:
    """Merge reads of the same code, keeping zxing-cpp's version (its AIM identifier distinguishes GS1-128
    from Code 128) and marking it ``both`` when the two decoders agree. Keeps the order of first reads."""
    merged: dict[str, DecodedCode] = {}
    for code in reads:
        known = merged.get(code.key)
        if known is None:
            merged[code.key] = code
        elif known.decoder != code.decoder and "both" not in (known.decoder, code.decoder):
            preferred = known if known.decoder == "zxing" else code
            merged[code.key] = preferred.with_decoder("both")
    return list(merged.values())


def _map_point(x: float, y: float, scale: float, offset: Point) -> Point:
    return (round(x / scale + offset[0]), round(y / scale + offset[1]))


def _box_corners(points: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Return the corners of the smallest rotated rectangle around ``points``: top-left, top-right,
    bottom-right, bottom-left."""
    box = cv2.boxPoints(cv2.minAreaRect(np.array(points, dtype=np.float32)))
    sums = box.sum(axis=1)
    diffs = box[:, 0] - box[:, 1]
    order = (int(np.argmin(sums)), int(np.argmax(diffs)), int(np.argmax(sums)), int(np.argmin(diffs)))
    return [(float(box[i][0]), float(box[i][1])) for i in order]
