"""Blend barcode values: ``<ENTITY_TYPE>-<uuid>-<8 hex digits>``.

Blend documents one example, ``USER-3da03bd9-26cd-487c-9619-d4e1b0c26f24-7172173f``. The other entity
types are assumed to follow the same pattern with their upper-case type name. The value is opaque: the
station resolves it through Blend's barcode verify endpoint and never looks the UUID up itself.
"""

from __future__ import annotations

import re

KNOWN_ENTITY_TYPES = (
    "USER",
    "ORDER",
    "PATIENT",
    "PRESCRIPTION",
    "PRESCRIPTION_PRODUCT",
    "NON_PRESCRIPTION_PRODUCT",
    "ORDER_MATERIAL",
    "INVENTORY",
)

_HEX = "[0-9a-fA-F]"
BLEND_VALUE_PATTERN = re.compile(
    rf"^(?P<entity>[A-Z][A-Z_]*[A-Z])-{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}-{_HEX}{{8}}$"
)


def blend_entity_type(text: str) -> str | None:
    """Return the lower-case entity type of a Blend barcode value (``user``), or None for other text.

    An unknown upper-case prefix with the same shape is still returned, so a new Blend entity type
    reaches the verify endpoint instead of a batch lookup. ``is_known_entity_type`` distinguishes the documented types.
    """
    match = BLEND_VALUE_PATTERN.match(text)
    return match["entity"].lower() if match else None


def is_known_entity_type(entity_type: str) -> bool:
    return entity_type.upper() in KNOWN_ENTITY_TYPES
