"""The keyboard-wedge state machine, fed with synthetic key events as Qt would deliver them."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.codes import layouts
from station.codes.wedge import (
    GS,
    KEY_ALT,
    KEY_F1,
    KEY_RETURN,
    KEY_SHIFT,
    KEY_TAB,
    KeyEvent,
    ReplayOutput,
    ScanOutput,
    Wedge,
    WedgeConfig,
    decode_alt_code,
    undo_caps_lock,
)
from tests.conftest import CASES_FILE

KEY_F8 = KEY_F1 + 7
US_SHIFTED = set('~!@#$%^&*()_+{}|:"<>?ABCDEFGHIJKLMNOPQRSTUVWXYZ')
KEYPAD = frozenset({"keypad"})


def load_cases() -> list[dict]:
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))


@dataclass
class Keyboard:
    """Types like a US-layout scanner into a host: one press and release per key, ``gap`` seconds apart."""

    layout: str = "us"
    native: str | None = None  # "xkb" to attach X11 key codes of the physical keys
    gs_form: str = "control"  # "control", "ctrl", "alt" or "F8"
    caps_lock: bool = False
    time: float = 100.0
    gap: float = 0.004

    def type(self, text: str) -> list[KeyEvent]:
        events: list[KeyEvent] = []
        for char in text:
            events.extend(self._key(char))
        return events

    def _press_release(self, **fields) -> list[KeyEvent]:
        press = KeyEvent(time=self.time, **fields)
        release = KeyEvent(time=self.time + self.gap / 2, pressed=False, **fields)
        self.time += self.gap
        return [press, release]

    def _key(self, char: str) -> list[KeyEvent]:
        if char == "\r":
            return self._press_release(text="\r", key=KEY_RETURN)
        if char == "\t":
            return self._press_release(text="\t", key=KEY_TAB)
        if char == "\n":
            return self._press_release(text="\n", key=ord("J"), modifiers=frozenset({"ctrl"}))
        if char == GS:
            return self._gs()
        shifted = char in US_SHIFTED
        host_char = layouts.host_text_for_us(char, self.layout)
        if self.caps_lock:
            host_char = undo_caps_lock(host_char)
        fields = {"text": host_char, "key": _qt_key(host_char)}
        if shifted:
            fields["modifiers"] = frozenset({"shift"})
        if self.native == "xkb":
            code = next(code for code, chars in layouts.US_KEYS.items() if char in chars)
            fields["native_scan_code"] = code + 8
        return self._press_release(**fields)

    def _gs(self) -> list[KeyEvent]:
        if self.gs_form == "control":
            return self._press_release(text=GS)
        if self.gs_form == "ctrl":
            return self._press_release(text="", key=0x5D, modifiers=frozenset({"ctrl"}))
        if self.gs_form == "F8":
            return self._press_release(text="", key=KEY_F8)
        assert self.gs_form == "alt"
        return self.alt_code("029")

    def alt_code(self, digits: str) -> list[KeyEvent]:
        events = [KeyEvent(time=self.time, key=KEY_ALT, modifiers=frozenset({"alt"}))]
        self.time += self.gap
        for digit in digits:
            events.extend(self._press_release(text="", key=ord(digit), modifiers=KEYPAD | {"alt"}))
        events.append(KeyEvent(time=self.time, key=KEY_ALT, pressed=False))
        self.time += self.gap
        return events


def _qt_key(host_char: str) -> int:
    if len(host_char) != 1:
        return 0
    upper = host_char.upper()
    return ord(upper) if len(upper) == 1 and ord(upper) < 0x7F else 0


def run(wedge: Wedge, events: list[KeyEvent], settle: float = 5.0) -> list:
    outputs = []
    for event in events:
        outputs.extend(wedge.feed(event))
    outputs.extend(wedge.tick(events[-1].time + settle))
    return outputs


def scans(outputs: list) -> list[ScanOutput]:
    return [output for output in outputs if isinstance(output, ScanOutput)]


def replayed(outputs: list) -> list[KeyEvent]:
    return [event for output in outputs if isinstance(output, ReplayOutput) for event in output.events]


def scan_texts(config: WedgeConfig, events: list[KeyEvent]) -> list[str]:
    return [scan.text for scan in scans(run(Wedge(config), events))]


# Bursts and typing


def test_burst_then_enter_is_one_scan():
    events = Keyboard(gap=0.003).type("0123456789012345\r")
    assert events[-1].time - events[0].time < 0.050

    outputs = run(Wedge(), events)

    assert scans(outputs) == [ScanOutput("0123456789012345", "0123456789012345\r", None, events[-2].time, "\r")]
    assert replayed(outputs) == []


def test_typing_is_replayed_in_order():
    events = Keyboard(gap=0.120).type("Lot 12345\r")

    outputs = run(Wedge(), events)

    assert scans(outputs) == []
    assert replayed(outputs) == events


def test_fast_short_burst_is_replayed():
    events = Keyboard(gap=0.010).type("ab\r")

    outputs = run(Wedge(), events)

    assert scans(outputs) == []
    assert replayed(outputs) == events


def test_burst_keys_held_until_recognised():
    wedge = Wedge()
    events = Keyboard().type("712")

    outputs = [output for event in events for output in wedge.feed(event)]

    assert outputs == []
    assert wedge.pending()


def test_enter_alone_passes_at_once():
    enter = KeyEvent(time=1.0, text="\r", key=KEY_RETURN)

    assert Wedge().feed(enter) == [ReplayOutput((enter,))]


@pytest.mark.parametrize(
    "event",
    [
        KeyEvent(time=1.0, text="", key=KEY_F1),
        KeyEvent(time=1.0, text="", key=KEY_F1 + 3),
        KeyEvent(time=1.0, text="\x1a", key=ord("Z"), modifiers=frozenset({"ctrl"})),
        KeyEvent(time=1.0, text="", key=ord("Z"), modifiers=frozenset({"ctrl"})),
        KeyEvent(time=1.0, text="f", key=ord("F"), modifiers=frozenset({"alt"})),
        KeyEvent(time=1.0, text="\x1b", key=0x01000000),
        KeyEvent(time=1.0, text="a", key=ord("A"), auto_repeat=True),
    ],
    ids=["F1", "F4", "ctrl-z-x11", "ctrl-z", "alt-f", "escape", "auto-repeat"],
)
def test_shortcut_keys_pass_at_once(event):
    wedge = Wedge()

    assert wedge.feed(event) == [ReplayOutput((event,))]
    assert not wedge.claims(event)
    assert not wedge.pending()


def test_shortcut_inside_burst_releases_it():
    events = Keyboard().type("7123")
    f1 = KeyEvent(time=events[-1].time + 0.004, key=KEY_F1)

    outputs = run(Wedge(), [*events, f1])

    assert scans(outputs) == []
    assert replayed(outputs) == [*events, f1]


def test_auto_repeat_never_scans():
    held = [KeyEvent(time=1.0 + 0.03 * n, text="a", key=ord("A"), auto_repeat=n > 0) for n in range(20)]
    enter = KeyEvent(time=1.6, text="\r", key=KEY_RETURN)

    outputs = run(Wedge(), [*held, enter])

    assert scans(outputs) == []
    assert replayed(outputs) == [*held, enter]


def test_releases_after_scan_dropped():
    keyboard = Keyboard()
    presses = [event for event in keyboard.type("712345678904\r") if event.pressed]
    late_releases = [KeyEvent(time=keyboard.time + 0.001, text="\r", key=KEY_RETURN, pressed=False)]
    wedge = Wedge()

    outputs = run(wedge, [*presses, *late_releases])

    assert [scan.text for scan in scans(outputs)] == ["712345678904"]
    assert replayed(outputs) == []


def test_shift_press_joins_burst():
    keyboard = Keyboard()
    shift = KeyEvent(time=keyboard.time - 0.002, key=KEY_SHIFT, modifiers=frozenset({"shift"}))
    events = [shift, *keyboard.type("ABC123\r")]

    outputs = run(Wedge(), events)

    assert [scan.text for scan in scans(outputs)] == ["ABC123"]


# Suffixes, prefix and idle end


@pytest.mark.parametrize(
    ("suffix", "terminator"),
    [("\r", "\r"), ("\t", "\t"), ("\n", "\n"), ("\r\n", "\r")],
    ids=["CR", "Tab", "LF", "CRLF"],
)
def test_suffix_stripped(suffix, terminator):
    outputs = run(Wedge(), Keyboard().type("712345678904" + suffix))

    assert [(scan.text, scan.terminator) for scan in scans(outputs)] == [("712345678904", terminator)]
    assert replayed(outputs) == []


def test_custom_suffix_stripped():
    config = WedgeConfig(suffixes=("#END",))

    outputs = run(Wedge(config), Keyboard().type("712345678904#END"))

    assert [(scan.text, scan.terminator) for scan in scans(outputs)] == [("712345678904", "#END")]


def test_idle_end_without_suffix():
    wedge = Wedge(WedgeConfig(idle_end=0.1))
    events = Keyboard().type("712345678904")
    for event in events:
        assert wedge.feed(event) == []

    assert wedge.tick(events[-1].time + 0.05) == []
    outputs = wedge.tick(events[-1].time + 0.2)

    assert [(scan.text, scan.terminator) for scan in scans(outputs)] == [("712345678904", None)]
    assert not wedge.pending()


def test_no_suffix_without_idle_end_replays():
    events = Keyboard().type("712345678904")
    wedge = Wedge()
    for event in events:
        wedge.feed(event)

    assert wedge.tick(events[-1].time + 0.1) == []
    outputs = wedge.tick(events[-1].time + 0.3)

    assert replayed(outputs) == events


def test_prefix_stripped():
    config = WedgeConfig(prefix="$$")

    assert scan_texts(config, Keyboard().type("$$712345678904\r")) == ["712345678904"]


def test_aim_identifier_kept_and_reported():
    outputs = run(Wedge(), Keyboard().type("]E00023400000906\r"))

    assert [(scan.text, scan.symbology) for scan in scans(outputs)] == [("]E00023400000906", "]E0")]


# The group separator and Alt codes


@pytest.mark.parametrize("gs_form", ["control", "ctrl", "alt", "F8"])
def test_gs_restored_from_each_form(gs_form):
    config = WedgeConfig(gs_substitute="F8" if gs_form == "F8" else None)
    events = Keyboard(gs_form=gs_form).type("0104012345678901" + GS + "10AB\r")

    assert scan_texts(config, events) == ["0104012345678901\x1d10AB"]


@pytest.mark.parametrize("substitute", ["~", "|"])
def test_gs_from_printable_substitute(substitute):
    config = WedgeConfig(gs_substitute=substitute)
    events = Keyboard().type(f"0104012345678901{substitute}10AB\r")

    assert scan_texts(config, events) == ["0104012345678901\x1d10AB"]


def test_leading_gs_starts_burst():
    events = Keyboard(gs_form="ctrl").type(GS + "0104012345678901\r")

    assert scan_texts(WedgeConfig(), events) == ["\x1d0104012345678901"]


def test_lone_f8_substitute_passes_as_key():
    f8 = KeyEvent(time=1.0, key=KEY_F8)

    outputs = run(Wedge(WedgeConfig(gs_substitute="F8")), [f8])

    assert replayed(outputs) == [f8]


@pytest.mark.parametrize(
    ("digits", "char"),
    [("029", GS), ("29", GS), ("0233", "é"), ("130", "é"), ("65", "A"), ("321", "A"), ("0128", "€"), ("0129", "\x81")],
)
def test_decode_alt_code(digits, char):
    assert decode_alt_code(digits) == char


def test_decode_alt_code_rejects_empty():
    with pytest.raises(ValueError, match="invalid Alt code ''"):
        decode_alt_code("")


def test_alt_keypad_codes_in_burst():
    keyboard = Keyboard()
    events = keyboard.type("LOT") + keyboard.alt_code("0233") + keyboard.alt_code("130") + keyboard.type("42\r")

    assert scan_texts(WedgeConfig(), events) == ["LOTéé42"]


def test_alt_code_with_num_lock_off():
    keyboard = Keyboard()
    events = keyboard.type("0104012345678901")
    alt = KeyEvent(time=keyboard.time, key=KEY_ALT, modifiers=frozenset({"alt"}))
    insert = KeyEvent(time=keyboard.time + 0.002, key=0x01000006, modifiers=KEYPAD | {"alt"})  # keypad 0
    down = KeyEvent(time=keyboard.time + 0.004, key=0x01000015, modifiers=KEYPAD | {"alt"})  # keypad 2
    page_up = KeyEvent(time=keyboard.time + 0.006, key=0x01000016, modifiers=KEYPAD | {"alt"})  # keypad 9
    alt_up = KeyEvent(time=keyboard.time + 0.008, key=KEY_ALT, pressed=False)
    keyboard.time += 0.010
    tail = keyboard.type("10AB\r")

    texts = scan_texts(WedgeConfig(), [*events, alt, insert, down, page_up, alt_up, *tail])

    assert texts == ["0104012345678901\x1d10AB"]


def test_windows_alt_code_echo_dropped():
    keyboard = Keyboard()
    events = keyboard.type("0104012345678901") + keyboard.alt_code("029")
    echo = KeyEvent(time=keyboard.time, text=GS)
    keyboard.time += keyboard.gap
    events += [echo, *keyboard.type("10AB\r")]

    assert scan_texts(WedgeConfig(platform="windows"), events) == ["0104012345678901\x1d10AB"]
    assert scan_texts(WedgeConfig(), events) == ["0104012345678901\x1d\x1d10AB"]


def test_person_alt_code_replayed():
    events = Keyboard(gap=0.150).alt_code("0233")

    outputs = run(Wedge(), events)

    assert scans(outputs) == []
    assert replayed(outputs) == events


# Repeats


def test_repeat_within_window_dropped():
    keyboard = Keyboard()
    first = keyboard.type("712345678904\r")
    keyboard.time += 0.5
    second = keyboard.type("712345678904\r")

    assert scan_texts(WedgeConfig(), first + second) == ["712345678904"]


def test_repeat_after_window_kept():
    keyboard = Keyboard()
    first = keyboard.type("712345678904\r")
    keyboard.time += 2.0
    second = keyboard.type("712345678904\r")

    assert scan_texts(WedgeConfig(), first + second) == ["712345678904", "712345678904"]


def test_different_code_not_debounced():
    keyboard = Keyboard()
    first = keyboard.type("712345678904\r")
    keyboard.time += 0.2
    second = keyboard.type("0023400000906\r")

    assert scan_texts(WedgeConfig(), first + second) == ["712345678904", "0023400000906"]


def test_double_read_split_when_halves_valid():
    outputs = run(Wedge(), Keyboard().type("712345678904712345678904\r"))

    assert [(scan.text, scan.raw) for scan in scans(outputs)] == [
        ("712345678904", "712345678904712345678904\r")
    ]


@pytest.mark.parametrize(
    "text",
    ["7252727307072527273070", "ABCD1234ABCD1234", "12121212"],
    ids=["halves-missing-check-digit", "halves-free-text", "batch-number"],
)
def test_double_read_kept_whole_otherwise(text):
    assert scan_texts(WedgeConfig(), Keyboard().type(text + "\r")) == [text]


# Caps Lock


def test_undo_caps_lock_swaps_ascii_letters():
    assert undo_caps_lock("abcXYZ-12é") == "ABCxyz-12é"


def test_caps_lock_detected_from_shift():
    events = Keyboard(caps_lock=True).type("10AB12cd\r")

    assert scan_texts(WedgeConfig(), events) == ["10AB12cd"]


def test_caps_lock_flag_without_evidence():
    events = Keyboard(caps_lock=True).type("10xyz1\r")

    assert scan_texts(WedgeConfig(), events) == ["10XYZ1"]
    assert scan_texts(WedgeConfig(caps_lock=True), events) == ["10xyz1"]


def test_uppercase_without_shift_kept():
    """Injected text (remote desktop, phone apps) types uppercase with no Shift: no Caps Lock evidence."""
    events = [KeyEvent(time=1.0 + 0.002 * n, text=char, key=ord(char)) for n, char in enumerate("ABCD1234")]
    events.append(KeyEvent(time=1.02, text="\r", key=KEY_RETURN))

    assert scan_texts(WedgeConfig(), events) == ["ABCD1234"]


# Host keyboard layouts


@pytest.mark.parametrize("layout", ["fr", "de", "uk", "it"])
@pytest.mark.parametrize("native", [None, "xkb"], ids=["text-only", "native-codes"])
def test_layout_recovered_in_burst(layout, native):
    text = "01040123456789011012-AB/c.d"
    events = Keyboard(layout=layout, native=native).type(text + "\r")
    config = WedgeConfig(layout=layout, platform=native)

    assert scan_texts(config, events) == [text]


def test_dead_key_recovered_from_native_codes():
    keyboard = Keyboard(layout="fr", native="xkb")
    events = keyboard.type("AB")
    # On X11 a dead key press types no text: the [ key of a US scanner is dead ^ on AZERTY.
    events += [
        KeyEvent(time=keyboard.time, text="", key=0x01001252, native_scan_code=26 + 8),
        KeyEvent(time=keyboard.time + 0.004, text="â", key=ord("A"), native_scan_code=16 + 8),
    ]
    keyboard.time += 0.008
    events += keyboard.type("12\r")

    assert scan_texts(WedgeConfig(layout="fr", platform="xkb"), events) == ["AB[q12"]


def test_unknown_layout_rejected():
    with pytest.raises(ValueError, match=r"unknown keyboard layout 'es'.*us, fr, de, uk, it"):
        WedgeConfig(layout="es")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"gs_substitute": "F99"}, "invalid gs_substitute 'F99'"),
        ({"max_gap": 0}, "max_gap must be positive"),
        ({"min_length": 0}, "min_length must be at least 1"),
        ({"suffixes": ()}, "no suffixes and no idle_end"),
        ({"platform": "beos"}, "unknown platform 'beos'"),
    ],
)
def test_invalid_config_rejected(fields, message):
    with pytest.raises(ValueError, match=message):
        WedgeConfig(**fields)


# Every keyboard-wedge case from the scan cases file


def _case_events(case: dict, native: str | None) -> list[KeyEvent]:
    keyboard = Keyboard(layout=case.get("options", {}).get("keyboard_layout", "us"), native=native, gs_form="alt")
    text = case["input"]
    if keyboard.layout == "us":
        return keyboard.type(text)
    # The case input is what the host typed; type what the US scanner sent, as the host receives it.
    return keyboard.type(layouts.recover_us_text(text, keyboard.layout))


def _case_expected_text(case: dict) -> str:
    if "text" in case["expected"]:
        return case["expected"]["text"]
    return case["input"].rstrip("\r\n\t")


HID_CASES = [case for case in load_cases() if case["kind"] == "hid_string"]


@pytest.mark.parametrize("case", HID_CASES, ids=[case["id"] for case in HID_CASES])
@pytest.mark.parametrize("native", [None, "xkb"], ids=["text-only", "native-codes"])
def test_scan_case_through_wedge(case, native):
    layout = case.get("options", {}).get("keyboard_layout", "us")
    config = WedgeConfig(layout=layout, platform=native, idle_end=0.1)
    events = _case_events(case, native)
    if layout != "us":
        typed = "".join(event.text for event in events if event.pressed)
        assert typed == case["input"]

    outputs = scans(run(Wedge(config), events))

    assert [scan.text for scan in outputs] == [_case_expected_text(case)]
    if case["id"] == "C04":
        assert outputs[0].raw == "011111111111111310xyz3040\r"
    if case["id"] == "C27":
        assert outputs[0].symbology == "]E0"
    if case["id"] == "C28":
        assert outputs[0].terminator == "\t"


def test_scan_case_c19_text():
    (case,) = [case for case in HID_CASES if case["id"] == "C19"]

    assert case["expected"]["text"] == "HA112"
    assert layouts.recover_us_text(case["input"], "fr") == "HA112"


# Random timings

GAP_LIMIT = WedgeConfig().max_gap
CODE_CHARS = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-./", min_size=4, max_size=40)


@settings(max_examples=150, deadline=None)
@given(text=CODE_CHARS, data=st.data())
def test_random_fast_burst_is_one_scan(text, data):
    gaps = data.draw(st.lists(st.floats(0.0005, GAP_LIMIT * 0.95), min_size=len(text) + 1, max_size=len(text) + 1))
    events, now = [], 10.0
    for char, gap in zip(text + "\r", gaps, strict=True):
        key = KEY_RETURN if char == "\r" else ord(char)
        modifiers = frozenset({"shift"}) if char.isalpha() else frozenset()
        events.append(KeyEvent(time=now, text=char, key=key, modifiers=modifiers))
        events.append(KeyEvent(time=now + gap / 2, text=char, key=key, modifiers=modifiers, pressed=False))
        now += gap

    outputs = run(Wedge(), events)

    assert [scan.text for scan in scans(outputs)] == [text]
    assert replayed(outputs) == []


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="abcdefghijklmnopqrstuvwxyz 0123456789", min_size=1, max_size=30), data=st.data())
def test_random_typing_replays_every_key(text, data):
    gaps = data.draw(st.lists(st.floats(GAP_LIMIT * 1.1, 0.6), min_size=len(text) + 1, max_size=len(text) + 1))
    events, now = [], 10.0
    for char, gap in zip(text + "\r", gaps, strict=True):
        key = KEY_RETURN if char == "\r" else ord(char.upper())
        events.append(KeyEvent(time=now, text=char, key=key))
        events.append(KeyEvent(time=now + min(gap / 2, 0.02), text=char, key=key, pressed=False))
        now += gap

    outputs = run(Wedge(), events)

    assert scans(outputs) == []
    assert replayed(outputs) == events
