"""Inventory lookups for the window and the command line: the lot index, kept fresh from Blend, with an
offline cache on disk.

Thread safety: the window calls ``resolve`` and ``refresh`` from worker threads; the index is swapped
whole under a lock, never changed in place.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from station.blend.errors import BlendError, NotFound, Unavailable
from station.blend.models import Lot
from station.codes.scan import Scan, ScanKind
from station.i18n import tr
from station.inventory.index import LotIndex, Outcome, Resolution

log = logging.getLogger(__name__)

CACHE_VERSION = 1
# A scan that matches nothing reloads the index first when it is older than this: the lot may be new.
RELOAD_ON_MISS_AFTER_SECONDS = 10.0
# The lot cache file is rewritten after single-lot updates at most this often (seconds).
CACHE_SAVE_INTERVAL = 30.0
# After Blend was unreachable, scans are resolved from the cache without calling it for this long.
OFFLINE_RETRY_SECONDS = 10.0


@dataclass(frozen=True)
class DataSource:
    """The origin of the lot data in use, for the window's header."""

    online: bool
    fetched_at: float | None  # epoch seconds of the lot list in use
    error: str | None = None


class InventoryService:
    def __init__(self, client, cache_path: Path | None = None, *, clock: Callable[[], float] = time.time):
        self._client = client
        self._cache_path = cache_path
        self._clock = clock
        self._lock = threading.Lock()
        self._index = LotIndex([])
        self._fetched_at: float | None = None
        self._online = False
        self._last_error: str | None = None
        self._offline_at = float("-inf")
        self._saved_at = float("-inf")
        self._load_cache()

    # -- state ------------------------------------------------------------------------------------

    @property
    def index(self) -> LotIndex:
        return self._index

    def source(self) -> DataSource:
        return DataSource(self._online, self._fetched_at, self._last_error)

    def cache_age(self) -> float | None:
        return None if self._fetched_at is None else max(0.0, self._clock() - self._fetched_at)

    # -- loading ----------------------------------------------------------------------------------

    def refresh(self) -> int:
        """Load every lot from Blend and rebuild the index; returns the lot count. Raises BlendError."""
        try:
            lots = self._client.list_inventory()
        except Unavailable as exc:
            self._online = False
            self._offline_at = self._clock()
            self._last_error = str(exc)
            raise
        index = LotIndex(lots)
        with self._lock:
            self._index = index
            self._fetched_at = self._clock()
            self._online = True
            self._last_error = None
        self._save_cache(lots)
        log.info("inventory loaded: %d lots", len(lots))
        return len(lots)

    def update_lot(self, lot: Lot) -> None:
        """Put a lot the server just returned (after an adjustment or a detail read) into the index.

        The cache file is rewritten at most every CACHE_SAVE_INTERVAL seconds, because it contains every
        lot and this runs on the scan path."""
        if not lot.id:
            return
        with self._lock:
            self._index = self._index.with_lot(lot)
            due = self._clock() - self._saved_at >= CACHE_SAVE_INTERVAL
        if due:
            self._save_cache(self._index.lots)

    def save_cache(self) -> None:
        """Write the cache file now (the window calls it when it closes)."""
        self._save_cache(self._index.lots)

    def _load_cache(self) -> None:
        if not self._cache_path or not self._cache_path.exists():
            return
        try:
            data = json.loads(self._cache_path.read_text(encoding="utf-8"))
            if data.get("version") != CACHE_VERSION:
                raise ValueError(f"cache version {data.get('version')!r}, expected {CACHE_VERSION}")
            lots = [Lot.model_validate(item) for item in data["lots"]]
            self._index = LotIndex(lots)
            self._fetched_at = float(data["fetched_at"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("lot cache %s is unreadable and is ignored: %s", self._cache_path, exc)

    def _save_cache(self, lots: list[Lot]) -> None:
        if not self._cache_path:
            return
        payload = {
            "version": CACHE_VERSION,
            "fetched_at": self._fetched_at,
            "lots": [lot.model_dump(mode="json") for lot in lots],
        }
        tmp = self._cache_path.with_suffix(".tmp")
        self._saved_at = self._clock()
        try:
            tmp.write_text(json.dumps(payload), encoding="utf-8")
            os.replace(tmp, self._cache_path)
        except OSError as exc:
            log.warning("could not write the lot cache %s: %s", self._cache_path, exc)

    # -- resolution -------------------------------------------------------------------------------

    def resolve(self, scan: Scan, *, fresh_lot: bool = True) -> Resolution:
        """Resolve a scan to lots. When online, a single found lot is read back from Blend so the card shows
        the server's current quantity. When Blend is unreachable, the cached lots are used, marked with their
        age."""
        if self._fetched_at is None:
            error = self._try_refresh()
            if error is not None:
                return Resolution(Outcome.ERROR, scan, message=error)

        if scan.kind is ScanKind.BLEND and scan.valid:
            return self._resolve_blend_barcode(scan)

        result = self._index.resolve(scan)
        if result.outcome in (Outcome.NOT_FOUND, Outcome.BATCH_NOT_FOUND) and self._may_reload():
            # A lot received since the last load is not in the index yet: reload once before saying so.
            if self._try_refresh() is None:
                result = self._index.resolve(scan)
        if result.outcome is Outcome.FOUND and fresh_lot and result.lots[0].id and self._may_call():
            self._read_back(result)
        if not self._online:
            result.from_cache_age = self.cache_age()
        return result

    def _try_refresh(self) -> str | None:
        """Reload the inventory; returns None on success, else the message for the operator."""
        try:
            self.refresh()
            return None
        except Unavailable as exc:
            self._offline_at = self._clock()
            if self._fetched_at is None:
                return tr("Blend is unreachable and this station has no saved inventory yet: {error}").format(
                    error=exc)
            return str(exc)
        except BlendError as exc:
            return str(exc)

    def _may_reload(self) -> bool:
        age = self.cache_age()
        return self._may_call() and (age is None or age > RELOAD_ON_MISS_AFTER_SECONDS)

    def _may_call(self) -> bool:
        """False for a short while after Blend was unreachable, so offline scans are resolved from the
        cache at once instead of waiting for a connect timeout each time."""
        return self._online or self._clock() - self._offline_at > OFFLINE_RETRY_SECONDS

    def mark_offline(self, reason: str) -> None:
        """Record that Blend could not be reached by another part of the station (the outbox)."""
        self._online = False
        self._offline_at = self._clock()
        self._last_error = reason

    def read_lot(self, lot_id: str) -> Lot:
        """Read one lot from Blend and put it in the index. Raises BlendError; Unavailable marks offline."""
        try:
            lot = self._client.get_lot(lot_id)
        except Unavailable as exc:
            self.mark_offline(str(exc))
            raise
        self._online = True
        self._last_error = None
        self.update_lot(lot)
        return lot

    def resolve_lot_id(self, lot_id: str, scan: Scan) -> Resolution | None:
        """Read one lot back from Blend (falling back to the cache); None when neither has it."""
        lot = self._index.by_id.get(lot_id)
        if lot is None:
            return None
        result = Resolution(Outcome.FOUND, scan, lots=[lot])
        self._read_back(result)
        return result

    def _read_back(self, result: Resolution) -> None:
        lot_id = result.lots[0].id
        assert lot_id
        try:
            fresh = self._client.get_lot(lot_id)
        except Unavailable as exc:
            self._online = False
            self._offline_at = self._clock()
            self._last_error = str(exc)
            log.info("Blend unreachable, using the cached lot: %s", exc)
            return
        except NotFound:
            result.outcome = Outcome.NOT_FOUND
            result.message = tr("Lot {batch} no longer exists in Blend.").format(batch=result.lots[0].batch_number)
            result.lots = []
            return
        except BlendError as exc:
            result.warnings.append(tr("Could not read the lot's current quantity: {error}").format(error=exc))
            return
        self._online = True
        self._last_error = None
        result.lots = [fresh]
        self.update_lot(fresh)

    def _resolve_blend_barcode(self, scan: Scan) -> Resolution:
        """Blend barcodes resolve through the verify endpoint, never by reading the id out of the value."""
        try:
            barcode = self._client.verify_barcode(scan.text)
        except NotFound:
            return Resolution(
                Outcome.NOT_FOUND, scan, message=tr("Blend does not know this barcode, or it has expired.")
            )
        except Unavailable:
            self._online = False
            return Resolution(
                Outcome.ERROR, scan, message=tr("Blend barcodes need a connection to Blend; try again when online.")
            )
        except BlendError as exc:
            return Resolution(Outcome.ERROR, scan, message=str(exc))
        if barcode.entity_type != "inventory":
            kind = barcode.entity_type.replace("_", " ")
            return Resolution(
                Outcome.NOT_INVENTORY,
                scan,
                message=tr("This is a Blend {kind} barcode, not an inventory lot.").format(kind=kind),
            )
        try:
            lot = self._client.get_lot(barcode.entity_id)
        except NotFound:
            return Resolution(Outcome.NOT_FOUND, scan, message=tr("The lot of this barcode no longer exists."))
        except BlendError as exc:
            cached = self._index.by_id.get(barcode.entity_id)
            if cached is None:
                return Resolution(Outcome.ERROR, scan, message=str(exc))
            return Resolution(Outcome.FOUND, scan, lots=[cached], from_cache_age=self.cache_age())
        self.update_lot(lot)
        return Resolution(Outcome.FOUND, scan, lots=[lot])
