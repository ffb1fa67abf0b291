"""``scan-station adjust``, ``journal`` and ``sync`` run in-process against the sandbox."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest

from station.cli import main
from station.commands.common import EXIT_ERROR, EXIT_NO_MATCH, EXIT_OK, EXIT_PENDING
from station.ledger import AdjustmentState, Ledger
from station.paths import ledger_path
from station.sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD, LOT_EMPTY_ID, LOT_MUPIROCIN_ID

MUPIROCIN_START = 80


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "cli-data"


@pytest.fixture
def api_options(sandbox, data_dir):
    return ["--api", sandbox.url, "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD, "--data-dir", str(data_dir)]


def _journal_json(data_dir, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["journal", "--json", "--data-dir", str(data_dir)]) == EXIT_OK
    return json.loads(capsys.readouterr().out)


def test_adjust_negative_delta_applied(api_options, sandbox, data_dir, capsys):
    code = main(["adjust", LOT_MUPIROCIN_ID, "-1", *api_options])
    captured = capsys.readouterr()

    assert code == EXIT_OK
    lot = json.loads(captured.out)
    assert lot["id"] == LOT_MUPIROCIN_ID
    assert lot["current_quantity"] == MUPIROCIN_START - 1
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 1

    entries = _journal_json(data_dir, capsys)
    assert len(entries) == 1
    assert entries[0]["type"] == "adjustment"
    assert entries[0]["lot_id"] == LOT_MUPIROCIN_ID
    assert entries[0]["delta"] == -1
    assert entries[0]["state"] == "applied"
    assert entries[0]["operator"] == DEMO_EMAIL
    assert entries[0]["quantity_after"] == MUPIROCIN_START - 1


def test_adjust_options_after_delta(api_options, sandbox, capsys):
    code = main(["adjust", *api_options, LOT_MUPIROCIN_ID, "+5"])

    assert code == EXIT_OK
    assert json.loads(capsys.readouterr().out)["current_quantity"] == MUPIROCIN_START + 5


def test_adjust_rejected_exit_1(api_options, sandbox, data_dir, capsys):
    code = main(["adjust", LOT_EMPTY_ID, "-1", *api_options])
    captured = capsys.readouterr()

    assert code == EXIT_NO_MATCH
    assert captured.out == ""
    assert "below zero" in captured.err
    entries = _journal_json(data_dir, capsys)
    assert entries[0]["state"] == "rejected"
    assert "below zero" in entries[0]["reason"]


@pytest.mark.parametrize("delta", ["0", "abc", "1.5"])
def test_adjust_invalid_delta_exit_2(api_options, delta, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["adjust", LOT_MUPIROCIN_ID, delta, *api_options])
    assert exit_info.value.code == EXIT_ERROR
    assert "invalid DELTA" in capsys.readouterr().err


@pytest.mark.parametrize("lot_id", ["", "  "])
def test_adjust_blank_lot_id_exit_2(api_options, data_dir, lot_id, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["adjust", lot_id, "-1", *api_options])
    error = capsys.readouterr().err

    assert exit_info.value.code == EXIT_ERROR
    assert f"invalid LOT_ID {lot_id!r}: the lot id is blank" in error
    assert "scan-station lookup CODE" in error
    assert "Traceback" not in error
    assert not ledger_path(data_dir).exists()


def test_adjust_malformed_lot_id_exit_2(api_options, data_dir, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["adjust", "nonexistent-lot", "-1", *api_options])
    error = capsys.readouterr().err

    assert exit_info.value.code == EXIT_ERROR
    assert "invalid LOT_ID 'nonexistent-lot': expected a lot id, a UUID such as" in error
    assert "scan-station lookup CODE" in error
    assert not ledger_path(data_dir).exists()


def test_adjust_unknown_lot_not_found_exit_1(api_options, data_dir, capsys):
    lot_id = "00000000-0000-4000-8000-00000000dead"
    code = main(["adjust", lot_id, "-1", *api_options])
    error = capsys.readouterr().err

    assert code == EXIT_NO_MATCH
    assert f"rejected: Lot {lot_id} was not found in the inventory" in error
    assert "no longer exists" not in error
    assert error.rstrip().endswith("Check the lot id with `scan-station lookup CODE`, which prints the lots of "
                                   "a scanned code.")
    assert ".." not in error
    entries = _journal_json(data_dir, capsys)
    assert entries[0]["state"] == "rejected"


def test_adjust_queued_message_punctuation(api_options, sandbox, data_dir, capsys):
    ledger = Ledger(ledger_path(data_dir))
    earlier = ledger.create_adjustment(LOT_MUPIROCIN_ID, -1)
    ledger.append_event(earlier.id, AdjustmentState.SENT, quantity=MUPIROCIN_START)
    ledger.close()

    code = main(["adjust", LOT_MUPIROCIN_ID, "-2", *api_options])
    error = capsys.readouterr().err

    assert code == EXIT_PENDING
    assert "queued: Waiting behind an earlier adjustment of this lot (-1, sent). Run `scan-station sync`" in error
    assert ".." not in error


def test_adjust_missing_credentials_exit_2(data_dir, capsys):
    code = main(["adjust", LOT_MUPIROCIN_ID, "-1", "--data-dir", str(data_dir)])
    assert code == EXIT_ERROR
    assert "--api" in capsys.readouterr().err


def test_adjust_wrong_password_exit_2(sandbox, data_dir, capsys):
    code = main(["adjust", LOT_MUPIROCIN_ID, "-1", "--api", sandbox.url, "--email", DEMO_EMAIL,
                 "--password", "wrong-password-1!", "--data-dir", str(data_dir)])
    assert code == EXIT_ERROR
    assert "sign-in" in capsys.readouterr().err
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START


def test_adjust_queued_behind_unknown_exit_3(api_options, sandbox, data_dir, capsys):
    # An earlier adjustment of the lot was sent just now without a response: the new one must wait.
    ledger = Ledger(ledger_path(data_dir))
    earlier = ledger.create_adjustment(LOT_MUPIROCIN_ID, -1)
    ledger.append_event(earlier.id, AdjustmentState.SENT, quantity=MUPIROCIN_START)
    ledger.close()

    code = main(["adjust", LOT_MUPIROCIN_ID, "-2", *api_options])
    captured = capsys.readouterr()

    assert code == EXIT_PENDING
    assert captured.out == ""
    assert "queued" in captured.err
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START


def test_sync_settles_and_exits_0(api_options, sandbox, data_dir, capsys):
    ledger = Ledger(ledger_path(data_dir))
    queued = ledger.create_adjustment(LOT_MUPIROCIN_ID, -4)
    ledger.close()

    code = main(["sync", *api_options])
    output = capsys.readouterr().out

    assert code == EXIT_OK
    assert "applied: 1" in output
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 4
    states = {entry["id"]: entry["state"] for entry in _journal_json(data_dir, capsys)}
    assert states[queued.id] == "applied"


def test_sync_review_exits_3(api_options, sandbox, data_dir, capsys):
    from station.blend.client import BlendClient

    ledger = Ledger(ledger_path(data_dir), clock=lambda: time.time() - 3600)  # sent an hour ago
    lost = ledger.create_adjustment(LOT_MUPIROCIN_ID, -1)
    with BlendClient(sandbox.url) as other_station:
        other_station.login(DEMO_EMAIL, DEMO_PASSWORD)
        base = other_station.get_lot(LOT_MUPIROCIN_ID)
        ledger.append_event(lost.id, AdjustmentState.SENT, quantity=base.current_quantity,
                            updated_at=base.updated_at)
        other_station.adjust_quantity(LOT_MUPIROCIN_ID, -7)
    ledger.close()

    code = main(["sync", *api_options])
    output = capsys.readouterr().out

    assert code == EXIT_PENDING
    assert "needs review: 1" in output
    assert lost.id in output
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 7


def test_journal_formats(api_options, data_dir, capsys):
    assert main(["adjust", LOT_MUPIROCIN_ID, "-1", *api_options]) == EXIT_OK
    capsys.readouterr()

    assert main(["journal", "--csv", "--data-dir", str(data_dir)]) == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1
    assert rows[0]["type"] == "adjustment"
    assert rows[0]["delta"] == "-1"
    assert rows[0]["state"] == "applied"

    assert main(["journal", "--data-dir", str(data_dir)]) == EXIT_OK
    table = capsys.readouterr().out
    assert f"lot {LOT_MUPIROCIN_ID} -1" in table
    assert "applied" in table


def test_journal_empty(data_dir, capsys):
    assert main(["journal", "--json", "--data-dir", str(data_dir)]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == []


def test_journal_table_shows_control_characters(data_dir, capsys):
    from station.codes import parse_scan

    ledger = Ledger(ledger_path(data_dir))
    ledger.record_scan(parse_scan("\x1b[31mred\x07"), operator="amy", outcome="rejected",
                       message="bad \x1b]0;title\x07")
    ledger.close()

    assert main(["journal", "--data-dir", str(data_dir)]) == EXIT_OK
    table = capsys.readouterr().out
    assert "<ESC>[31mred<BEL>" in table
    assert "bad <ESC>]0;title<BEL>" in table
    assert "\x1b" not in table
    assert "\x07" not in table
