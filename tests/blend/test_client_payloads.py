"""The client parses every documented example payload and the reply shapes Blend may send instead.

A canned HTTP server on 127.0.0.1 sends the payloads, so they go through the client's real request path.
"""

from __future__ import annotations

import datetime as dt

import pytest

from station.blend.client import BlendClient
from station.blend.errors import NotFound, ProtocolError, RateLimited, Rejected, Unauthorized, Unavailable
from station.blend.models import Lot, parse_timestamp

LOT_ID = "0227d1e5-ba9a-42b5-8fe2-38882aa65708"
UTC = dt.UTC


@pytest.fixture
def client(canned):
    with BlendClient(canned.url) as blend:
        blend.login("chad@byblend.com", "ch4db13nd$$")
        yield blend


def test_login_example_parsed(canned, examples):
    with BlendClient(canned.url) as blend:
        user = blend.login("chad@byblend.com", "ch4db13nd$$")

        assert user.id == "0227d1e5-ba9a-42b5-8fe2-38882aa65708"
        assert user.display_name == "Chad Birkenstock"
        assert user.role == "admin"
        assert user.created_at == dt.datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
        assert blend.refresh_token == examples["login"]["refresh_token"]
        assert blend.user == user
    login_request = canned.requests[0]
    assert login_request["body"] == {"email": "chad@byblend.com", "password": "ch4db13nd$$"}
    assert login_request["authorization"] is None


def test_refresh_example_sends_refresh_token(canned, client, examples):
    client.refresh()

    refresh_request = [r for r in canned.requests if r["path"] == "/api/v1/auth/refresh"][-1]
    assert refresh_request["authorization"] == "Bearer " + examples["login"]["refresh_token"]
    canned.reply("GET", "/auth/verify", 200, examples["verify"])
    client.verify()
    verify_request = canned.requests[-1]
    assert verify_request["authorization"] == "Bearer " + examples["refresh"]["access_token"]


def test_verify_example_parsed(canned, client, examples):
    canned.reply("GET", "/auth/verify", 200, examples["verify"])

    reply = client.verify()

    assert reply.valid is True
    assert reply.user is not None
    assert reply.user.email == "chad@byblend.com"


def test_verify_invalid_raises_unauthorized(canned, client):
    canned.reply("GET", "/auth/verify", 200, {"valid": False})

    with pytest.raises(Unauthorized):
        client.verify()


def test_lot_example_parsed(canned, client, examples):
    canned.reply("GET", f"/products/inventory/{LOT_ID}", 200, examples["lot"])

    lot = client.get_lot(LOT_ID)

    assert lot.batch_number == "1234567890"
    assert lot.current_quantity == 80
    assert lot.initial_quantity == 100
    assert lot.cost_per_unit == 2.49
    assert lot.upc == "7-12345-67890-4"
    assert lot.expiry_date == dt.date(2025, 1, 1)
    assert lot.received_date == dt.datetime(2025, 1, 1, 18, 21, 45, 371623, tzinfo=UTC)
    assert lot.updated_at == dt.datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
    assert lot.associations is not None
    assert [kind for kind, _ in lot.associations.items()] == ["prescription", "non_prescription", "order_material"]
    assert lot.associations.prescription[0].units_per_product == 100
    assert lot.product_names == ["Special Blend Product"]


def test_grouped_inventory_example_parsed(canned, client, examples):
    other = dict(examples["lot"], id="11111111-2222-4333-8444-555555555555", batch_number="A24B117")
    # The documented example lists the same lot under two kinds; the client returns it once.
    canned.reply("GET", "/products/inventory", 200,
                 {"non_prescription": [examples["lot"]], "prescription": [examples["lot"], other]})

    lots = client.list_inventory()

    assert [lot.batch_number for lot in lots] == ["1234567890", "A24B117"]


@pytest.mark.parametrize("envelope", ["bare", "items", "results", "data"])
def test_inventory_list_shapes_parsed(canned, client, examples, envelope):
    body = [examples["lot"]] if envelope == "bare" else {envelope: [examples["lot"]], "total": 1}
    canned.reply("GET", "/products/inventory", 200, body)

    lots = client.list_inventory()

    assert len(lots) == 1
    assert lots[0].id == LOT_ID


def test_inventory_pages_followed(canned, client, examples):
    second = dict(examples["lot"], id="22222222-2222-4333-8444-555555555555")
    canned.routes[("GET", "/api/v1/products/inventory")] = [
        (200, {"items": [examples["lot"]], "page": 1, "total_pages": 2}, {}),
        (200, {"items": [second], "page": 2, "total_pages": 2}, {}),
    ]

    lots = client.list_inventory()

    assert [lot.id for lot in lots] == [LOT_ID, second["id"]]
    assert canned.requests[-1]["path"] == "/api/v1/products/inventory?page=2"


def test_next_link_to_other_host_ignored(canned, client, examples):
    canned.reply("GET", "/products/inventory", 200,
                 {"items": [examples["lot"]], "next": "https://elsewhere.example/api/v1/products/inventory?page=2"})

    lots = client.list_inventory()

    assert len(lots) == 1
    assert canned.count("GET", "/products/inventory") == 1


def test_product_inventory_item_without_id_parsed(examples):
    lot = Lot.model_validate(examples["product_inventory_item"])

    assert lot.id is None
    assert lot.units_per_product == 100
    assert lot.associations is None
    assert lot.current_quantity == 80


def test_associations_example_parsed(canned, client, examples):
    canned.reply("GET", f"/products/inventory/{LOT_ID}/associations", 200, examples["associations"])

    associations = client.get_associations(LOT_ID)

    assert associations.product_names() == ["Special Blend Product"]
    assert associations.prescription[0].customer == "Health First Telemedicine Clinic"
    assert associations.order_material == []


def test_barcode_example_parsed(canned, client, examples):
    canned.reply("POST", "/barcodes/verify", 200, examples["barcode"])

    barcode = client.verify_barcode(examples["barcode"]["barcode_value"])

    assert barcode.entity_type == "user"
    assert barcode.entity_id == "3da03bd9-26cd-487c-9619-d4e1b0c26f24"
    assert barcode.expires_at == dt.datetime(2025, 4, 29, 3, 47, 19, 834495, tzinfo=UTC)
    assert canned.requests[-1]["body"] == {"barcode_value": examples["barcode"]["barcode_value"]}


def test_create_barcode_example_parsed(canned, client, examples):
    canned.reply("POST", f"/barcodes/user/{examples['barcode']['entity_id']}", 201, examples["barcode"])

    barcode = client.create_barcode("user", examples["barcode"]["entity_id"])

    assert barcode.barcode_value == "USER-3da03bd9-26cd-487c-9619-d4e1b0c26f24-7172173f"
    assert barcode.image is not None
    assert barcode.image.startswith("data:image/png;base64,")


def test_products_example_parsed(canned, client, examples):
    canned.reply("GET", "/products", 200, examples["products"])

    groups = client.list_products()

    assert groups.prescription[0].name == "Mupirocin"
    assert groups.prescription[0].current_stock is None
    assert groups.order_material[0].current_stock == 927
    assert groups.non_prescription[0].price == 39.99


def test_flat_products_sorted_by_kind(canned, client, examples):
    flat = [dict(item, type=kind) for kind, items in examples["products"].items() for item in items]
    canned.reply("GET", "/products", 200, {"items": flat})

    groups = client.list_products()

    assert [p.id for p in groups.order_material] == [examples["products"]["order_material"][0]["id"]]
    assert len(groups.prescription) == 1


def test_flat_products_without_kind_use_kind_lists(canned, client, examples):
    canned.reply("GET", "/products", 200, {"items": [{"id": "x", "name": "No kind"}]})
    for kind, items in examples["products"].items():
        canned.reply("GET", f"/products/{kind}", 200, items)

    groups = client.list_products()

    assert groups.non_prescription[0].unit_type == "ml"
    assert groups.prescription[0].id == examples["products"]["prescription"][0]["id"]
    assert canned.count("GET", "/products/order_material") == 1


def test_search_example_parsed(canned, client, examples):
    canned.reply("GET", "/search/products", 200, examples["search_products"])

    results = client.search_products("rapamycin", limit=10)

    assert results[0].name == "Rapamycin 1% cream"
    assert results[0].model_extra is not None
    assert results[0].model_extra["rank"] == 0.7
    assert results[0].model_extra["result_type"] == "prescription"
    assert canned.requests[-1]["path"] == "/api/v1/search/products?q=rapamycin&limit=10"


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-15T12:00:00Z", dt.datetime(2025, 3, 15, 12, 0, tzinfo=UTC)),
    ("2025-01-01T18:21:45.371623", dt.datetime(2025, 1, 1, 18, 21, 45, 371623, tzinfo=UTC)),
    ("2025-01-01T00:00:00", dt.datetime(2025, 1, 1, tzinfo=UTC)),
    ("2025-03-15T12:00:00.123456Z", dt.datetime(2025, 3, 15, 12, 0, 0, 123456, tzinfo=UTC)),
    ("2025-03-15T14:00:00+02:00", dt.datetime(2025, 3, 15, 12, 0, tzinfo=UTC)),
    ("2025-01-01", dt.datetime(2025, 1, 1, tzinfo=UTC)),
])
def test_timestamp_forms_parsed(canned, client, examples, text, expected):
    canned.reply("GET", f"/products/inventory/{LOT_ID}", 200, dict(examples["lot"], updated_at=text))

    lot = client.get_lot(LOT_ID)

    assert lot.updated_at == expected
    assert parse_timestamp(text) == expected


def test_wrong_field_type_names_path_and_field(canned, client, examples):
    canned.reply("GET", f"/products/inventory/{LOT_ID}", 200, dict(examples["lot"], current_quantity="many"))

    with pytest.raises(ProtocolError) as caught:
        client.get_lot(LOT_ID)

    assert f"/api/v1/products/inventory/{LOT_ID}" in str(caught.value)
    assert "current_quantity" in str(caught.value)


def test_non_json_body_is_protocol_error(canned, client):
    canned.routes[("GET", f"/api/v1/products/inventory/{LOT_ID}")] = [(200, b"<html>portal</html>",
                                                                        {"Content-Type": "text/html"})]

    with pytest.raises(ProtocolError, match="not JSON"):
        client.get_lot(LOT_ID)


def test_unknown_inventory_shape_is_protocol_error(canned, client):
    canned.reply("GET", "/products/inventory", 200, {"status": "ok"})

    with pytest.raises(ProtocolError, match="/api/v1/products/inventory"):
        client.list_inventory()


@pytest.mark.parametrize(("body", "expected"), [
    ({"detail": "Lot is locked by another user"}, "Lot is locked by another user"),
    ({"detail": [{"loc": ["body", "additional_quantity"], "msg": "Input should be a valid integer"}]},
     "additional_quantity: Input should be a valid integer"),
    ({"message": "Quantity too large"}, "Quantity too large"),
    ({"error": "conflict with a pending count"}, "conflict with a pending count"),
    ({"error": {"message": "nested text"}}, "nested text"),
])
def test_rejection_message_from_error_body(canned, client, body, expected):
    canned.reply("PATCH", f"/products/inventory/{LOT_ID}/quantity", 409, body)

    with pytest.raises(Rejected) as caught:
        client.adjust_quantity(LOT_ID, 5)

    assert caught.value.server_message == expected
    assert expected in str(caught.value)
    assert f"+5 to lot {LOT_ID}" in str(caught.value)


def test_negative_change_refusal_explained(canned, client):
    canned.reply("PATCH", f"/products/inventory/{LOT_ID}/quantity", 422, {"detail": [
        {"loc": ["body", "additional_quantity"], "msg": "Input should be greater than or equal to 0"}]})

    with pytest.raises(Rejected) as caught:
        client.adjust_quantity(LOT_ID, -3)

    assert str(caught.value).startswith("Blend refused a negative quantity change: ")
    assert "greater than or equal to 0" in str(caught.value)
    assert caught.value.status == 422


def test_positive_change_refusal_not_called_negative(canned, client):
    canned.reply("PATCH", f"/products/inventory/{LOT_ID}/quantity", 422, {"detail": "must be positive"})

    with pytest.raises(Rejected) as caught:
        client.adjust_quantity(LOT_ID, 3)

    assert "negative" not in str(caught.value)


@pytest.mark.parametrize(("status", "maybe_applied"), [(500, False), (502, True), (503, True), (504, True)])
def test_patch_5xx_maybe_applied(canned, client, status, maybe_applied):
    canned.reply("PATCH", f"/products/inventory/{LOT_ID}/quantity", status, {"detail": "upstream trouble"})

    with pytest.raises(Unavailable) as caught:
        client.adjust_quantity(LOT_ID, -1)

    assert caught.value.maybe_applied is maybe_applied
    assert caught.value.status == status
    assert canned.count("PATCH", f"/products/inventory/{LOT_ID}/quantity") == 1


def test_get_5xx_not_applied(canned, client):
    canned.reply("GET", f"/products/inventory/{LOT_ID}", 503, {"detail": "maintenance"})

    with pytest.raises(Unavailable) as caught:
        client.get_lot(LOT_ID)

    assert caught.value.maybe_applied is False
    assert "maintenance" in str(caught.value)


def test_get_retried_once_after_429(canned, client, examples):
    canned.routes[("GET", f"/api/v1/products/inventory/{LOT_ID}")] = [
        (429, {"detail": "slow down"}, {"Retry-After": "0"}),
        (200, examples["lot"], {}),
    ]

    lot = client.get_lot(LOT_ID)

    assert lot.id == LOT_ID
    assert canned.count("GET", f"/products/inventory/{LOT_ID}") == 2


def test_patch_429_not_retried(canned, client):
    canned.reply("PATCH", f"/products/inventory/{LOT_ID}/quantity", 429, {"detail": "slow down"},
                 {"Retry-After": "7"})

    with pytest.raises(RateLimited) as caught:
        client.adjust_quantity(LOT_ID, -1)

    assert caught.value.retry_after == 7
    assert canned.count("PATCH", f"/products/inventory/{LOT_ID}/quantity") == 1


def test_403_is_unauthorized_after_one_refresh(canned, client):
    canned.reply("GET", f"/products/inventory/{LOT_ID}", 403, {"detail": "Forbidden for this customer"})

    with pytest.raises(Unauthorized) as caught:
        client.get_lot(LOT_ID)

    assert "Forbidden for this customer" in str(caught.value)


def test_unknown_barcode_not_found(canned, client):
    canned.reply("POST", "/barcodes/verify", 404, {"detail": "Barcode not found"})

    with pytest.raises(NotFound) as caught:
        client.verify_barcode("PATIENT-00000000-0000-4000-8000-000000000000-00000000")

    assert "PATIENT-" not in str(caught.value)


def test_access_token_without_exp_lasts_an_hour(canned, examples):
    now = [1_000_000.0]
    canned.reply("GET", "/auth/verify", 200, examples["verify"])
    with BlendClient(canned.url, clock=lambda: now[0]) as blend:
        blend.login("chad@byblend.com", "ch4db13nd$$")

        now[0] += 3600 - 120
        blend.verify()
        refreshes_before_margin = canned.count("POST", "/auth/refresh")
        now[0] += 90
        blend.verify()

    assert refreshes_before_margin == 0
    assert canned.count("POST", "/auth/refresh") == 1
