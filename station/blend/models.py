"""Pydantic models of the Blend API payloads used by the station.

Every model accepts unknown fields (``extra="allow"``) and treats undocumented fields as optional, because
the public docs show examples but no schema. Timestamps arrive as ``2025-03-15T12:00:00Z``, as naive ISO
with microseconds (``2025-01-01T18:21:45.371623``), as naive ISO without fractions, or as a bare date;
naive values are taken as UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

PRODUCT_KINDS = ("prescription", "non_prescription", "order_material")


def parse_timestamp(value: Any) -> dt.datetime | None:
    """Parse every timestamp form Blend sends into an aware UTC datetime (naive input is taken as UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"invalid timestamp {value!r}: expected ISO 8601") from exc
    else:
        raise ValueError(f"invalid timestamp {value!r}: expected an ISO 8601 string")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


Timestamp = Annotated[dt.datetime | None, BeforeValidator(parse_timestamp)]


class BlendModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class User(BlendModel):
    id: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_active: bool | None = None
    role: str | None = None
    created_at: Timestamp = None
    updated_at: Timestamp = None

    @property
    def display_name(self) -> str:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or (self.email or self.id)


class LoginResponse(BlendModel):
    access_token: str
    refresh_token: str
    expires_at: Timestamp = None  # documented as the refresh token's expiry
    user: User | None = None


class RefreshResponse(BlendModel):
    access_token: str


class VerifyResponse(BlendModel):
    valid: bool
    user: User | None = None


class Association(BlendModel):
    customer: str | None = None
    customer_id: str | None = None
    name: str | None = None
    product_id: str | None = None
    units_per_product: int | None = None


class Associations(BlendModel):
    prescription: list[Association] = Field(default_factory=list)
    non_prescription: list[Association] = Field(default_factory=list)
    order_material: list[Association] = Field(default_factory=list)

    def items(self) -> list[tuple[str, Association]]:
        """Return (kind, association) pairs in the order prescription, non-prescription, order material."""
        return [(kind, assoc) for kind in PRODUCT_KINDS for assoc in getattr(self, kind)]

    def product_names(self) -> list[str]:
        names: list[str] = []
        for _, assoc in self.items():
            if assoc.name and assoc.name not in names:
                names.append(assoc.name)
        return names


class Lot(BlendModel):
    """One inventory lot: a received batch of stock, linked to products through associations."""

    id: str | None = None  # absent in the per-product list examples; every lot-level payload has it
    created_at: Timestamp = None
    updated_at: Timestamp = None
    batch_number: str | None = None
    cost_per_unit: float | None = None
    current_quantity: int = 0
    initial_quantity: int | None = None
    expiration_date: Timestamp = None
    received_date: Timestamp = None
    is_active: bool = True
    manufacturer: str | None = None
    mpn: str | None = None
    notes: str | None = None
    unit_type: str | None = None
    upc: str | None = None
    type: str | None = None
    associations: Associations | None = None
    units_per_product: int | None = None

    @property
    def expiry_date(self) -> dt.date | None:
        """The expiry as a calendar date (Blend sends midnight of that day)."""
        return self.expiration_date.date() if self.expiration_date else None

    @property
    def product_names(self) -> list[str]:
        return self.associations.product_names() if self.associations else []


class InventoryGroups(BlendModel):
    """The grouped body of ``GET /products/inventory``: lots keyed by product kind."""

    prescription: list[Lot] = Field(default_factory=list)
    non_prescription: list[Lot] = Field(default_factory=list)
    order_material: list[Lot] = Field(default_factory=list)

    def all_lots(self) -> list[Lot]:
        """Return every lot once, keyed by id, because a lot with several kinds may appear in several groups."""
        seen: dict[str, Lot] = {}
        anonymous: list[Lot] = []
        for kind in PRODUCT_KINDS:
            for lot in getattr(self, kind):
                if lot.id is None:
                    anonymous.append(lot)
                elif lot.id not in seen:
                    seen[lot.id] = lot
        return [*seen.values(), *anonymous]


class Barcode(BlendModel):
    id: str | None = None
    barcode_value: str
    entity_type: str
    entity_id: str
    created_at: Timestamp = None
    expires_at: Timestamp = None
    image: str | None = None
    is_active: bool | None = None


class Product(BlendModel):
    id: str
    name: str | None = None
    description: str | None = None
    sku: str | None = None
    created_at: Timestamp = None
    updated_at: Timestamp = None
    current_stock: int | None = None
    reorder_threshold: int | None = None
    has_inventory: bool | None = None
    is_active: bool | None = None
    category: str | None = None
    form: str | None = None
    unit_count: int | None = None
    unit_type: str | None = None
    price: float | None = None


class ProductGroups(BlendModel):
    prescription: list[Product] = Field(default_factory=list)
    non_prescription: list[Product] = Field(default_factory=list)
    order_material: list[Product] = Field(default_factory=list)
