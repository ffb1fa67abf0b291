"""The window end to end against the sandbox: scanner bursts, the lot card, adjustments."""

from __future__ import annotations

import httpx
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from station.blend.client import BlendClient
from station.sandbox import seed
from ui.app import Connection, build_window


def sandbox_quantity(sandbox, lot_id: str) -> int:
    """Read a lot's quantity back over HTTP, as any other Blend client would."""
    with httpx.Client(base_url=sandbox.url, timeout=10) as http:
        token = http.post("/api/v1/auth/login", json={"email": seed.DEMO_EMAIL, "password": seed.DEMO_PASSWORD})
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        response = http.get(f"/api/v1/products/inventory/{lot_id}", headers=headers)
        response.raise_for_status()
        return response.json()["current_quantity"]


def scanner_burst(widget, text: str) -> None:
    """Type ``text`` into the focused widget the way a USB scanner does: all keys at once, then Enter."""
    for char in text:
        QTest.keyClick(widget, char)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def test_scanner_burst_in_amount_field_shows_lot(qtbot, window, sandbox):
    amount = window.adjust_bar.amount
    amount.setFocus()
    qtbot.waitUntil(amount.hasFocus, timeout=5000)

    with qtbot.waitSignal(window.lot_shown, timeout=15000) as shown:
        scanner_burst(amount, "712345678904")

    assert shown.args[0].id == seed.LOT_MUPIROCIN_ID
    assert window.card.lot.id == seed.LOT_MUPIROCIN_ID
    assert amount.text() == ""
    assert "1234567890" in window.card.batch.text()
    assert window.card.quantity.text() == "80 mg"

    before = sandbox_quantity(sandbox, seed.LOT_MUPIROCIN_ID)
    with qtbot.waitSignal(window.adjustment_finished, timeout=15000):
        qtbot.mouseClick(window.adjust_bar.minus_one, Qt.MouseButton.LeftButton)
    assert sandbox_quantity(sandbox, seed.LOT_MUPIROCIN_ID) == before - 1
    assert window.card.quantity.text() == f"{before - 1} mg"


def test_below_zero_shows_sandbox_message(qtbot, window, sandbox):
    window.handle_scan("712345678904")
    qtbot.waitUntil(lambda: window.card.lot is not None, timeout=15000)
    with qtbot.waitSignal(window.adjustment_finished, timeout=15000):
        window.request_adjustment(-100000)
    assert "below zero" in window.banner.text.text()
    assert sandbox_quantity(sandbox, seed.LOT_MUPIROCIN_ID) == 80


def test_not_found_banner_keeps_window_working(qtbot, window):
    with qtbot.waitSignal(window.scan_finished, timeout=15000):
        window.handle_scan("036000291452")
    assert window.card.lot is None
    assert "No lot" in window.banner.text.text()
    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("712345678904")
    assert window.card.lot.id == seed.LOT_MUPIROCIN_ID


def test_invalid_scan_names_the_reason(qtbot, window):
    with qtbot.waitSignal(window.scan_finished, timeout=15000):
        window.handle_scan("72527273070")
    assert window.card.lot is None
    assert "check digit" in window.banner.text.text()


def test_gs1_scan_opens_exact_lot_sharing_gtin(qtbot, window):
    """Two Semaglutide lots share one UPC; the DataMatrix's batch picks exactly one."""
    lots = [lot for lot in window.session.inventory.index.lots if lot.upc == "8-42135-00102-2"]
    assert len(lots) == 2
    target = lots[1]
    expiry = target.expiry_date.strftime("%y%m%d")
    with qtbot.waitSignal(window.lot_shown, timeout=15000) as shown:
        window.handle_scan(f"0100842135001022" f"17{expiry}10{target.batch_number}", "]d2")
    assert shown.args[0].id == target.id


def test_offline_change_queues_then_applies(qtbot, tmp_path):
    from station.sandbox.server import SandboxServer

    server = SandboxServer(db_path=tmp_path / "outage.sqlite3").start()
    port = server.port
    client = BlendClient(server.url, connect_timeout=1, read_timeout=3)
    client.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
    (tmp_path / "outage-station").mkdir()
    main = build_window(Connection(client, tmp_path / "outage-station", "Blend", demo=False))
    qtbot.addWidget(main)
    main.show()
    try:
        with qtbot.waitSignal(main.lot_shown, timeout=15000):
            main.handle_scan("712345678904")
        server.stop()
        with qtbot.waitSignal(main.adjustment_finished, timeout=15000) as finished:
            main.request_adjustment(-1)
        assert finished.args[0].state.value == "pending"
        assert "outbox" in main.banner.text.text()
        qtbot.waitUntil(lambda: "Outbox 1" in main.header.outbox.text(), timeout=10000)

        with qtbot.waitSignal(main.scan_finished, timeout=15000):
            main.handle_scan("712345678904")
        assert "Offline" in main.header.source.text()
        assert "cache" in main.card.status.text()
        qtbot.waitUntil(lambda: main.card.pending.text() == "\u22121 waiting in the outbox", timeout=10000)

        server = SandboxServer(db_path=tmp_path / "outage.sqlite3", port=port).start()
        qtbot.waitUntil(lambda: "Outbox 0" in main.header.outbox.text(), timeout=20000)
        assert server.get_lot_quantity(seed.LOT_MUPIROCIN_ID) == 79
        qtbot.waitUntil(lambda: main.card.quantity.text() == "79 mg", timeout=10000)
        qtbot.waitUntil(lambda: "Online" in main.header.source.text(), timeout=10000)
        qtbot.waitUntil(lambda: not main.card.pending.isVisible(), timeout=10000)
        assert "applied" in main.banner.text.text()
    finally:
        main.runner.wait_for_done(15000)
        QApplication.removeEventFilter(QApplication.instance(), main.wedge)
        main.session.close()
        server.stop()


def test_f3_dispenses_one_product_unit(qtbot, window, sandbox):
    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("712345678904")
    assert "\u2212100" in window.adjust_bar.dispense.full_text()
    with qtbot.waitSignal(window.adjustment_finished, timeout=15000):
        QTest.keyClick(window, Qt.Key.Key_F3)
    # 100 mg per unit from a lot of 80 mg: Blend rejects it, and the banner shows the reason.
    assert "below zero" in window.banner.text.text()
    assert sandbox_quantity(sandbox, seed.LOT_MUPIROCIN_ID) == 80


def test_ctrl_z_in_amount_field_undoes_change(qtbot, window, sandbox):
    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("712345678904")
    amount = window.adjust_bar.amount
    amount.setFocus()
    qtbot.waitUntil(amount.hasFocus, timeout=5000)
    QTest.keyClicks(amount, "-5")
    with qtbot.waitSignal(window.adjustment_finished, timeout=15000):
        QTest.keyClick(amount, Qt.Key.Key_Return)
    assert sandbox_quantity(sandbox, seed.LOT_MUPIROCIN_ID) == 75
    with qtbot.waitSignal(window.adjustment_finished, timeout=15000):
        QTest.keyClick(amount, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sandbox_quantity(sandbox, seed.LOT_MUPIROCIN_ID) == 80
    assert amount.text() == ""
    assert window.banner.text.text().startswith("Undone")
    assert not window.adjust_bar.undo.isEnabled()


def test_typed_amount_not_carried_to_next_lot(qtbot, window):
    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("712345678904")
    window.adjust_bar.amount.setText("-3")
    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("10D9T")
    assert window.adjust_bar.amount.text() == ""


def test_large_addition_needs_confirmation(qtbot, window, sandbox, monkeypatch):
    questions: list[str] = []
    monkeypatch.setattr(window, "confirm_large_change", lambda question: questions.append(question) or False)
    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("712345678904")
    window.request_adjustment(1_000_000)
    assert len(questions) == 1
    assert "1,000,000" in questions[0]
    assert window.banner.text.text() == "Change not made."
    assert sandbox_quantity(sandbox, seed.LOT_MUPIROCIN_ID) == 80


def test_scanner_with_aim_identifiers_finds_lot(qtbot, window):
    """A scanner set to send AIM identifiers types ]E0 before the code; the wedge reports it too."""
    amount = window.adjust_bar.amount
    amount.setFocus()
    qtbot.waitUntil(amount.hasFocus, timeout=5000)
    with qtbot.waitSignal(window.lot_shown, timeout=15000) as shown:
        scanner_burst(amount, "]E00712345678904")
    assert shown.args[0].id == seed.LOT_MUPIROCIN_ID
    assert amount.text() == ""


def test_key_during_lookup_changes_nothing(qtbot, window, sandbox):
    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("712345678904")
    window.handle_scan("10D9T")
    assert not window.adjust_bar.minus_one.isEnabled()
    window.request_adjustment(-1)
    assert "Wait for the scanned package" in window.banner.text.text()
    qtbot.waitUntil(lambda: window.card.lot.batch_number == "10D9T", timeout=15000)
    assert sandbox_quantity(sandbox, seed.LOT_MUPIROCIN_ID) == 80
    assert window.adjust_bar.minus_one.isEnabled()


def test_cancelled_picker_leaves_no_lot(qtbot, window):
    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("712345678904")
    with qtbot.waitSignal(window.scan_finished, timeout=15000):
        window.handle_scan("842135001022")
    assert window.card.lot is None
    assert not window.adjust_bar.minus_one.isEnabled()
    window._dialog.reject()
    assert window.card.lot is None


def test_new_scan_replaces_open_picker(qtbot, window):
    with qtbot.waitSignal(window.scan_finished, timeout=15000):
        window.handle_scan("842135001022")
    picker = window._dialog
    assert picker is not None
    with qtbot.waitSignal(window.lot_shown, timeout=15000) as shown:
        window.handle_scan("712345678904")
    assert shown.args[0].id == seed.LOT_MUPIROCIN_ID
    assert window._dialog is None
    assert not shiboken6.isValid(picker) or not picker.isVisible()
    qtbot.wait(200)
    assert window.card.lot.id == seed.LOT_MUPIROCIN_ID


def test_f1_during_scanner_burst_changes_nothing(qtbot, window, sandbox):
    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("10D9T")
    batch_lot = window.card.lot
    amount = window.adjust_bar.amount
    amount.setFocus()
    qtbot.waitUntil(amount.hasFocus, timeout=5000)
    for char in "0712":
        QTest.keyClick(amount, char)
    QTest.keyClick(amount, Qt.Key.Key_F1)
    assert "Wait for the scanned package" in window.banner.text.text()
    with qtbot.waitSignal(window.lot_shown, timeout=15000) as shown:
        for char in "34567890" + "4":
            QTest.keyClick(amount, char)
        QTest.keyClick(amount, Qt.Key.Key_Return)
    assert shown.args[0].id == seed.LOT_MUPIROCIN_ID
    qtbot.wait(300)
    assert sandbox_quantity(sandbox, seed.LOT_MUPIROCIN_ID) == 80
    assert sandbox_quantity(sandbox, batch_lot.id) == batch_lot.current_quantity
    assert [entry for entry in window.session.ledger.journal() if entry.type == "adjustment"] == []


def test_expired_lot_scan_warns_in_banner(qtbot, window):
    with qtbot.waitSignal(window.lot_shown, timeout=15000):
        window.handle_scan("362516110018")
    assert window.banner.state.name == "WARN"
    assert "do not dispense" in window.banner.text.text()
