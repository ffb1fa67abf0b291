"""The lot index: which inventory lots a scan points at.

The Blend inventory list has no UPC or batch filter, so the station loads every lot and indexes it here by
normalized GTIN-14, by the NDC a pharmacy may have stored in the lot's ``upc`` field, and by batch number.
``resolve`` applies the resolution rules to a parsed ``Scan``; it needs no network, so the same rules
serve the live inventory and the offline cache. Blend barcode values are not resolved here: they need the
verify endpoint (see ``station.inventory.service``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from station.blend.models import Lot
from station.codes.scan import Reading, Scan, ScanKind
from station.i18n import tr
from station.inventory.expiry import ExpiryState, expiry_status

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    FOUND = "found"  # exactly one lot
    SEVERAL = "several"  # several lots; the operator picks one (first-expiring first)
    BATCH_NOT_FOUND = "batch_not_found"  # GTIN known, scanned batch unknown: ``lots`` are the GTIN's lots
    NOT_FOUND = "not_found"
    INVALID = "invalid"  # the scan is unreadable for certain; it was not looked up
    CHOOSE_READING = "choose_reading"  # an ambiguous scan: the operator chooses one of ``readings``
    NOT_INVENTORY = "not_inventory"  # a Blend barcode of a patient, order, user, prescription or product
    ERROR = "error"  # the lookup failed (network, server): ``message`` gives the reason


@dataclass
class Resolution:
    outcome: Outcome
    scan: Scan
    lots: list[Lot] = field(default_factory=list)
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    reading: Reading | None = None  # the reading that was taken, for an ambiguous scan or a fallback
    readings: list[Reading] = field(default_factory=list)  # the choices, for CHOOSE_READING
    from_cache_age: float | None = None  # seconds, when the lots came from the offline cache

    @property
    def lot(self) -> Lot | None:
        return self.lots[0] if self.outcome is Outcome.FOUND and self.lots else None


def normalize_batch(batch: str | None) -> str:
    """Batch numbers compare without surrounding spaces and without case."""
    return (batch or "").strip().casefold()


def expiry_sort_key(lot: Lot) -> tuple:
    """First-expiring first; lots without a date, then inactive lots, go last."""
    expiry = lot.expiry_date
    return (not lot.is_active, expiry is None, expiry or dt.date.max, normalize_batch(lot.batch_number))


def _gtin14_of_upc(upc: str | None) -> str | None:
    from station.codes import gtin14_from_inventory_upc

    return gtin14_from_inventory_upc(upc) if upc else None


def _ndc10s_of_upc(upc: str | None) -> set[str]:
    """Return the 10-digit NDCs a lot's ``upc`` field may contain (pharmacies often store ``0409-4903-11`` there)."""
    if not upc:
        return set()
    from station.codes import ndc10_digits_from_inventory_upc

    found = ndc10_digits_from_inventory_upc(upc)
    if found is None:
        return set()
    if isinstance(found, str):
        return {found}
    return set(found)


def drug_ndc10(gtin14: str | None) -> str | None:
    """Return the NDC-10 inside a US drug GTIN-14 (indicator, then ``03``, then the NDC-10, then the check digit)."""
    if gtin14 and len(gtin14) == 14 and gtin14[1:3] == "03":
        return gtin14[3:13]
    return None


def base_unit_gtin14(gtin14: str) -> str | None:
    """Return the GTIN-14 of the base unit inside a case-level GTIN (packaging indicator 1 to 8)."""
    if len(gtin14) != 14 or gtin14[0] not in "12345678":
        return None
    body = "0" + gtin14[1:13]
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


class LotIndex:
    """Lots indexed by GTIN-14, NDC-10, batch number and id. Immutable once built: ``with_lot`` returns an
    updated copy, so a reader on another thread never gets a half-changed index."""

    def __init__(self, lots: Iterable[Lot]):
        self.lots: list[Lot] = list(lots)
        self.by_id: dict[str, Lot] = {}
        self.by_gtin: dict[str, list[Lot]] = {}
        self.by_ndc10: dict[str, list[Lot]] = {}
        self.by_batch: dict[str, list[Lot]] = {}
        for lot in self.lots:
            self._add(lot)

    def with_lot(self, lot: Lot) -> LotIndex:
        """Return a copy in which ``lot`` replaces the lot with its id, or is added. Only that lot's UPC is
        normalized again, which keeps a read-back on the scan path cheap in a large inventory."""
        copy = LotIndex([])
        copy.by_id = dict(self.by_id)
        copy.by_gtin = {key: list(value) for key, value in self.by_gtin.items()}
        copy.by_ndc10 = {key: list(value) for key, value in self.by_ndc10.items()}
        copy.by_batch = {key: list(value) for key, value in self.by_batch.items()}
        old = self.by_id.get(lot.id) if lot.id else None
        if old is None:
            copy.lots = [*self.lots, lot]
        else:
            copy.lots = [lot if existing is old else existing for existing in self.lots]
            copy._remove(old)
        copy._add(lot)
        return copy

    def _keys(self, lot: Lot) -> tuple[str | None, set[str], str | None]:
        try:
            gtin = _gtin14_of_upc(lot.upc)
            ndcs = _ndc10s_of_upc(lot.upc)
        except Exception:  # noqa: BLE001 - one odd upc value must not hide every other lot
            log.warning("lot %s: upc %r could not be normalized", lot.id, lot.upc, exc_info=True)
            gtin, ndcs = None, set()
        batch = normalize_batch(lot.batch_number) if lot.batch_number and lot.batch_number.strip() else None
        return gtin, ndcs, batch

    def _add(self, lot: Lot) -> None:
        if lot.id:
            self.by_id[lot.id] = lot
        gtin, ndcs, batch = self._keys(lot)
        if gtin:
            self.by_gtin.setdefault(gtin, []).append(lot)
        for ndc in ndcs:
            self.by_ndc10.setdefault(ndc, []).append(lot)
        if batch:
            self.by_batch.setdefault(batch, []).append(lot)

    def _remove(self, lot: Lot) -> None:
        gtin, ndcs, batch = self._keys(lot)
        for table, key in [(self.by_gtin, gtin), (self.by_batch, batch), *((self.by_ndc10, ndc) for ndc in ndcs)]:
            if key and key in table:
                table[key] = [existing for existing in table[key] if existing is not lot]
                if not table[key]:
                    del table[key]

    def __len__(self) -> int:
        return len(self.lots)

    def lots_for_gtin(self, gtin14: str) -> list[Lot]:
        """Lots whose UPC is this GTIN, or, for a drug GTIN, whose ``upc`` field contains its NDC."""
        found: dict[int, Lot] = {id(lot): lot for lot in self.by_gtin.get(gtin14, [])}
        ndc = drug_ndc10(gtin14)
        if ndc:
            for lot in self.by_ndc10.get(ndc, []):
                found.setdefault(id(lot), lot)
        return sorted(found.values(), key=expiry_sort_key)

    def lots_for_batch(self, batch: str) -> list[Lot]:
        return sorted(self.by_batch.get(normalize_batch(batch), []), key=expiry_sort_key)

    # -- resolution -------------------------------------------------------------------------------

    def resolve(self, scan: Scan) -> Resolution:
        """Apply the resolution rules to a scan that needs no network (every kind but Blend barcodes)."""
        if not scan.valid:
            return Resolution(Outcome.INVALID, scan, message=scan.reason or tr("The code could not be read."))
        if scan.ambiguous:
            return self._resolve_ambiguous(scan)
        if scan.kind is ScanKind.BLEND:
            raise ValueError("Blend barcode values resolve through the verify endpoint, not the lot index")

        result = self._resolve_fields(scan, scan.gtin14, scan.lot, scan.expiry, scan.kind)
        if result.outcome is Outcome.NOT_FOUND and scan.fallbacks:
            for reading in scan.fallbacks:
                fallback = self._resolve_fields(scan, reading.gtin14, reading.lot, reading.expiry, reading.kind)
                if fallback.outcome in (Outcome.FOUND, Outcome.SEVERAL):
                    fallback.reading = reading
                    fallback.warnings.insert(
                        0,
                        tr("No batch {text} exists, so the code was read as {reading}.").format(
                            text=scan.text, reading=reading.description
                        ),
                    )
                    return fallback
        if result.outcome is Outcome.NOT_FOUND and scan.kind is ScanKind.TEXT:
            typed = self._resolve_typed_product_code(scan)
            if typed is not None:
                return typed
        return result

    def _resolve_typed_product_code(self, scan: Scan) -> Resolution | None:
        """Resolve a UPC or NDC typed the way the inventory stores it (``7-12345-67890-4``, ``0409-4903-11``).

        Scanners never send hyphens, so this reading comes after every scanner reading and after the
        batch numbers."""
        gtin = _gtin14_of_upc(scan.text)
        if gtin:
            result = self._resolve_gtin(scan, gtin, None, None)
            return result if result.outcome is not Outcome.NOT_FOUND else None
        lots: dict[int, Lot] = {}
        for ndc in _ndc10s_of_upc(scan.text):
            for lot in self.by_ndc10.get(ndc, []):
                lots.setdefault(id(lot), lot)
        return self._found(scan, list(lots.values()), None) if lots else None

    def resolve_reading(self, scan: Scan, reading: Reading) -> Resolution:
        """Resolve one reading of an ambiguous scan, as if the scan held only its fields."""
        result = self._resolve_fields(scan, reading.gtin14, reading.lot, reading.expiry, reading.kind)
        result.reading = reading
        return result

    def _resolve_ambiguous(self, scan: Scan) -> Resolution:
        matching: list[tuple[Reading, Resolution]] = []
        for reading in scan.readings:
            result = self.resolve_reading(scan, reading)
            if result.outcome in (Outcome.FOUND, Outcome.SEVERAL):
                matching.append((reading, result))
        if len(matching) == 1:
            reading, result = matching[0]
            result.reading = reading
            result.warnings.insert(
                0,
                tr("The code can be read {count} ways; only {reading} matches a lot.").format(
                    count=len(scan.readings), reading=reading.description
                ),
            )
            return result
        choices = [reading for reading, _ in matching] if matching else list(scan.readings)
        if matching:
            message = tr("The code can be read {count} ways and {matches} of them match lots: choose one.")
            message = message.format(count=len(scan.readings), matches=len(matching))
        else:
            message = tr("The code can be read {count} ways and none matches a lot.").format(
                count=len(scan.readings)
            )
        outcome = Outcome.CHOOSE_READING if matching else Outcome.NOT_FOUND
        return Resolution(outcome, scan, message=message, readings=choices)

    def _resolve_fields(
        self,
        scan: Scan,
        gtin14: str | None,
        batch: str | None,
        expiry: dt.date | None,
        kind: ScanKind,
    ) -> Resolution:
        if gtin14:
            return self._resolve_gtin(scan, gtin14, batch, expiry)
        if batch is not None:
            lots = self.lots_for_batch(batch)
            if not lots:
                return Resolution(
                    Outcome.NOT_FOUND, scan, message=tr("No lot has batch number {batch}.").format(batch=batch)
                )
            return self._found(scan, lots, expiry)
        if kind is ScanKind.TEXT:
            lots = self.lots_for_batch(scan.text)
            if lots:
                return self._found(scan, lots, expiry)
            return Resolution(
                Outcome.NOT_FOUND, scan, message=tr("No lot has batch number {batch}.").format(batch=scan.text)
            )
        return Resolution(
            Outcome.NOT_FOUND,
            scan,
            message=tr("The code {text} contains no product code or batch number to look up.").format(text=scan.text),
        )

    def _resolve_gtin(self, scan: Scan, gtin14: str, batch: str | None, expiry: dt.date | None) -> Resolution:
        lots = self.lots_for_gtin(gtin14)
        warnings: list[str] = []
        if not lots:
            base = base_unit_gtin14(gtin14)
            if base and base != gtin14:
                lots = self.lots_for_gtin(base)
                if lots:
                    warnings.append(
                        tr("This is a case code (packaging level {level}); showing the single-unit lots.").format(
                            level=gtin14[0]
                        )
                    )
        if not lots:
            return Resolution(
                Outcome.NOT_FOUND,
                scan,
                message=tr("No lot has product code {code}: check the label, or receive the lot in Blend "
                           "first.").format(code=_display_gtin(gtin14)),
            )
        if batch is not None and batch.strip():
            same_batch = [lot for lot in lots if normalize_batch(lot.batch_number) == normalize_batch(batch)]
            if not same_batch:
                return Resolution(
                    Outcome.BATCH_NOT_FOUND,
                    scan,
                    lots=lots,
                    message=tr("No lot of {code} has batch {batch}; {count} other lot(s) of it are listed.").format(
                        code=_display_gtin(gtin14), batch=batch, count=len(lots)
                    ),
                    warnings=warnings,
                )
            lots = same_batch
        result = self._found(scan, lots, expiry)
        result.warnings[:0] = warnings
        return result

    def _found(self, scan: Scan, lots: list[Lot], expiry: dt.date | None) -> Resolution:
        lots = sorted(lots, key=expiry_sort_key)
        warnings: list[str] = []
        if len(lots) == 1:
            lot = lots[0]
            if expiry is not None and lot.expiry_date is not None and expiry != lot.expiry_date:
                warnings.append(
                    tr("The package says expiry {scanned} but the lot record says {recorded}.").format(
                        scanned=expiry.isoformat(), recorded=lot.expiry_date.isoformat()
                    )
                )
            warnings.extend(lot_warnings(lot))
            return Resolution(Outcome.FOUND, scan, lots=lots, warnings=warnings)
        return Resolution(
            Outcome.SEVERAL,
            scan,
            lots=lots,
            message=tr("{count} lots match this code: pick one (first-expiring first).").format(count=len(lots)),
        )


def lot_warnings(lot: Lot, today: dt.date | None = None) -> list[str]:
    """Return what the operator must notice about a lot before using it: expired, empty, inactive."""
    warnings: list[str] = []
    status = expiry_status(lot.expiry_date, today)
    if status.state is ExpiryState.EXPIRED:
        warnings.append(tr("{words}: do not dispense from this lot.").format(words=status.words))
    if lot.current_quantity <= 0:
        warnings.append(tr("This lot is empty."))
    if not lot.is_active:
        warnings.append(tr("This lot is marked inactive in Blend."))
    return warnings


def _display_gtin(gtin14: str) -> str:
    """Show a GTIN as the operator sees it on the package: 12 digits for a UPC-A, else 13 or 14."""
    if gtin14.startswith("00"):
        return gtin14[2:]
    if gtin14.startswith("0"):
        return gtin14[1:]
    return gtin14
