"""``scan-station parse`` through station.cli.main: exit codes, JSON fields, --escaped and layouts."""

from __future__ import annotations

import json

import pytest

from station.cli import main
from station.commands.parse import strip_suffix, unescape
from tests.conftest import CASES_FILE


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["parse", "--json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_parse_valid_upc_exits_0(capsys):
    code, result = run_json(capsys, "712345678904")

    assert code == 0
    assert result["kind"] == "gtin"
    assert result["gtin14"] == "00712345678904"
    assert result["upc_inventory"] == "7-12345-67890-4"
    assert result["valid"] is True
    assert result["ambiguous"] is False


def test_parse_rejected_exits_1(capsys):
    code, result = run_json(capsys, "72527273070")

    assert code == 1
    assert result["valid"] is False
    assert result["candidate_upc_a"] == "725272730706"
    assert result["reason"].startswith("11 digits: UPC-A check digit not transmitted")


def test_parse_ambiguous_exits_1(capsys):
    code, result = run_json(capsys, "1021072911172405310100693570007182")

    assert code == 1
    assert result["ambiguous"] is True
    assert len(result["readings"]) == 23
    assert {"lot": "21072911", "expiry": "2024-05-31", "gtin14": "00693570007182"} in [
        {key: reading[key] for key in ("lot", "expiry", "gtin14")} for reading in result["readings"]
    ]


def test_parse_json_drug_case_fields(capsys):
    code, result = run_json(capsys, "--escaped", r"0110304094903115101724847.1\x1d1721033121118165795226\r")

    assert code == 0
    assert result["gtin14"] == "10304094903115"
    assert result["lot"] == "1724847.1"
    assert result["expiry"] == "2021-03-31"
    assert result["serial"] == "118165795226"
    assert result["ndc11_candidates"] == ["00409-4903-11", "04094-0903-11", "04094-9031-01"]
    assert result["candidate_base_unit_upc_a"] == "304094903118"
    assert result["packaging_indicator"] == "1"


def test_parse_escaped_gs_word(capsys):
    code, result = run_json(capsys, "--escaped", "011111111111111310xyz<GS>3040")

    assert code == 0
    assert result["lot"] == "xyz"
    assert result["count"] == 40


def test_parse_without_escaped_keeps_backslashes(capsys):
    _, result = run_json(capsys, r"10ab\x1d")

    assert result["text"] == "10ab\\x1d"
    assert result["kind"] == "text"


def test_parse_real_control_characters(capsys):
    code, result = run_json(capsys, "]C1011111111111111310xyz\x1d3040\r")

    assert code == 0
    assert result["symbology"] == "]C1"
    assert result["lot"] == "xyz"


def test_parse_ai_8200_field(capsys):
    code, result = run_json(
        capsys, "(01)09504000059101(21)12345678p901(10)1234567p(17)141120(8200)http://www.gs1.org/demo/"
    )

    assert code == 0
    assert result["ai_8200"] == "http://www.gs1.org/demo/"


def test_parse_summary_lists_fields(capsys):
    code = main(["parse", "17190700"])
    output = capsys.readouterr().out

    assert code == 0
    assert output.startswith("gs1 (valid)")
    assert "expiry: 2019-07-31" in output
    assert "fallback 1: batch number 17190700" in output


def test_parse_summary_rejected(capsys):
    code = main(["parse", "712345678905"])
    output = capsys.readouterr().out

    assert code == 1
    assert "Check digit of 712345678905 is wrong (expected 4)" in output


def test_parse_summary_shows_control_characters(capsys):
    code = main(["parse", "\x1b[31mred\x07\x9b\u202e"])
    output = capsys.readouterr().out

    assert code == 1
    assert "  text: <ESC>[31mred<BEL><0x9B><U+202E>\n" in output
    assert "\x1b" not in output
    assert "\x07" not in output
    assert "\x9b" not in output
    assert "\u202e" not in output


def test_parse_summary_escaped_gs_only(capsys):
    code = main(["parse", "--escaped", r"\x1d"])
    output = capsys.readouterr().out

    assert code == 1
    assert "The scan <GS> has no data after the GS1 prefix" in output
    assert "  text: <GS>\n" in output
    assert "code  has" not in output


def test_parse_wrong_gtin_element_exits_1(capsys):
    code, result = run_json(capsys, "0100712345678905")

    assert code == 1
    assert result["valid"] is False
    assert "wrong check digit 5 (expected 4)" in result["reason"]


def test_parse_french_layout_case_c19(capsys):
    case = next(case for case in json.loads(CASES_FILE.read_text(encoding="utf-8")) if case["id"] == "C19")

    code, result = run_json(capsys, "--keyboard-layout", case["options"]["keyboard_layout"], case["input"])

    assert result["text"] == case["expected"]["text"]
    assert result["kind"] == "text"
    assert code == 0


def test_parse_caps_lock_undone(capsys):
    _, result = run_json(capsys, "--caps-lock", "lot-a17")

    assert result["text"] == "LOT-A17"


def test_parse_unknown_layout_exits_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["parse", "--keyboard-layout", "xx", "123"])

    assert exited.value.code == 2


@pytest.mark.parametrize(
    ("written", "expected"),
    [(r"a\x1db", "a\x1db"), ("a<GS>b", "a\x1db"), (r"a\r\n\t", "a\r\n\t"), (r"a\\x1d", "a\\x1d"), ("plain", "plain")],
)
def test_unescape_forms(written, expected):
    assert unescape(written) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("abc\r\n", "abc"), ("abc\r", "abc"), ("abc\n", "abc"), ("abc\t", "abc"), ("a\tb", "a\tb")]
)
def test_strip_suffix_once(text, expected):
    assert strip_suffix(text) == expected
