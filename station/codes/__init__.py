"""Scanned codes: what a scanner or camera read, parsed into a ``Scan``.

``parse_scan`` decides what a scan is by one ordered rule, described in ``station.codes.parser``.
``gtin14_from_inventory_upc`` and ``ndc10_digits_from_inventory_upc`` normalize what the Blend inventory
stores in a lot's ``upc`` field, so that a scan can match it.
"""

from station.codes.gtin import gtin14_from_inventory_upc
from station.codes.ndc import ndc10_digits_from_inventory_upc
from station.codes.parser import parse_scan
from station.codes.scan import Reading, Scan, ScanKind

__all__ = [
    "Reading",
    "Scan",
    "ScanKind",
    "gtin14_from_inventory_upc",
    "ndc10_digits_from_inventory_upc",
    "parse_scan",
]
