"""The ``Scan``: what one scanned code means, as the rest of the station consumes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class ScanKind(StrEnum):
    GS1 = "gs1"  # a GS1 element string: AIs such as (01), (10), (17), (21)
    GTIN = "gtin"  # a bare UPC-A, UPC-E, EAN-8, EAN-13 or GTIN-14
    BLEND = "blend"  # a Blend barcode value such as USER-<uuid>-<8 hex>
    TEXT = "text"  # anything else: looked up as a batch number


@dataclass(frozen=True)
class Reading:
    """One way to read an ambiguous scan, such as 'EAN-8 96385074' or 'lot 21072911, expiry 2024-05-31'."""

    description: str
    kind: ScanKind
    gtin14: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    serial: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Scan:
    """A parsed scan. ``raw`` is exactly what arrived, and ``text`` is it after the keyboard path was undone.

    A scan with ``valid=False`` must not be looked up, and ``reason`` gives the cause in words for the
    operator. A scan with ``ambiguous=True`` lists its ``readings``, and the station only takes one of them
    when exactly one matches a lot in the inventory.
    """

    raw: str
    text: str
    kind: ScanKind
    symbology: str | None = None  # AIM symbology identifier such as ]E0, ]C1, ]d2 when the scanner sent it
    valid: bool = True
    ambiguous: bool = False
    reason: str | None = None
    gtin14: str | None = None
    upc_a: str | None = None
    upc_e: str | None = None
    ean13: str | None = None
    ean8: str | None = None
    upc_inventory: str | None = None  # the UPC-A hyphenated as the Blend inventory stores it: 7-12345-67890-4
    packaging_indicator: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    best_before: dt.date | None = None
    serial: str | None = None
    count: int | None = None
    ais: dict[str, str] = field(default_factory=dict)  # every AI of a GS1 scan, keyed by AI code
    ndc10: str | None = None
    ndc11_candidates: tuple[str, ...] = ()
    blend_entity_type: str | None = None  # lower-case entity type read from a Blend barcode value's prefix
    readings: tuple[Reading, ...] = ()  # the competing readings when ambiguous
    # Weaker readings of an unambiguous scan, tried in order only when the scan itself matches nothing:
    # ``10D9T`` is first looked up as a batch number, then as GS1 (10) lot ``D9T``.
    fallbacks: tuple[Reading, ...] = ()
    warnings: tuple[str, ...] = ()
    candidates: dict[str, str] = field(default_factory=dict)  # e.g. candidate_upc_a for a check digit lost

    @property
    def may_identify_patient(self) -> bool:
        """True for Blend barcodes of patients, orders, users or prescriptions: never log their value."""
        return self.kind is ScanKind.BLEND and self.blend_entity_type not in ("inventory",)

    @property
    def loggable_text(self) -> str:
        return f"<{self.blend_entity_type or 'blend'} barcode>" if self.may_identify_patient else self.text

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object printed by ``scan-station parse --json`` (dates as ISO strings)."""
        data = asdict(self)
        data["kind"] = self.kind.value
        for name in ("expiry", "best_before"):
            if data[name] is not None:
                data[name] = data[name].isoformat()
        data["ndc11_candidates"] = list(self.ndc11_candidates)
        data["readings"] = [
            {**asdict(r), "kind": r.kind.value, "expiry": r.expiry.isoformat() if r.expiry else None}
            for r in self.readings
        ]
        data["fallbacks"] = [
            {**asdict(r), "kind": r.kind.value, "expiry": r.expiry.isoformat() if r.expiry else None}
            for r in self.fallbacks
        ]
        data["warnings"] = list(self.warnings)
        for key, value in self.candidates.items():
            data[f"candidate_{key}"] = value
        del data["candidates"]
        if self.ais.get("8200"):
            data["ai_8200"] = self.ais["8200"]
        return data
