"""The codes on the printable scanner test sheet, and the text a correctly set up scanner sends for each.

The sheet (``station.labels.test_sheet``) and the scanner check (``station.codes.scanner_check``) both read
``SHEET_CODES``, so the check can judge every code printed on the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

GS = "\x1d"  # ASCII group separator: ends a variable-length GS1 field (FNC1 in the symbol)


def mark_for_translation(text: str) -> str:
    """Return ``text`` unchanged, marking it as a source string to translate with ``tr()`` when shown.

    The sheet texts are module constants, so calling ``tr()`` here would freeze the language at import.
    """
    return text


@dataclass(frozen=True)
class SheetCode:
    """One barcode on the test sheet.

    ``content`` is what is encoded, with GS1 element strings in the bracketed form ``(01)...(10)...``.
    ``expected_text`` is what a correctly set up scanner types, without AIM identifier and suffix, with
    GS where a variable-length GS1 field ends. ``purpose`` and ``fault_example`` are English source texts
    for ``tr()``.
    """

    key: str  # stable identifier, such as "upc-a"
    name: str  # symbology name printed on the sheet, such as "UPC-A"
    barcode_format: str  # zxingcpp.BarcodeFormat member name, such as "UPCA" or "DataMatrix"
    content: str
    expected_text: str
    aim_identifiers: tuple[str, ...]  # AIM symbology identifiers a scanner may send for this code
    purpose: str
    fault_example: str
    gs1: bool = False
    module_scale: int = 4  # printed pixels per module at 300 dpi: 4 is 0.34 mm, 8 is 0.68 mm

    @property
    def human_readable(self) -> str:
        """The content as printed under the code, with GS shown as ``<GS>``."""
        return self.content.replace(GS, "<GS>")


# Mixed case, digits and the symbols that move between keyboard layouts: the AZERTY layout swaps a/q and
# z/w and types the unshifted digit row as symbols, QWERTZ swaps y/z, and Caps Lock inverts the case.
MIXED_TEXT = "Qa7-Zy/Mw.x_3"

SHEET_CODES: tuple[SheetCode, ...] = (
    SheetCode(
        key="upc-a",
        name="UPC-A",
        barcode_format="UPCA",
        content="712345678904",
        expected_text="712345678904",
        aim_identifiers=("]E0",),
        purpose=mark_for_translation("12 digits with check digit 4; tests that the check digit is sent"),
        fault_example=mark_for_translation("71234567890 (11 digits): the scanner strips the check digit"),
    ),
    SheetCode(
        key="upc-e",
        name="UPC-E",
        barcode_format="UPCE",
        content="04252614",
        expected_text="04252614",
        aim_identifiers=("]E0",),
        purpose=mark_for_translation(
            "8 digits, the short form of UPC-A 042100005264; tests that UPC-E is enabled and sent whole"
        ),
        fault_example=mark_for_translation(
            "0425261 or 425261: the scanner strips the check digit or the number system digit"
        ),
    ),
    SheetCode(
        key="ean-13",
        name="EAN-13",
        barcode_format="EAN13",
        content="4006381333931",
        expected_text="4006381333931",
        aim_identifiers=("]E0",),
        purpose=mark_for_translation("13 digits with check digit 1; tests that the check digit is sent"),
        fault_example=mark_for_translation("400638133393 (12 digits): the scanner strips the check digit"),
    ),
    SheetCode(
        key="ean-8",
        name="EAN-8",
        barcode_format="EAN8",
        content="96385074",
        expected_text="96385074",
        aim_identifiers=("]E4",),
        purpose=mark_for_translation("8 digits with check digit 4; tests that EAN-8 is enabled"),
        fault_example=mark_for_translation("9638507 (7 digits): the scanner strips the check digit"),
    ),
    SheetCode(
        key="gs1-128",
        name="GS1-128",
        barcode_format="Code128",
        content="(01)10366302300017(10)A7b-2(17)270630(21)SN0042",
        expected_text=f"011036630230001710A7b-2{GS}1727063021SN0042",
        aim_identifiers=("]C1",),
        purpose=mark_for_translation(
            "GTIN, a 5-character lot, expiry and serial; tests that the GS after the lot arrives"
        ),
        fault_example=mark_for_translation(
            "no GS between A7b-2 and 17: the lot would read as A7b-217270630..."
        ),
        gs1=True,
    ),
    SheetCode(
        key="gs1-datamatrix",
        name="GS1 DataMatrix",
        barcode_format="DataMatrix",
        content="(01)09506000134352(10)Lot.x/2024-0017(21)a1B2c3(17)280229",
        expected_text=f"010950600013435210Lot.x/2024-0017{GS}21a1B2c3{GS}17280229",
        aim_identifiers=("]d2",),
        purpose=mark_for_translation(
            "GTIN, a 16-character lot, a serial and expiry; tests 2D reading and both GS separators"
        ),
        fault_example=mark_for_translation(
            "nothing arrives: the scanner cannot read DataMatrix; no GS: the lot swallows the serial"
        ),
        gs1=True,
        module_scale=8,
    ),
    SheetCode(
        key="code-128-text",
        name="Code 128",
        barcode_format="Code128",
        content=MIXED_TEXT,
        expected_text=MIXED_TEXT,
        aim_identifiers=("]C0",),
        purpose=mark_for_translation(
            "mixed-case text with symbols; tests the keyboard layout, Caps Lock and key speed"
        ),
        fault_example=mark_for_translation(
            "qA7-zY/mW.X_3: Caps Lock is on; Aqè)Wy!?z:x°\": the computer uses a French (AZERTY) layout"
        ),
    ),
)


def sheet_code(key: str) -> SheetCode:
    """Return the sheet code with ``key``. Raise KeyError if the sheet has none."""
    for code in SHEET_CODES:
        if code.key == key:
            return code
    raise KeyError(key)
