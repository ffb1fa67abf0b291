"""The ``DecodedCode`` that image and camera decoding produce, and the rules that normalize it.

zxing-cpp 3.1 and pyzbar 0.1.9 name formats differently and write EAN/UPC content in different forms.
zxing-cpp reports a UPC-A as a 13-digit EAN-13 and expands a UPC-E to 13 digits. pyzbar reports a UPC-A as
an EAN-13 unless UPC-A is in its symbol list. This module gives both decoders' results one form, so that
the same printed code gives the same ``text`` whichever decoder read it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from typing import Any

from biip import BiipException
from biip.upc import Upc

Point = tuple[int, int]

GS = "\x1d"

# Format names of DecodedCode.format, keyed by zxing-cpp's BarcodeFormat member name.
ZXING_FORMATS = {
    "EAN13": "EAN13",
    "EAN8": "EAN8",
    "UPCA": "UPCA",
    "UPCE": "UPCE",
    "Code128": "Code128",
    "Code39": "Code39",
    "Code39Std": "Code39",
    "Code39Ext": "Code39",
    "Code93": "Code93",
    "Codabar": "Codabar",
    "ITF": "ITF",
    "ITF14": "ITF",
    "DataBar": "DataBar",
    "DataBarOmni": "DataBar",
    "DataBarStk": "DataBar",
    "DataBarStkOmni": "DataBar",
    "DataBarLtd": "DataBarLimited",
    "DataBarExp": "DataBarExpanded",
    "DataBarExpStk": "DataBarExpanded",
    "DataMatrix": "DataMatrix",
    "QRCode": "QRCode",
    "QRCodeModel1": "QRCode",
    "QRCodeModel2": "QRCode",
    "MicroQRCode": "MicroQRCode",
    "RMQRCode": "RMQRCode",
    "PDF417": "PDF417",
    "CompactPDF417": "PDF417",
    "MicroPDF417": "MicroPDF417",
    "Aztec": "Aztec",
    "AztecCode": "Aztec",
    "MaxiCode": "MaxiCode",
}

# (format name, AIM symbology identifier) keyed by the pyzbar ZBarSymbol name. pyzbar 0.1.9 does not
# report whether a Code 128 started with FNC1, so its Code 128 reads carry ]C0 even for GS1-128.
ZBAR_FORMATS = {
    "EAN13": ("EAN13", "]E0"),
    "EAN8": ("EAN8", "]E4"),
    "UPCA": ("UPCA", "]E0"),
    "UPCE": ("UPCE", "]E0"),
    "ISBN13": ("EAN13", "]E0"),
    "ISBN10": ("EAN13", "]E0"),
    "CODE128": ("Code128", "]C0"),
    "CODE39": ("Code39", "]A0"),
    "CODE93": ("Code93", "]G0"),
    "CODABAR": ("Codabar", "]F0"),
    "I25": ("ITF", "]I0"),
    "DATABAR": ("DataBar", "]e0"),
    "DATABAR_EXP": ("DataBarExpanded", "]e0"),
    "QRCODE": ("QRCode", "]Q1"),
    "PDF417": ("PDF417", "]L2"),
}

EAN_UPC_FORMATS = frozenset({"EAN13", "EAN8", "UPCA", "UPCE"})
LINEAR_FORMATS = frozenset(
    {"EAN13", "EAN8", "UPCA", "UPCE", "Code128", "Code39", "Code93", "Codabar", "ITF", "DataBar",
     "DataBarLimited", "DataBarExpanded"}
)


@dataclass(frozen=True)
class DecodedCode:
    """One code read from an image or a camera frame.

    ``text`` is the decoded content as a scanner would type it: GS1 separators as the GS control character
    (``\\x1d``), no parentheses around AIs, a UPC-A as 12 digits and a UPC-E as 8. ``data`` contains the raw
    bytes, which are the only content of binary codes (their ``text`` is empty). ``symbology`` is
    the AIM symbology identifier such as ``]E0``, ``]C1`` or ``]d2``. ``position`` holds the four corners
    in pixel coordinates of the decoded image: top-left, top-right, bottom-right, bottom-left as the code
    reads. ``decoder`` is ``"zxing"``, ``"zbar"`` or ``"both"``.
    """

    text: str
    data: bytes
    format: str
    symbology: str
    position: tuple[Point, Point, Point, Point]
    decoder: str

    @property
    def is_binary(self) -> bool:
        """True when the content is not text, so only ``data`` carries it."""
        return not self.text and bool(self.data)

    @property
    def key(self) -> str:
        """Identity for comparing reads: the GTIN-14 for EAN/UPC, else the content."""
        if self.format in EAN_UPC_FORMATS:
            return "gtin:" + gtin14(self.text, self.format)
        if self.is_binary:
            return "bytes:" + self.data.hex()
        return "text:" + self.text

    def with_decoder(self, decoder: str) -> DecodedCode:
        return replace(self, decoder=decoder)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object of ``scan-station decode --json`` for this code, without parsed fields."""
        result: dict[str, Any] = {
            "text": self.text,
            "format": self.format,
            "symbology": self.symbology,
            "position": [list(point) for point in self.position],
            "decoder": self.decoder,
        }
        if self.is_binary:
            result["data_base64"] = base64.b64encode(self.data).decode("ascii")
        return result


def check_digit_valid(digits: str) -> bool:
    """Return whether the last digit of a GTIN-8/12/13/14 is its GS1 mod-10 check digit."""
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return False
    body, check = digits[:-1], int(digits[-1])
    weighted = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - weighted % 10) % 10 == check


def expand_upc_e(digits: str) -> str:
    """Return the 12-digit UPC-A that an 8-digit UPC-E stands for (``digits`` unchanged if it is not one)."""
    if len(digits) != 8 or not digits.isdigit() or digits[0] not in "01":
        return digits
    try:
        return Upc.parse(digits).as_upc_a()
    except BiipException:
        return digits


def gtin14(digits: str, format_name: str | None = None) -> str:
    """Return the GTIN-14 of an EAN/UPC content, expanding an 8-digit UPC-E first.

    Without ``format_name``, 8 digits count as a UPC-E only when their check digit fails as an EAN-8.
    """
    digits = digits.strip()
    if len(digits) == 8:
        is_upc_e = format_name == "UPCE" if format_name else not check_digit_valid(digits)
        if is_upc_e:
            digits = expand_upc_e(digits)
    return digits.zfill(14)


def normalize_ean_upc(text: str, format_name: str) -> tuple[str, str]:
    """Return (text, format) in the form a scanner sends: UPC-A as 12 digits, UPC-E as 8 digits.

    An EAN-13 that starts with 0 has the same bars as the UPC-A without that 0, so it is reported as
    UPC-A. A UPC-E given in its expanded 12- or 13-digit form is compressed back to 8 digits.
    """
    text = text.strip()
    if format_name == "UPCE" and len(text) in (12, 13):
        upc_a = text[-12:]
        try:
            return Upc.parse(upc_a).as_upc_e(), "UPCE"
        except BiipException:
            return upc_a, "UPCA"
    if format_name in ("EAN13", "UPCA") and len(text) == 13 and text.startswith("0"):
        return text[1:], "UPCA"
    return text, format_name
