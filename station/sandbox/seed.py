"""Deterministic demo data of the sandbox: a compounding pharmacy's products, lots and barcodes.

Ids are fixed so that tests and the training guide can name a lot. Expiry and receipt dates are set
relative to the day the database is seeded, so "expired" and "expires within 30 days" hold on a fresh
database whatever the date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from dataclasses import dataclass, field

from station.sandbox.db import (
    format_expiry,
    format_naive,
    format_zulu,
    insert_association,
    insert_barcode,
    insert_lot,
    insert_product,
)
from station.sandbox.users import upsert_user

DEMO_EMAIL = "demo@scan-station.test"
DEMO_PASSWORD = "Demo-Station-2026!"
DEMO_USER_ID = "5e000000-0000-4000-8000-000000000001"

CUSTOMER_CLINIC = ("Health First Telemedicine Clinic", "c0000000-0000-4000-8000-000000000001")
CUSTOMER_PHARMACY = ("Riverbend Compounding Pharmacy", "c0000000-0000-4000-8000-000000000002")

# Products: prescription
PRODUCT_MUPIROCIN_OINTMENT_ID = "9d000000-0000-4000-8000-000000000101"
PRODUCT_MUPIROCIN_NASAL_ID = "9d000000-0000-4000-8000-000000000102"
PRODUCT_KETOPROFEN_CREAM_ID = "9d000000-0000-4000-8000-000000000103"
PRODUCT_SEMAGLUTIDE_VIAL_ID = "9d000000-0000-4000-8000-000000000104"
PRODUCT_LIDOCAINE_OINTMENT_ID = "9d000000-0000-4000-8000-000000000105"
PRODUCT_NALTREXONE_CAPSULES_ID = "9d000000-0000-4000-8000-000000000106"
# Products: non-prescription
PRODUCT_WOUND_CARE_KIT_ID = "9d000000-0000-4000-8000-000000000201"
PRODUCT_VITAMIN_D3_DROPS_ID = "9d000000-0000-4000-8000-000000000202"
PRODUCT_MAGNESIUM_CAPSULES_ID = "9d000000-0000-4000-8000-000000000203"
PRODUCT_ELECTROLYTE_SOLUTION_ID = "9d000000-0000-4000-8000-000000000204"
# Products: order materials
PRODUCT_AMBER_VIALS_ID = "9d000000-0000-4000-8000-000000000301"
PRODUCT_RX_LABELS_ID = "9d000000-0000-4000-8000-000000000302"
PRODUCT_SHIPPING_BOX_ID = "9d000000-0000-4000-8000-000000000303"
PRODUCT_PATIENT_INSERT_ID = "9d000000-0000-4000-8000-000000000304"

# Lots
LOT_MUPIROCIN_ID = "10700000-0000-4000-8000-000000000001"  # upc 7-12345-67890-4, batch 1234567890, 80 of 100
LOT_MUPIROCIN_NASAL_ID = "10700000-0000-4000-8000-000000000002"  # upc 7-12345-67891-1, batch A24B117
LOT_NDC_ID = "10700000-0000-4000-8000-000000000003"  # upc is the NDC 0409-4903-11
LOT_EXPIRED_ID = "10700000-0000-4000-8000-000000000004"
LOT_EXPIRING_SOON_ID = "10700000-0000-4000-8000-000000000005"  # expires within 30 days, shares its upc
LOT_LONG_DATED_ID = "10700000-0000-4000-8000-000000000006"
LOT_EMPTY_ID = "10700000-0000-4000-8000-000000000007"  # current_quantity 0
LOT_INACTIVE_ID = "10700000-0000-4000-8000-000000000008"
LOT_UPC_693570007182_ID = "10700000-0000-4000-8000-000000000009"  # upc 6-93570-00718-2, batch 21072911
LOT_UPC_078000003864_ID = "10700000-0000-4000-8000-000000000010"  # upc 0-78000-00386-4
LOT_UPC_023400000906_ID = "10700000-0000-4000-8000-000000000011"  # upc 0-23400-00090-6
LOT_BATCH_10D9T_ID = "10700000-0000-4000-8000-000000000012"  # batch 10D9T, no upc
LOT_SEMAGLUTIDE_ID = "10700000-0000-4000-8000-000000000013"  # same upc as LOT_EXPIRING_SOON_ID, other batch
LOT_RX_LABELS_ID = "10700000-0000-4000-8000-000000000014"  # no expiration date
LOT_SHIPPING_BOX_ID = "10700000-0000-4000-8000-000000000015"
LOT_PATIENT_INSERT_ID = "10700000-0000-4000-8000-000000000016"
LOT_UNASSIGNED_ID = "10700000-0000-4000-8000-000000000017"  # no association

# The one lot with UPC 7-12345-67890-4: every form of that UPC resolves to it alone.
MUPIROCIN_UPC = "7-12345-67890-4"
MUPIROCIN_BATCH = "1234567890"
MUPIROCIN_NASAL_UPC = "7-12345-67891-1"
MUPIROCIN_NASAL_BATCH = "A24B117"
# Two Semaglutide lots share this UPC with different batch numbers.
SEMAGLUTIDE_UPC = "8-42135-00102-2"
NDC_UPC = "0409-4903-11"

# Blend barcodes of other entity types, for scans that must not resolve to a lot
PATIENT_ID = "a1000000-0000-4000-8000-000000000001"
ORDER_ID = "a2000000-0000-4000-8000-000000000001"
PRESCRIPTION_ID = "a3000000-0000-4000-8000-000000000001"


def barcode_value(entity_type: str, entity_id: str, salt: str = "") -> str:
    """Return the seeded barcode value ``<TYPE>-<entity id>-<8 hex>`` (the suffix is derived, not random)."""
    suffix = hashlib.sha256(f"{entity_type}:{entity_id}:{salt}".encode()).hexdigest()[:8]
    return f"{entity_type.upper()}-{entity_id}-{suffix}"


def inventory_barcode_value(lot_id: str) -> str:
    """Return the active seeded ``inventory`` barcode value of a lot."""
    return barcode_value("inventory", lot_id)


BARCODE_INVENTORY_MUPIROCIN = inventory_barcode_value(LOT_MUPIROCIN_ID)
BARCODE_PATIENT = barcode_value("patient", PATIENT_ID)
BARCODE_ORDER = barcode_value("order", ORDER_ID)
BARCODE_PRESCRIPTION = barcode_value("prescription", PRESCRIPTION_ID)
BARCODE_USER = barcode_value("user", DEMO_USER_ID)  # expires one hour after seeding, as Blend's user codes do
BARCODE_USER_EXPIRED = barcode_value("user", DEMO_USER_ID, "expired")
BARCODE_INVENTORY_INACTIVE = barcode_value("inventory", LOT_MUPIROCIN_ID, "replaced")


@dataclass(frozen=True)
class _Product:
    id: str
    kind: str
    name: str
    fields: dict = field(default_factory=dict)
    customer: tuple[str, str] = CUSTOMER_CLINIC


@dataclass(frozen=True)
class _Lot:
    id: str
    type: str
    batch_number: str | None
    upc: str | None
    current: int
    initial: int
    unit_type: str
    expires_in_days: int | None  # None: no expiration date
    received_days_ago: int
    manufacturer: str | None
    associations: tuple[tuple[str, int], ...]  # (product id, units_per_product)
    cost_per_unit: float | None = None
    mpn: str | None = None
    notes: str | None = None
    is_active: bool = True


def _rx(product_id: str, name: str, code: str, category: str, form: str, strength: str, price: float,
        controlled: bool = False) -> _Product:
    return _Product(product_id, "prescription", name, {
        "description": f"{name}, compounded to prescription", "sku": code, "product_code": code,
        "category": category, "form": form, "formula_id": int(product_id[-3:]) * 1000 + 826,
        "is_active": True, "is_controlled_substance": controlled, "price": price, "strength": strength,
        "label_orientation": "portrait"})


def _otc(product_id: str, name: str, sku: str, category: str, form: str, price: float, count: int,
         unit: str) -> _Product:
    return _Product(product_id, "non_prescription", name, {
        "description": name, "sku": sku, "category": category, "form": form, "is_active": True,
        "price": price, "unit_count": count, "unit_type": unit})


def _material(product_id: str, name: str, sku: str, category: str, stock: int, threshold: int,
              is_global: bool = False) -> _Product:
    return _Product(product_id, "order_material", name, {
        "description": name, "sku": sku, "category": category, "is_global": is_global,
        "current_stock": stock, "reorder_threshold": threshold, "has_inventory": True},
        customer=CUSTOMER_PHARMACY)


PRODUCTS = (
    _rx(PRODUCT_MUPIROCIN_OINTMENT_ID, "Mupirocin 2% ointment", "MUPI2OINT30", "topicals", "ointment", "2%", 42.0),
    _rx(PRODUCT_MUPIROCIN_NASAL_ID, "Mupirocin 2% nasal ointment", "MUPI2NASAL", "topicals", "ointment", "2%",
        38.5),
    _rx(PRODUCT_KETOPROFEN_CREAM_ID, "Ketoprofen 10% cream", "KETO10CRM", "topicals", "cream", "10%", 64.0),
    _rx(PRODUCT_SEMAGLUTIDE_VIAL_ID, "Semaglutide 2.5 mg/mL vial", "SEMA25VIAL", "injectables", "injection",
        "2.5 mg/mL", 299.0),
    _rx(PRODUCT_LIDOCAINE_OINTMENT_ID, "Lidocaine 5% ointment", "LIDO5OINT", "topicals", "ointment", "5%", 35.0),
    _rx(PRODUCT_NALTREXONE_CAPSULES_ID, "Naltrexone 4.5 mg capsules", "LDN45CAP", "oral", "capsule", "4.5 mg",
        55.0),
    _otc(PRODUCT_WOUND_CARE_KIT_ID, "Wound care kit", "WOUNDKIT", "first aid", "kit", 24.99, 1, "each"),
    _otc(PRODUCT_VITAMIN_D3_DROPS_ID, "Vitamin D3 5000 IU drops", "VITD3DROP", "nutrition", "liquid", 19.99, 30,
         "ml"),
    _otc(PRODUCT_MAGNESIUM_CAPSULES_ID, "Magnesium glycinate 200 mg capsules", "MAGGLY200", "nutrition",
         "capsule", 22.5, 90, "each"),
    _otc(PRODUCT_ELECTROLYTE_SOLUTION_ID, "Oral electrolyte solution", "ORALYTE1L", "nutrition", "liquid", 9.99,
         1000, "ml"),
    _material(PRODUCT_AMBER_VIALS_ID, "Amber vials 40 dram", "AMB40DR", "packaging", 1200, 300),
    _material(PRODUCT_RX_LABELS_ID, "Prescription labels 4 x 2 in", "LBL4X2", "labels", 5000, 1000),
    _material(PRODUCT_SHIPPING_BOX_ID, "Insulated shipping box", "INSBOX12", "shipping", 80, 40),
    _material(PRODUCT_PATIENT_INSERT_ID, "Patient information insert", "PIINSERT", "regulatory", 2500, 500,
              is_global=True),
)

LOTS = (
    _Lot(LOT_MUPIROCIN_ID, "prescription", MUPIROCIN_BATCH, MUPIROCIN_UPC, 80, 100, "mg", 400, 30, "Krill Farms",
         ((PRODUCT_MUPIROCIN_OINTMENT_ID, 100), (PRODUCT_MUPIROCIN_NASAL_ID, 50), (PRODUCT_WOUND_CARE_KIT_ID, 20)),
         cost_per_unit=2.49, mpn="KF1234567890", notes="This batch was received as a replacement to batch 817"),
    _Lot(LOT_MUPIROCIN_NASAL_ID, "prescription", MUPIROCIN_NASAL_BATCH, MUPIROCIN_NASAL_UPC, 40, 100, "mg", 200,
         60, "Krill Farms", ((PRODUCT_MUPIROCIN_NASAL_ID, 50),), cost_per_unit=2.39, mpn="KF1234567891"),
    _Lot(LOT_NDC_ID, "prescription", "1724847.1", NDC_UPC, 25, 30, "ml", 300, 14, "Hospira",
         ((PRODUCT_LIDOCAINE_OINTMENT_ID, 5),), cost_per_unit=0.85, mpn="0409-4903-11",
         notes="Lidocaine HCl 1% injection, 30 mL single-dose vials"),
    _Lot(LOT_EXPIRED_ID, "prescription", "KP22Q417", "3-62516-11001-8", 35, 500, "g", -20, 400, "Medisca",
         ((PRODUCT_KETOPROFEN_CREAM_ID, 10),), cost_per_unit=1.12, mpn="MED-2516-KETO",
         notes="Ketoprofen USP powder"),
    _Lot(LOT_EXPIRING_SOON_ID, "prescription", "SG24M031", SEMAGLUTIDE_UPC, 12, 20, "ml", 12, 100,
         "Fagron", ((PRODUCT_SEMAGLUTIDE_VIAL_ID, 2),), cost_per_unit=48.0, notes="Keep refrigerated"),
    _Lot(LOT_LONG_DATED_ID, "order_material", "AV2026-118", "3-01623-00417-9", 1150, 1200, "each", 1800, 20,
         "Kerr Group", ((PRODUCT_AMBER_VIALS_ID, 1),), cost_per_unit=0.31),
    _Lot(LOT_EMPTY_ID, "non_prescription", "VD3-0925", "8-50047-12005-2", 0, 48, "ml", 240, 90, "Medisca",
         ((PRODUCT_VITAMIN_D3_DROPS_ID, 30),), cost_per_unit=0.42),
    _Lot(LOT_INACTIVE_ID, "non_prescription", "VD3-0424", "8-50047-12005-2", 6, 48, "ml", 150, 300, "Medisca",
         ((PRODUCT_VITAMIN_D3_DROPS_ID, 30),), cost_per_unit=0.40, is_active=False,
         notes="Recalled by the supplier, do not dispense"),
    _Lot(LOT_UPC_693570007182_ID, "non_prescription", "21072911", "6-93570-00718-2", 540, 600, "each", 500, 10,
         "PureForm Nutrition", ((PRODUCT_MAGNESIUM_CAPSULES_ID, 90),), cost_per_unit=0.09),
    _Lot(LOT_UPC_078000003864_ID, "non_prescription", "L0386A", "0-78000-00386-4", 18000, 24000, "ml", 330, 45,
         "Hydra Labs", ((PRODUCT_ELECTROLYTE_SOLUTION_ID, 1000),), cost_per_unit=0.004),
    _Lot(LOT_UPC_023400000906_ID, "non_prescription", "B0090", "0-23400-00090-6", 300, 360, "ml", 420, 25,
         "PureForm Nutrition", ((PRODUCT_VITAMIN_D3_DROPS_ID, 30),), cost_per_unit=0.44),
    _Lot(LOT_BATCH_10D9T_ID, "prescription", "10D9T", None, 950, 1000, "mg", 600, 5, "Letco Medical",
         ((PRODUCT_NALTREXONE_CAPSULES_ID, 4),), cost_per_unit=0.21, mpn="LET-NTX-HCL",
         notes="Naltrexone HCl USP powder; no UPC on the container"),
    _Lot(LOT_SEMAGLUTIDE_ID, "prescription", "SG24M077", SEMAGLUTIDE_UPC, 20, 20, "ml", 95, 3, "Fagron",
         ((PRODUCT_SEMAGLUTIDE_VIAL_ID, 2),), cost_per_unit=49.5, notes="Keep refrigerated"),
    _Lot(LOT_RX_LABELS_ID, "order_material", "LBL-2409", "8-94502-00311-5", 4200, 5000, "each", None, 60,
         "Avery", ((PRODUCT_RX_LABELS_ID, 1),), cost_per_unit=0.02),
    _Lot(LOT_SHIPPING_BOX_ID, "order_material", "IB12-117", "7-64201-00218-7", 64, 80, "each", None, 12,
         "ColdChain Supply", ((PRODUCT_SHIPPING_BOX_ID, 1),), cost_per_unit=4.75),
    _Lot(LOT_PATIENT_INSERT_ID, "order_material", "PI-2025-3", "6-50133-00905-2", 2300, 2500, "each", None, 40,
         "Blend", ((PRODUCT_PATIENT_INSERT_ID, 1),)),
    _Lot(LOT_UNASSIGNED_ID, "prescription", "TC0917", "8-12771-00643-9", 250, 250, "g", 700, 1, "Spectrum",
         (), cost_per_unit=3.10, notes="Tacrolimus powder awaiting quality control, not yet linked to a product"),
)


def seed_database(conn: sqlite3.Connection, now: dt.datetime) -> None:
    """Insert the demo user, products, lots and barcodes, with dates relative to ``now`` (aware UTC).

    NOTE: a reused database keeps the dates of the day it was seeded, so after some weeks the
    "expires within 30 days" lot has expired too. Delete the file to seed it afresh.
    """
    created = format_zulu(now - dt.timedelta(days=90))
    upsert_user(conn, DEMO_EMAIL, DEMO_PASSWORD, user_id=DEMO_USER_ID, first_name="Dana", last_name="Demo")
    for product in PRODUCTS:
        fields = dict(product.fields)
        fields.setdefault("customer", product.customer[0])
        fields.setdefault("customer_id", product.customer[1])
        insert_product(conn, product.id, product.kind, product.name, product.customer, fields, created)

    today = now.date()
    for index, lot in enumerate(LOTS):
        received = now - dt.timedelta(days=lot.received_days_ago, hours=index, minutes=7 * index)
        insert_lot(conn, {
            "id": lot.id, "created_at": format_zulu(received), "updated_at": format_zulu(received),
            "batch_number": lot.batch_number, "cost_per_unit": lot.cost_per_unit,
            "current_quantity": lot.current, "initial_quantity": lot.initial,
            "expiration_date": None if lot.expires_in_days is None
            else format_expiry(today + dt.timedelta(days=lot.expires_in_days)),
            "received_date": format_naive(received), "is_active": int(lot.is_active),
            "manufacturer": lot.manufacturer, "mpn": lot.mpn, "notes": lot.notes, "unit_type": lot.unit_type,
            "upc": lot.upc, "type": lot.type,
        })
        for product_id, units in lot.associations:
            insert_association(conn, lot.id, product_id, units)
        insert_barcode(conn, _seed_uuid("barcode", lot.id), inventory_barcode_value(lot.id), "inventory", lot.id,
                       format_naive(received), None)

    seeded = format_naive(now)
    others = (
        (BARCODE_PATIENT, "patient", PATIENT_ID, None, True),
        (BARCODE_ORDER, "order", ORDER_ID, None, True),
        (BARCODE_PRESCRIPTION, "prescription", PRESCRIPTION_ID, None, True),
        (BARCODE_USER, "user", DEMO_USER_ID, format_naive(now + dt.timedelta(hours=1)), True),
        (BARCODE_USER_EXPIRED, "user", DEMO_USER_ID, format_naive(now - dt.timedelta(days=1)), True),
        (BARCODE_INVENTORY_INACTIVE, "inventory", LOT_MUPIROCIN_ID, None, False),
    )
    for value, entity_type, entity_id, expires_at, active in others:
        insert_barcode(conn, _seed_uuid("barcode", value), value, entity_type, entity_id, seeded, expires_at, active)


def _seed_uuid(kind: str, key: str) -> str:
    digest = hashlib.sha256(f"{kind}:{key}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
