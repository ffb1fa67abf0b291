"""Recovery of US-layout scanner text on French, German, UK and Italian hosts."""

from __future__ import annotations

import pytest

from station.codes import layouts
from station.codes.layouts import host_text_for_us, recover_us_text, us_char_for_key

PRINTABLE_ASCII = "".join(chr(code) for code in range(0x20, 0x7F))
# Keys whose character the host layout cannot type at all, so no table can recover them from text.
UNTYPABLE = {"fr": {"~"}, "de": set(), "uk": set(), "it": set()}


@pytest.mark.parametrize("layout", ["fr", "de", "uk", "it"])
def test_round_trip_every_ascii_char(layout):
    for char in PRINTABLE_ASCII:
        if char in UNTYPABLE[layout]:
            continue
        typed = host_text_for_us(char, layout)
        assert len(typed) == 1, f"{layout}: US {char!r} types {typed!r}"
        assert recover_us_text(typed, layout) == char, f"{layout}: US {char!r} typed as {typed!r}"


@pytest.mark.parametrize("layout", ["fr", "de", "uk", "it"])
def test_round_trip_whole_string(layout):
    text = "".join(char for char in PRINTABLE_ASCII if char not in UNTYPABLE[layout])

    assert recover_us_text(host_text_for_us(text, layout), layout) == text


@pytest.mark.parametrize(
    ("layout", "us_text", "host_text"),
    [
        ("fr", "HA112", "HQ&&é"),
        ("fr", "!@#$%^&*()_+", "1234567890°+"),
        ("fr", "az;m,./", "qwm,;:!"),
        ("de", "yz-_=+", "zyß?´`"),
        ("de", "!@#$%^&*()", '!"§$%&/()='),
        ("uk", '@"#~\\|', '"@£¬#~'),
        ("it", "[]{};:'\"\\|`~", "è+é*òçà°ù§\\|"),
    ],
    ids=["fr-letters-digits", "fr-shifted-digits", "fr-punctuation", "de-swaps", "de-shifted-digits",
         "uk-symbols", "it-symbols"],
)
def test_host_typing_matches_layout(layout, us_text, host_text):
    assert host_text_for_us(us_text, layout) == host_text
    assert recover_us_text(host_text, layout) == us_text


def test_untypable_char_is_dropped():
    assert host_text_for_us("A~B", "fr") == "QB"


def test_us_layout_leaves_text():
    assert recover_us_text("HQ&&é", "us") == "HQ&&é"
    assert host_text_for_us("HA112", "us") == "HA112"


@pytest.mark.parametrize(
    ("layout", "typed", "us_text"),
    [("fr", "â", "[q"), ("fr", "Ê", "[E"), ("fr", "ü", "{u"), ("de", "é", "=e"), ("de", "à", "+a"), ("de", "ô", "`o")],
)
def test_dead_key_composition_split(layout, typed, us_text):
    assert recover_us_text(typed, layout) == us_text


def test_unknown_layout_names_accepted_ones():
    with pytest.raises(ValueError) as raised:
        recover_us_text("abc", "azerty")

    message = str(raised.value)
    assert "'azerty'" in message
    for layout in ("us", "fr", "de", "uk", "it"):
        assert layout in message


@pytest.mark.parametrize(
    ("platform", "scan_code", "virtual_key", "shift", "char"),
    [
        ("xkb", 38, 0, False, "a"),  # X11 key code of the A key is evdev 30 + 8
        ("xkb", 38, 0, True, "A"),
        ("xkb", 11, 0, True, "@"),
        ("xkb", 35, 0, False, "]"),
        ("windows", 0x1E, 0, False, "a"),
        ("windows", 0x02, 0, True, "!"),
        ("windows", 0x2B, 0, True, "|"),
        ("macos", 1, 0x00, False, "a"),
        ("macos", 1, 0x2F, False, "."),
        ("macos", 1, 0x1E, True, "}"),
    ],
)
def test_us_char_for_physical_key(platform, scan_code, virtual_key, shift, char):
    assert us_char_for_key(platform, scan_code, virtual_key, shift) == char


@pytest.mark.parametrize(
    ("platform", "scan_code", "virtual_key"),
    [(None, 38, 0), ("xkb", 0, 0), ("xkb", 9, 0), ("windows", 0x135, 0), ("macos", 0, 0x24)],
    ids=["no-platform", "no-code", "escape", "keypad-divide", "mac-return"],
)
def test_keys_outside_table_unknown(platform, scan_code, virtual_key):
    assert us_char_for_key(platform, scan_code, virtual_key, False) is None


def test_every_us_key_has_mac_code():
    assert sorted(layouts.MAC_VIRTUAL_KEYS.values()) == sorted(layouts.US_KEYS)
