"""The sandbox's FastAPI application: Blend's paths and payload shapes over the sandbox database.

Documented endpoints keep Blend's documented status codes and shapes. The endpoints that Blend's public
reference does not describe (lot create and update, prescription and order-material product inventory,
associations) follow the same conventions. Errors are ``{"detail": "..."}``, and request validation
errors are FastAPI's list of ``{"loc", "msg", "type"}`` items under ``detail``.

This module does not use ``from __future__ import annotations``: FastAPI reads the endpoint annotations
at runtime, and the ``User`` dependency alias is local to ``create_app``.
"""

import base64
import datetime as dt
import functools
import io
import logging
import sqlite3
import uuid
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from station.blend.models import parse_timestamp
from station.sandbox import db
from station.sandbox.db import PRODUCT_KINDS, SandboxStore, format_expiry, format_naive, format_zulu, utc_now
from station.sandbox.tokens import ACCESS, REFRESH, TokenError, TokenIssuer
from station.sandbox.users import authenticate

log = logging.getLogger(__name__)

TITLE = "Scan Station sandbox (a local stand-in for the Blend API)"
DESCRIPTION = (
    "A local development and training stand-in for the Blend REST API, with demo data and switchable "
    "faults. It is never a replacement for Blend: it holds no real inventory and nothing done here "
    "reaches Blend. Paths and payload shapes follow the public Blend documentation; the shapes that the "
    "documentation does not show are guesses."
)

ProductKind = Literal["prescription", "non_prescription", "order_material"]
EntityType = Literal["user", "order", "patient", "prescription", "prescription_product",
                     "non_prescription_product", "order_material", "inventory"]
# Largest quantity change accepted in one request; keeps the sum inside SQLite's 64-bit integers.
MAX_QUANTITY_CHANGE = 1_000_000_000
USER_BARCODE_LIFETIME = dt.timedelta(hours=1)


class QuantityChange(BaseModel):
    additional_quantity: StrictInt = Field(ge=-MAX_QUANTITY_CHANGE, le=MAX_QUANTITY_CHANGE)


class LotFields(BaseModel):
    """Editable lot fields; on PUT only the fields present in the body change."""

    model_config = ConfigDict(extra="ignore")

    batch_number: str | None = None
    cost_per_unit: float | None = None
    current_quantity: StrictInt | None = Field(default=None, ge=0, le=MAX_QUANTITY_CHANGE)
    initial_quantity: StrictInt | None = Field(default=None, ge=0, le=MAX_QUANTITY_CHANGE)
    expiration_date: str | None = None
    received_date: str | None = None
    is_active: bool | None = None
    manufacturer: str | None = None
    mpn: str | None = None
    notes: str | None = None
    unit_type: str | None = None
    upc: str | None = None
    type: ProductKind | None = None

    @field_validator("expiration_date")
    @classmethod
    def _expiry(cls, value: str | None) -> str | None:
        parsed = parse_timestamp(value)
        return format_expiry(parsed.date()) if parsed else None

    @field_validator("received_date")
    @classmethod
    def _received(cls, value: str | None) -> str | None:
        parsed = parse_timestamp(value)
        return format_naive(parsed) if parsed else None


class AssociationTarget(BaseModel):
    type: ProductKind
    product_id: str
    units_per_product: StrictInt = Field(default=1, ge=1)


class ProductLotCreate(LotFields):
    units_per_product: StrictInt = Field(default=1, ge=1)


class LotCreate(LotFields):
    associations: list[AssociationTarget] = Field(default_factory=list)


class Credentials(BaseModel):
    email: str
    password: str


class BarcodeVerify(BaseModel):
    barcode_value: str = Field(min_length=1, max_length=500)


def create_app(store: SandboxStore, tokens: TokenIssuer) -> FastAPI:
    """Build the application over ``store``, issuing and checking tokens with ``tokens``."""
    app = FastAPI(title=TITLE, description=DESCRIPTION, version="1.0.0")

    def current_user(authorization: Annotated[str | None, Header()] = None) -> sqlite3.Row:
        claims = _check_bearer(tokens, authorization, ACCESS)
        with store.read() as conn:
            row = conn.execute("SELECT * FROM users WHERE id = ?", (claims.user_id,)).fetchone()
        if row is None or not row["is_active"]:
            raise _unauthorized("The account of this token no longer exists or is inactive")
        return row

    User = Annotated[sqlite3.Row, Depends(current_user)]

    # --- authentication ----------------------------------------------------------------------------

    @app.post("/api/v1/auth/login")
    def login(body: Credentials) -> dict[str, Any]:
        with store.read() as conn:
            user = authenticate(conn, body.email, body.password)
        if user is None:
            log.info("Sign-in failed for one account: wrong e-mail or password")
            raise _unauthorized("Invalid email or password")
        access, _ = tokens.issue(user["id"], ACCESS)
        refresh, refresh_expiry = tokens.issue(user["id"], REFRESH)
        return {"access_token": access, "refresh_token": refresh,
                "expires_at": format_zulu(dt.datetime.fromtimestamp(refresh_expiry, dt.UTC)),
                "user": db.user_json(user)}

    @app.post("/api/v1/auth/refresh")
    def refresh(authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        claims = _check_bearer(tokens, authorization, REFRESH)
        access, _ = tokens.issue(claims.user_id, ACCESS)
        return {"access_token": access}

    @app.get("/api/v1/auth/verify")
    def verify(user: User) -> dict[str, Any]:
        return {"valid": True, "user": db.user_json(user)}

    # --- inventory lots ----------------------------------------------------------------------------

    @app.get("/api/v1/products/inventory")
    def list_inventory(user: User) -> dict[str, list[dict[str, Any]]]:
        groups: dict[str, list[dict[str, Any]]] = {kind: [] for kind in PRODUCT_KINDS}
        with store.read() as conn:
            for row in conn.execute("SELECT * FROM lots ORDER BY expiration_date IS NULL, expiration_date, id"):
                lot = db.lot_json(conn, row)
                kinds = [kind for kind in PRODUCT_KINDS if lot["associations"][kind]]
                for kind in kinds or [row["type"] if row["type"] in PRODUCT_KINDS else "prescription"]:
                    groups[kind].append(lot)
        return groups

    @app.post("/api/v1/products/inventory", status_code=201)
    def create_lot(body: LotCreate, user: User) -> dict[str, Any]:
        with store.write() as conn:
            for target in body.associations:
                _require_product(conn, target.type, target.product_id)
            lot_id = _insert_lot(conn, body)
            for target in body.associations:
                db.insert_association(conn, lot_id, target.product_id, target.units_per_product)
            return db.lot_json(conn, _require_lot(conn, lot_id))

    @app.get("/api/v1/products/inventory/{lot_id}")
    def get_lot(lot_id: str, user: User) -> dict[str, Any]:
        with store.read() as conn:
            return db.lot_json(conn, _require_lot(conn, lot_id))

    @app.put("/api/v1/products/inventory/{lot_id}")
    def update_lot(lot_id: str, body: LotFields, user: User) -> dict[str, Any]:
        changes = {name: getattr(body, name) for name in body.model_fields_set}
        if "is_active" in changes:
            changes["is_active"] = int(bool(changes["is_active"]))
        if changes.get("current_quantity", 0) is None:
            raise HTTPException(422, "current_quantity cannot be null: send a whole number of 0 or more")
        with store.write() as conn:
            row = _require_lot(conn, lot_id)
            changes["updated_at"] = _next_updated_at(row["updated_at"])
            assignments = ", ".join(f"{name} = ?" for name in changes)
            conn.execute(f"UPDATE lots SET {assignments} WHERE id = ?", [*changes.values(), lot_id])
            log.info("Lot %s updated: %s", lot_id, ", ".join(sorted(body.model_fields_set)) or "nothing")
            return db.lot_json(conn, _require_lot(conn, lot_id))

    @app.patch("/api/v1/products/inventory/{lot_id}/quantity", status_code=201)
    def adjust_quantity(lot_id: str, body: QuantityChange, user: User) -> dict[str, Any]:
        change = body.additional_quantity
        with store.write() as conn:
            row = _require_lot(conn, lot_id)
            current = row["current_quantity"]
            if current + change < 0:
                raise HTTPException(422, f"Quantity would go below zero: lot {row['batch_number'] or lot_id} "
                                         f"has {current}, change {change}")
            conn.execute("UPDATE lots SET current_quantity = ?, updated_at = ? WHERE id = ?",
                         (current + change, _next_updated_at(row["updated_at"]), lot_id))
            log.info("Lot %s quantity %d %+d -> %d", lot_id, current, change, current + change)
            return db.lot_json(conn, _require_lot(conn, lot_id))

    @app.get("/api/v1/products/inventory/{lot_id}/associations")
    def get_associations(lot_id: str, user: User) -> dict[str, list[dict[str, Any]]]:
        with store.read() as conn:
            _require_lot(conn, lot_id)
            return db.associations_json(conn, lot_id)

    @app.post("/api/v1/products/inventory/{lot_id}/associations", status_code=201)
    def add_association(lot_id: str, body: AssociationTarget, user: User) -> dict[str, list[dict[str, Any]]]:
        with store.write() as conn:
            row = _require_lot(conn, lot_id)
            _require_product(conn, body.type, body.product_id)
            db.insert_association(conn, lot_id, body.product_id, body.units_per_product)
            conn.execute("UPDATE lots SET updated_at = ? WHERE id = ?", (_next_updated_at(row["updated_at"]), lot_id))
            return db.associations_json(conn, lot_id)

    @app.delete("/api/v1/products/inventory/{lot_id}/associations/{kind}/{product_id}")
    def remove_association(lot_id: str, kind: ProductKind, product_id: str,
                           user: User) -> dict[str, list[dict[str, Any]]]:
        with store.write() as conn:
            row = _require_lot(conn, lot_id)
            _require_product(conn, kind, product_id)
            deleted = conn.execute("DELETE FROM associations WHERE lot_id = ? AND product_id = ?",
                                   (lot_id, product_id)).rowcount
            if not deleted:
                raise HTTPException(404, f"Lot {lot_id} has no association with {kind} product {product_id}")
            conn.execute("UPDATE lots SET updated_at = ? WHERE id = ?", (_next_updated_at(row["updated_at"]), lot_id))
            return db.associations_json(conn, lot_id)

    # --- products ----------------------------------------------------------------------------------

    @app.get("/api/v1/products")
    def list_products(user: User) -> dict[str, list[dict[str, Any]]]:
        with store.read() as conn:
            rows = conn.execute("SELECT * FROM products ORDER BY name").fetchall()
        return {kind: [db.product_json(row) for row in rows if row["kind"] == kind] for kind in PRODUCT_KINDS}

    @app.get("/api/v1/products/{kind}")
    def list_products_of_kind(kind: ProductKind, user: User) -> list[dict[str, Any]]:
        with store.read() as conn:
            rows = conn.execute("SELECT * FROM products WHERE kind = ? ORDER BY name", (kind,)).fetchall()
        return [db.product_json(row) for row in rows]

    @app.get("/api/v1/products/{kind}/{product_id}/inventory")
    def list_product_inventory(kind: ProductKind, product_id: str, user: User) -> list[dict[str, Any]]:
        with store.read() as conn:
            _require_product(conn, kind, product_id)
            rows = conn.execute(
                "SELECT l.*, a.units_per_product FROM lots l JOIN associations a ON a.lot_id = l.id "
                "WHERE a.product_id = ? ORDER BY l.expiration_date IS NULL, l.expiration_date, l.id",
                (product_id,)).fetchall()
        return [_product_lot_json(row) for row in rows]

    @app.post("/api/v1/products/{kind}/{product_id}/inventory", status_code=201)
    def create_product_lot(kind: ProductKind, product_id: str, body: ProductLotCreate,
                           user: User) -> dict[str, Any]:
        with store.write() as conn:
            _require_product(conn, kind, product_id)
            lot_id = _insert_lot(conn, body, default_type=kind)
            db.insert_association(conn, lot_id, product_id, body.units_per_product)
            row = conn.execute("SELECT l.*, a.units_per_product FROM lots l JOIN associations a "
                               "ON a.lot_id = l.id WHERE l.id = ? AND a.product_id = ?",
                               (lot_id, product_id)).fetchone()
            return _product_lot_json(row)

    # --- search ------------------------------------------------------------------------------------

    @app.get("/api/v1/search/products")
    def search_products(user: User, q: Annotated[str, Query(min_length=1)],
                        limit: Annotated[int, Query(ge=1, le=100)] = 50) -> dict[str, Any]:
        needle = q.strip().lower()
        results = []
        with store.read() as conn:
            for row in conn.execute("SELECT * FROM products"):
                product = db.product_json(row)
                name = (product.get("name") or "").lower()
                sku = (product.get("sku") or "").lower()
                if needle not in name and needle not in sku:
                    continue
                rank = 1.0 if needle in (name, sku) else round(len(needle) / max(len(name), len(sku), 1), 3)
                results.append({**product, "rank": rank, "result_type": row["kind"]})
        results.sort(key=lambda item: (-item["rank"], item["name"]))
        return {"results": results[:limit]}

    # --- barcodes ----------------------------------------------------------------------------------

    @app.post("/api/v1/barcodes/verify")
    def verify_barcode(body: BarcodeVerify, user: User) -> dict[str, Any]:
        with store.read() as conn:
            row = conn.execute("SELECT * FROM barcodes WHERE barcode_value = ?", (body.barcode_value.strip(),)
                               ).fetchone()
        if row is None:
            raise HTTPException(404, "Barcode not found")
        if not row["is_active"]:
            raise HTTPException(410, "Barcode is no longer active")
        expires = parse_timestamp(row["expires_at"])
        if expires is not None and expires <= utc_now():
            raise HTTPException(410, f"Barcode expired at {row['expires_at']}")
        return _barcode_json(row, include_image=False)

    @app.post("/api/v1/barcodes/{entity_type}/{entity_id}", status_code=201)
    def create_barcode(entity_type: EntityType, entity_id: str, user: User) -> dict[str, Any]:
        now = utc_now()
        expires = format_naive(now + USER_BARCODE_LIFETIME) if entity_type == "user" else None
        value = f"{entity_type.upper()}-{entity_id}-{uuid.uuid4().hex[:8]}"
        with store.write() as conn:
            _require_entity(conn, entity_type, entity_id)
            barcode_id = str(uuid.uuid4())
            db.insert_barcode(conn, barcode_id, value, entity_type, entity_id, format_naive(now), expires)
            row = conn.execute("SELECT * FROM barcodes WHERE id = ?", (barcode_id,)).fetchone()
        return _barcode_json(row, include_image=True)

    @app.get("/api/v1/barcodes/{entity_type}/{entity_id}")
    def list_barcodes(entity_type: EntityType, entity_id: str, user: User, is_active: bool = True,
                      include_images: bool = True) -> list[dict[str, Any]]:
        with store.read() as conn:
            rows = conn.execute("SELECT * FROM barcodes WHERE entity_type = ? AND entity_id = ? AND is_active = ? "
                                "ORDER BY created_at", (entity_type, entity_id, int(is_active))).fetchall()
        return [_barcode_json(row, include_image=include_images) for row in rows]

    @app.exception_handler(sqlite3.OperationalError)
    def _database_error(request: Any, exc: sqlite3.OperationalError) -> JSONResponse:
        log.error("Sandbox database error on %s %s: %s", request.method, request.url.path, exc)
        return JSONResponse({"detail": f"Sandbox database error: {exc}"}, status_code=503)

    return app


# --- helpers -------------------------------------------------------------------------------------


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def _check_bearer(tokens: TokenIssuer, authorization: str | None, expected_type: str):
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Missing bearer token: send Authorization: Bearer <token>")
    try:
        return tokens.check(token.strip(), expected_type)
    except TokenError as exc:
        if expected_type == REFRESH and "expected an refresh token" in str(exc):
            raise _unauthorized("The refresh endpoint takes the refresh token, not an access token") from None
        raise _unauthorized(f"Invalid token: {exc}") from None


def _require_lot(conn: sqlite3.Connection, lot_id: str) -> sqlite3.Row:
    row = db.fetch_lot(conn, lot_id)
    if row is None:
        raise HTTPException(404, f"Inventory lot {lot_id} not found")
    return row


def _require_product(conn: sqlite3.Connection, kind: str, product_id: str) -> sqlite3.Row:
    row = db.fetch_product(conn, product_id)
    if row is None or row["kind"] != kind:
        raise HTTPException(404, f"{kind} product {product_id} not found")
    return row


def _require_entity(conn: sqlite3.Connection, entity_type: str, entity_id: str) -> None:
    """Raise 404 for an unknown lot, product or user; other entity types live outside the sandbox."""
    if entity_type == "inventory":
        _require_lot(conn, entity_id)
    elif entity_type in ("prescription_product", "non_prescription_product", "order_material"):
        _require_product(conn, entity_type.removesuffix("_product"), entity_id)
    elif entity_type == "user" and conn.execute("SELECT 1 FROM users WHERE id = ?", (entity_id,)).fetchone() is None:
        raise HTTPException(404, f"User {entity_id} not found")


def _insert_lot(conn: sqlite3.Connection, body: LotFields, default_type: str | None = None) -> str:
    now = utc_now()
    values: dict[str, Any] = {name: getattr(body, name) for name in LotFields.model_fields}
    values["is_active"] = int(values["is_active"] if values["is_active"] is not None else True)
    if values["current_quantity"] is None:
        values["current_quantity"] = values["initial_quantity"] or 0
    if values["initial_quantity"] is None:
        values["initial_quantity"] = values["current_quantity"]
    values["received_date"] = values["received_date"] or format_naive(now)
    values["type"] = values["type"] or default_type
    values["id"] = str(uuid.uuid4())
    values["created_at"] = values["updated_at"] = format_zulu(now)
    db.insert_lot(conn, values)
    log.info("Lot %s created: batch %s, %d %s", values["id"], values["batch_number"], values["current_quantity"],
             values["unit_type"] or "units")
    return values["id"]


def _next_updated_at(previous: str | None) -> str:
    """Return now as ``...Z`` with microseconds, later than ``previous`` even if the clock has not moved."""
    now = utc_now()
    before = parse_timestamp(previous) if previous else None
    if before is not None and now <= before:
        now = before + dt.timedelta(microseconds=1)
    return format_zulu(now, fraction=True)


def _product_lot_json(row: sqlite3.Row) -> dict[str, Any]:
    body = db.lot_fields_json(row)
    body["units_per_product"] = row["units_per_product"]
    return body


def _barcode_json(row: sqlite3.Row, *, include_image: bool) -> dict[str, Any]:
    body = {"id": row["id"], "barcode_value": row["barcode_value"], "entity_type": row["entity_type"],
            "entity_id": row["entity_id"], "created_at": row["created_at"], "expires_at": row["expires_at"],
            "is_active": bool(row["is_active"])}
    if include_image:
        body["image"] = _barcode_image(row["barcode_value"])
    return body


@functools.lru_cache(maxsize=256)
def _barcode_image(value: str) -> str | None:
    """Return a Code 128 PNG of ``value`` as a data URI (Blend does not state its symbology)."""
    import barcode
    from barcode.writer import ImageWriter

    buffer = io.BytesIO()
    try:
        barcode.get("code128", value, writer=ImageWriter()).write(
            buffer, options={"module_height": 8.0, "quiet_zone": 2.0, "write_text": False})
    except (ValueError, OSError) as exc:
        log.warning("Could not draw a barcode image (%d characters): %s", len(value), exc)
        return None
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
