"""One signed-in station: scan handling and adjustments, as the window and the tests drive them.

``StationSession`` ties together the code parser, the inventory index, the ledger and the Blend client. Its
methods block on the network, so the window calls them from worker threads; it holds no Qt object.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from station import paths
from station.blend.models import Lot
from station.codes.scan import Reading, Scan
from station.i18n import tr
from station.inventory.expiry import today_local
from station.inventory.index import Outcome, Resolution
from station.inventory.service import InventoryService

log = logging.getLogger(__name__)


@dataclass
class ScanResult:
    """The outcome of one scan: the resolution and the ledger entry that recorded it."""

    resolution: Resolution
    scan_id: str | None
    warnings: list[str] = field(default_factory=list)  # resolution warnings plus ledger checks

    @property
    def scan(self) -> Scan:
        return self.resolution.scan


class StationSession:
    def __init__(
        self,
        client,
        data_dir: Path,
        *,
        source_label: str,
        demo: bool = False,
        operator: str | None = None,
        station_id: str | None = None,
        today: Callable[[], dt.date] = today_local,
    ):
        from station.ledger.service import AdjustmentService
        from station.ledger.store import Ledger

        self.client = client
        self.data_dir = data_dir
        self.source_label = source_label  # "Blend" or "DEMO sandbox"
        self.demo = demo
        self.station_id = station_id or socket.gethostname()
        self.today = today  # the local date; a serial seen before it was scanned on an earlier day
        user = getattr(client, "user", None)
        self.operator = operator or (user.display_name if user else None)
        self.inventory = InventoryService(client, paths.lot_cache_path(data_dir))
        self.ledger = Ledger(paths.ledger_path(data_dir), station_id=self.station_id)
        self.adjustments = AdjustmentService(self.ledger, client)

    # -- scans ------------------------------------------------------------------------------------

    def handle_scan(self, text: str, symbology: str | None = None) -> ScanResult:
        """Parse, resolve and record one scan. Never raises for bad input: the result describes what went wrong."""
        from station.codes import parse_scan

        scan = parse_scan(text, symbology=symbology)
        log.info("scan %s (%s)", scan.loggable_text, scan.kind.value)
        try:
            resolution = self.inventory.resolve(scan)
        except Exception as exc:  # noqa: BLE001 - the scan must reach the ledger and the operator
            log.exception("resolving scan failed")
            resolution = Resolution(Outcome.ERROR, scan, message=tr("Lookup failed: {error}").format(error=exc))
        return self._record(resolution)

    def choose_reading(self, scan: Scan, reading: Reading) -> ScanResult:
        """Resolve the reading the operator chose for an ambiguous scan."""
        resolution = self.inventory.index.resolve_reading(scan, reading)
        if resolution.outcome is Outcome.FOUND and resolution.lots[0].id:
            resolution = self.inventory.resolve_lot_id(resolution.lots[0].id, scan) or resolution
        return self._record(resolution)

    def _record(self, resolution: Resolution) -> ScanResult:
        scan = resolution.scan
        warnings = list(resolution.warnings)
        if scan.gtin14 and scan.serial:
            sighting = self.ledger.seen_serial(scan.gtin14, scan.serial, before_day=self.today())
            if sighting is not None:
                warnings.append(
                    tr("Serial {serial} of this product was already scanned on {when} at {station}: "
                       "a package scanned twice, or a copied label.").format(
                        serial=scan.serial,
                        when=sighting.scanned_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                        station=sighting.station
                    )
                )
        scan_id: str | None = None
        try:
            scan_id = self.ledger.record_scan(
                scan,
                operator=self.operator,
                outcome=resolution.outcome.value,
                lot_ids=[lot.id for lot in resolution.lots if lot.id],
                message=resolution.message or None,
            )
        except Exception:  # noqa: BLE001 - a full disk must not hide the lot from the operator
            log.exception("could not record the scan in the ledger")
            warnings.append(tr("The scan could not be written to the journal; check the disk."))
        return ScanResult(resolution, scan_id, warnings)

    # -- adjustments ------------------------------------------------------------------------------

    def adjust(self, lot: Lot, delta: int, *, scan_id: str | None = None):
        """Record and send one quantity change through the ledger; returns its AdjustmentResult."""
        if not lot.id:
            raise ValueError("the lot has no id, so its quantity cannot be changed")
        if delta == 0:
            raise ValueError("a change of 0 does nothing")
        result = self.adjustments.adjust(lot.id, delta, scan_id=scan_id, operator=self.operator, known_lot=lot)
        if result.lot is not None:
            self.inventory.update_lot(result.lot)
        return result

    def sync(self):
        report = self.adjustments.sync()
        if report.unreachable:
            self.inventory.mark_offline(report.unreachable)
        return report

    def pending_change(self, lot_id: str) -> int:
        """Return the sum of this lot's changes that Blend has not confirmed yet (outbox, in doubt, review)."""
        from station.ledger.models import OPEN_STATES

        return sum(adjustment.delta for adjustment in self.ledger.adjustments(OPEN_STATES, lot_id=lot_id))

    def outbox_count(self) -> int:
        return self.adjustments.outbox_count()

    def close(self) -> None:
        self.inventory.save_cache()
        close = getattr(self.ledger, "close", None)
        if close:
            close()
        self.client.close()
