"""diagnose(): realistic scanner faults on the test sheet codes, and the all-correct case."""

from __future__ import annotations

import pytest

from station.codes.layouts import host_text_for_us
from station.codes.scanner_check import (
    DEFAULT_MAX_KEY_GAP_MS,
    Problem,
    ReceivedScan,
    Severity,
    diagnose,
    match_scan,
    split_aim_identifier,
    visible_text,
)
from station.labels.sheet_codes import GS, SHEET_CODES, sheet_code


def _correct_scans(aim: bool = True, **overrides) -> dict[str, ReceivedScan]:
    scans = {}
    for code in SHEET_CODES:
        prefix = code.aim_identifiers[0] if aim else ""
        scans[code.key] = ReceivedScan(prefix + code.expected_text, terminator="enter", max_gap_ms=4.0)
    for key, scan in overrides.items():
        scans[key.replace("_", "-")] = scan
    return scans


def _problems(findings) -> set[Problem]:
    return {finding.problem for finding in findings}


def _finding(findings, problem):
    matching = [finding for finding in findings if finding.problem is problem]
    assert len(matching) == 1, f"expected one {problem} finding, got {matching}"
    return matching[0]


def test_all_correct_with_aim():
    findings = diagnose(SHEET_CODES, list(_correct_scans().values()))

    assert [finding.problem for finding in findings] == [Problem.OK]
    assert findings[0].severity is Severity.OK
    assert set(findings[0].codes) == {code.key for code in SHEET_CODES}


def test_all_correct_without_aim():
    findings = diagnose(SHEET_CODES, list(_correct_scans(aim=False).values()))

    assert _problems(findings) == {Problem.OK, Problem.AIM_OFF}
    aim = _finding(findings, Problem.AIM_OFF)
    assert aim.severity is Severity.INFO
    assert "recommended" in aim.fix
    assert [finding.problem for finding in findings] == [Problem.OK, Problem.AIM_OFF]


def test_accepted_alternative_forms():
    # UPC-A sent as EAN-13, UPC-E expanded to UPC-A and EAN-13, a leading GS for FNC1, AIM in symbology.
    scans = _correct_scans(
        upc_a=ReceivedScan("0712345678904", terminator="tab"),
        upc_e=ReceivedScan("042100005264", terminator="enter"),
        gs1_128=ReceivedScan(GS + sheet_code("gs1-128").expected_text, terminator="enter"),
        ean_8=ReceivedScan("96385074", symbology="]E4", terminator="enter"),
    )
    findings = diagnose(SHEET_CODES, list(scans.values()))

    assert Problem.OK in _problems(findings)
    assert not _problems(findings) & {Problem.CHECK_DIGIT_STRIPPED, Problem.GS_LOST, Problem.UNRECOGNIZED}


def test_upc_e_expanded_to_ean13_is_correct():
    match = match_scan(ReceivedScan("]E00042100005264"), SHEET_CODES)

    assert match is not None
    assert match.code.key == "upc-e"
    assert match.problems == ()
    assert match.symbology == "]E0"


def test_layout_azerty_host():
    # A US-keyboard scanner on a French AZERTY host: the sheet's Code 128 text and the UPC-A.
    scans = _correct_scans(
        code_128_text=ReceivedScan('Aqè)Wy!?z:x°"', terminator="enter"),
        upc_a=ReceivedScan("è&é\"'(-è_çà'", terminator="enter"),
    )
    findings = diagnose(SHEET_CODES, list(scans.values()))

    layout = _finding(findings, Problem.LAYOUT)
    assert layout.severity is Severity.ERROR
    assert "French (AZERTY)" in layout.message
    assert "keyboard layout to fr" in layout.fix
    assert set(layout.codes) == {"code-128-text", "upc-a"}
    assert Problem.OK not in _problems(findings)
    assert Problem.UNRECOGNIZED not in _problems(findings)


@pytest.mark.parametrize("layout,name", [("de", "German (QWERTZ)"), ("it", "Italian (QWERTY)")])
def test_layout_other_hosts(layout, name):
    typed = host_text_for_us(sheet_code("code-128-text").expected_text, layout)
    scans = _correct_scans(code_128_text=ReceivedScan(typed, terminator="enter"))
    findings = diagnose(SHEET_CODES, list(scans.values()))

    assert typed != sheet_code("code-128-text").expected_text
    finding = _finding(findings, Problem.LAYOUT)
    assert name in finding.message
    assert f"keyboard layout to {layout}" in finding.fix


def test_layout_already_set_in_station():
    scans = [
        ReceivedScan(host_text_for_us(code.expected_text, "fr"), terminator="enter", layout="fr",
                     symbology=code.aim_identifiers[0])
        for code in SHEET_CODES
    ]
    findings = diagnose(SHEET_CODES, scans)

    assert [finding.problem for finding in findings] == [Problem.OK]


def test_layout_set_but_scanner_types_correctly():
    scans = [
        ReceivedScan(code.aim_identifiers[0] + code.expected_text, terminator="enter", layout="fr")
        for code in SHEET_CODES
    ]
    findings = diagnose(SHEET_CODES, scans)

    layout = _finding(findings, Problem.LAYOUT)
    assert "US (QWERTY)" in layout.message
    assert "French (AZERTY)" in layout.message
    assert "keyboard layout to us" in layout.fix
    assert "code-128-text" in layout.codes


def test_caps_lock():
    scans = _correct_scans(code_128_text=ReceivedScan("qA7-zY/mW.X_3", terminator="enter"))
    findings = diagnose(SHEET_CODES, list(scans.values()))

    caps = _finding(findings, Problem.CAPS_LOCK)
    assert caps.codes == ("code-128-text",)
    assert "Caps Lock" in caps.fix
    assert Problem.LAYOUT not in _problems(findings)


def test_gs_lost():
    scans = _correct_scans(
        gs1_128=ReceivedScan("]C1011036630230001710A7b-21727063021SN0042", terminator="enter"),
        gs1_datamatrix=ReceivedScan("010950600013435210Lot.x/2024-001721a1B2c317280229", terminator="enter"),
    )
    findings = diagnose(SHEET_CODES, list(scans.values()))

    gs = _finding(findings, Problem.GS_LOST)
    assert gs.severity is Severity.ERROR
    assert set(gs.codes) == {"gs1-128", "gs1-datamatrix"}
    assert "GS lost" in gs.fix
    assert "F8" in gs.fix


def test_gs_arrives_as_alt_code_digits():
    # Windows sends GS as Alt+029; a key path that drops Alt types the digits 029.
    text = sheet_code("gs1-datamatrix").expected_text.replace(GS, "029")
    scans = _correct_scans(gs1_datamatrix=ReceivedScan(text, terminator="enter"))
    findings = diagnose(SHEET_CODES, list(scans.values()))

    gs = _finding(findings, Problem.GS_LOST)
    assert "029" in gs.message
    assert "substitute" in gs.fix
    assert gs.codes == ("gs1-datamatrix",)


@pytest.mark.parametrize("key,received", [
    ("upc-a", "71234567890"),
    ("upc-a", "]E0071234567890"),
    ("upc-e", "0425261"),
    ("upc-e", "04210000526"),
    ("ean-13", "400638133393"),
    ("ean-8", "9638507"),
])
def test_check_digit_stripped(key, received):
    scans = _correct_scans(**{key.replace("-", "_"): ReceivedScan(received, terminator="enter")})
    findings = diagnose(SHEET_CODES, list(scans.values()))

    stripped = _finding(findings, Problem.CHECK_DIGIT_STRIPPED)
    assert stripped.codes == (key,)
    assert sheet_code(key).name in stripped.fix
    assert split_aim_identifier(received)[0] in stripped.message
    assert "check digit" in stripped.message


@pytest.mark.parametrize("received,check_digit_too", [("4252614", False), ("425261", True)])
def test_number_system_stripped(received, check_digit_too):
    scans = _correct_scans(upc_e=ReceivedScan(received, terminator="enter"))
    findings = diagnose(SHEET_CODES, list(scans.values()))

    number_system = _finding(findings, Problem.NUMBER_SYSTEM_STRIPPED)
    assert number_system.codes == ("upc-e",)
    assert (Problem.CHECK_DIGIT_STRIPPED in _problems(findings)) is check_digit_too


def test_suffix_missing():
    scans = {key: ReceivedScan(scan.text, max_gap_ms=3.0) for key, scan in _correct_scans().items()}
    findings = diagnose(SHEET_CODES, list(scans.values()))

    suffix = _finding(findings, Problem.SUFFIX)
    assert suffix.severity is Severity.WARNING
    assert "Enter" in suffix.fix
    assert len(suffix.codes) == len(SHEET_CODES)
    assert Problem.OK not in _problems(findings)


def test_keys_too_slow():
    scans = _correct_scans(code_128_text=ReceivedScan("Qa7-Zy/Mw.x_3", terminator="enter", max_gap_ms=80.0))
    findings = diagnose(SHEET_CODES, list(scans.values()), max_key_gap_ms=50.0)

    slow = _finding(findings, Problem.TOO_SLOW)
    assert slow.severity is Severity.ERROR
    assert "80 ms" in slow.message
    assert "max key gap" in slow.fix
    assert "intercharacter delay" in slow.fix


def test_keys_close_to_limit():
    gap = DEFAULT_MAX_KEY_GAP_MS * 0.9
    scans = _correct_scans(ean_13=ReceivedScan("4006381333931", terminator="enter", max_gap_ms=gap))
    findings = diagnose(SHEET_CODES, list(scans.values()))

    assert _finding(findings, Problem.TOO_SLOW).severity is Severity.WARNING


def test_keys_fast_enough():
    findings = diagnose(SHEET_CODES, list(_correct_scans().values()), max_key_gap_ms=20.0)  # gaps are 4 ms

    assert Problem.TOO_SLOW not in _problems(findings)


def test_scan_split_at_pause():
    expected = sheet_code("gs1-128").expected_text
    scans = list(_correct_scans().values())
    scans = [scan for scan in scans if GS not in scan.text or "A7b" not in scan.text]
    scans += [ReceivedScan(expected[:14]), ReceivedScan(expected[14:], terminator="enter")]
    findings = diagnose(SHEET_CODES, scans)

    slow = _finding(findings, Problem.TOO_SLOW)
    assert slow.codes == ("gs1-128",)
    assert "pieces" in slow.message
    assert Problem.UNRECOGNIZED not in _problems(findings)


def test_extra_prefix():
    scans = _correct_scans(ean_8=ReceivedScan("@@96385074", terminator="enter"))
    findings = diagnose(SHEET_CODES, list(scans.values()))

    extra = _finding(findings, Problem.EXTRA_TEXT)
    assert "@@" in extra.message
    assert "before EAN-8" in extra.message
    assert extra.codes == ("ean-8",)


def test_unrecognized_text():
    scans = [*_correct_scans().values(), ReceivedScan("hello", terminator="enter")]
    findings = diagnose(SHEET_CODES, scans)

    unknown = _finding(findings, Problem.UNRECOGNIZED)
    assert '"hello"' in unknown.message
    assert Problem.OK not in _problems(findings)


def test_nothing_scanned():
    findings = diagnose(SHEET_CODES, [])

    assert [finding.problem for finding in findings] == [Problem.NOT_SCANNED]
    assert findings[0].codes == tuple(code.key for code in SHEET_CODES)
    assert "DataMatrix" in findings[0].fix


def test_errors_sorted_first():
    scans = _correct_scans(aim=False, upc_a=ReceivedScan("71234567890", terminator="enter"))
    findings = diagnose(SHEET_CODES, list(scans.values()))
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.OK: 2, Severity.INFO: 3}

    assert findings[0].problem is Problem.CHECK_DIGIT_STRIPPED
    assert [order[f.severity] for f in findings] == sorted(order[f.severity] for f in findings)


def test_aim_narrows_match():
    # 96385074 is EAN-8; with ]E4 it must not be taken for anything else.
    match = match_scan(ReceivedScan("]E496385074"), SHEET_CODES)

    assert match is not None
    assert match.code.key == "ean-8"
    assert match.symbology == "]E4"


def test_visible_text_control_characters():
    assert visible_text(f"10A{GS}17\r") == "10A<GS>17<CR>"
    assert visible_text("x" * 100, limit=10) == "x" * 9 + "…"
