"""Recover what a US-layout keyboard-wedge scanner meant on a host that uses another keyboard layout.

A USB HID scanner sends key positions (HID usage codes), not characters, and this module assumes a
scanner set to the US layout. The host turns each position into the character of its own layout, so on
a French AZERTY host the scanner's ``A`` arrives as ``Q`` and ``1`` as ``&``. This module undoes that in
two ways:

- ``us_char_for_key`` maps the physical key (the native key code that Qt reports) and the Shift state
  back to the US character. It works for any host layout, dead keys included.
- ``recover_us_text`` maps text through a per-layout table, for when only the text is known.

Key positions are numbered as Linux evdev ``KEY_*`` codes. For the alphanumeric block these equal the
PC scan code set 1, which Windows reports as the scan code. X11 and Wayland (xkb) key codes are the evdev
code plus 8. macOS reports no scan code, so its virtual key codes (``kVK_ANSI_*`` in HIToolbox
``Events.h``) are translated through ``MAC_VIRTUAL_KEYS``.

The host tables follow the Windows layouts "French", "German", "United Kingdom" and "Italian". Linux
xkb variants may differ in a few keys, and the one known difference is noted in the French table.
"""

from __future__ import annotations

import unicodedata

# Physical key (evdev code) -> (unshifted, shifted) character on the US layout.
US_KEYS: dict[int, tuple[str, str]] = {
    41: ("`", "~"),
    2: ("1", "!"),
    3: ("2", "@"),
    4: ("3", "#"),
    5: ("4", "$"),
    6: ("5", "%"),
    7: ("6", "^"),
    8: ("7", "&"),
    9: ("8", "*"),
    10: ("9", "("),
    11: ("0", ")"),
    12: ("-", "_"),
    13: ("=", "+"),
    16: ("q", "Q"),
    17: ("w", "W"),
    18: ("e", "E"),
    19: ("r", "R"),
    20: ("t", "T"),
    21: ("y", "Y"),
    22: ("u", "U"),
    23: ("i", "I"),
    24: ("o", "O"),
    25: ("p", "P"),
    26: ("[", "{"),
    27: ("]", "}"),
    43: ("\\", "|"),  # HID usages 0x31 and 0x32 both land here, the key left of Enter on ISO keyboards
    30: ("a", "A"),
    31: ("s", "S"),
    32: ("d", "D"),
    33: ("f", "F"),
    34: ("g", "G"),
    35: ("h", "H"),
    36: ("j", "J"),
    37: ("k", "K"),
    38: ("l", "L"),
    39: (";", ":"),
    40: ("'", '"'),
    44: ("z", "Z"),
    45: ("x", "X"),
    46: ("c", "C"),
    47: ("v", "V"),
    48: ("b", "B"),
    49: ("n", "N"),
    50: ("m", "M"),
    51: (",", "<"),
    52: (".", ">"),
    53: ("/", "?"),
    57: (" ", " "),
}

# macOS virtual key code (kVK_ANSI_*, kVK_Space) -> evdev code of the same physical key.
MAC_VIRTUAL_KEYS: dict[int, int] = {
    0x32: 41,
    0x12: 2,
    0x13: 3,
    0x14: 4,
    0x15: 5,
    0x17: 6,
    0x16: 7,
    0x1A: 8,
    0x1C: 9,
    0x19: 10,
    0x1D: 11,
    0x1B: 12,
    0x18: 13,
    0x0C: 16,
    0x0D: 17,
    0x0E: 18,
    0x0F: 19,
    0x11: 20,
    0x10: 21,
    0x20: 22,
    0x22: 23,
    0x1F: 24,
    0x23: 25,
    0x21: 26,
    0x1E: 27,
    0x2A: 43,
    0x00: 30,
    0x01: 31,
    0x02: 32,
    0x03: 33,
    0x05: 34,
    0x04: 35,
    0x26: 36,
    0x28: 37,
    0x25: 38,
    0x29: 39,
    0x27: 40,
    0x06: 44,
    0x07: 45,
    0x08: 46,
    0x09: 47,
    0x0B: 48,
    0x2D: 49,
    0x2E: 50,
    0x2B: 51,
    0x2F: 52,
    0x2C: 53,
    0x31: 57,
}

# Native key code families, as ``WedgeConfig.platform`` names them.
PLATFORMS = ("xkb", "windows", "macos")


def _letters_same() -> dict[int, tuple[str, str]]:
    return {code: chars for code, chars in US_KEYS.items() if chars[0].isalpha()}


# Host layout -> physical key (evdev code) -> (unshifted, shifted) character typed on that host.
# A dead key is listed with its spacing character (what it types before a space); "" means the key
# types nothing in that shift state.
_HOST_KEYS: dict[str, dict[int, tuple[str, str]]] = {
    "fr": {
        **_letters_same(),
        # NOTE: Windows "French" types nothing for Shift+²; some xkb "fr" variants type "~" there.
        41: ("²", ""),
        2: ("&", "1"),
        3: ("é", "2"),
        4: ('"', "3"),
        5: ("'", "4"),
        6: ("(", "5"),
        7: ("-", "6"),
        8: ("è", "7"),
        9: ("_", "8"),
        10: ("ç", "9"),
        11: ("à", "0"),
        12: (")", "°"),
        13: ("=", "+"),
        16: ("a", "A"),
        17: ("z", "Z"),
        26: ("^", "¨"),  # dead keys: circumflex and diaeresis
        27: ("$", "£"),
        43: ("*", "µ"),
        30: ("q", "Q"),
        39: ("m", "M"),
        40: ("ù", "%"),
        44: ("w", "W"),
        50: (",", "?"),
        51: (";", "."),
        52: (":", "/"),
        53: ("!", "§"),
        57: (" ", " "),
    },
    "de": {
        **_letters_same(),
        41: ("^", "°"),  # dead circumflex
        2: ("1", "!"),
        3: ("2", '"'),
        4: ("3", "§"),
        5: ("4", "$"),
        6: ("5", "%"),
        7: ("6", "&"),
        8: ("7", "/"),
        9: ("8", "("),
        10: ("9", ")"),
        11: ("0", "="),
        12: ("ß", "?"),
        13: ("´", "`"),  # dead acute and dead grave
        21: ("z", "Z"),
        26: ("ü", "Ü"),
        27: ("+", "*"),
        39: ("ö", "Ö"),
        40: ("ä", "Ä"),
        43: ("#", "'"),
        44: ("y", "Y"),
        51: (",", ";"),
        52: (".", ":"),
        53: ("-", "_"),
        57: (" ", " "),
    },
    "uk": {
        **US_KEYS,
        41: ("`", "¬"),
        3: ("2", '"'),
        4: ("3", "£"),
        40: ("'", "@"),
        43: ("#", "~"),
    },
    "it": {
        **_letters_same(),
        41: ("\\", "|"),
        2: ("1", "!"),
        3: ("2", '"'),
        4: ("3", "£"),
        5: ("4", "$"),
        6: ("5", "%"),
        7: ("6", "&"),
        8: ("7", "/"),
        9: ("8", "("),
        10: ("9", ")"),
        11: ("0", "="),
        12: ("'", "?"),
        13: ("ì", "^"),
        26: ("è", "é"),
        27: ("+", "*"),
        39: ("ò", "ç"),
        40: ("à", "°"),
        43: ("ù", "§"),
        51: (",", ";"),
        52: (".", ":"),
        53: ("-", "_"),
        57: (" ", " "),
    },
}

# Host layout -> spacing character of each dead key -> the combining mark it adds to the next letter.
_DEAD_KEYS: dict[str, dict[str, str]] = {
    "fr": {"^": "\u0302", "¨": "\u0308"},
    "de": {"^": "\u0302", "´": "\u0301", "`": "\u0300"},
    "uk": {},
    "it": {},
}

LAYOUTS: tuple[str, ...] = ("us", *_HOST_KEYS)


def _build_recovery(layout: str) -> dict[str, str]:
    """Map each character the host layout types back to the US character of the same key and shift."""
    recovery: dict[str, str] = {}
    host_keys = _HOST_KEYS[layout]
    for code, us_chars in US_KEYS.items():
        for us_char, host_char in zip(us_chars, host_keys[code], strict=True):
            if host_char:
                recovery.setdefault(host_char, us_char)
    return recovery


_RECOVERY: dict[str, dict[str, str]] = {layout: _build_recovery(layout) for layout in _HOST_KEYS}


def check_layout(layout: str) -> str:
    """Return ``layout`` if it is supported, else raise ValueError naming the accepted values."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown keyboard layout {layout!r}: expected one of {', '.join(LAYOUTS)}")
    return layout


def evdev_code(platform: str | None, native_scan_code: int, native_virtual_key: int) -> int | None:
    """Translate Qt's native key codes on ``platform`` to the evdev code of the physical key."""
    if platform == "xkb":
        return native_scan_code - 8 if native_scan_code > 8 else None
    if platform == "windows":
        return native_scan_code or None
    if platform == "macos":
        return MAC_VIRTUAL_KEYS.get(native_virtual_key)
    return None


def us_char_for_key(platform: str | None, native_scan_code: int, native_virtual_key: int, shift: bool) -> str | None:
    """Return the character the US layout types for this physical key, or None for keys outside the table.

    ``platform`` is "xkb" (X11 and Wayland), "windows" or "macos"; None means the codes are unknown.
    """
    code = evdev_code(platform, native_scan_code, native_virtual_key)
    if code is None or code not in US_KEYS:
        return None
    return US_KEYS[code][1 if shift else 0]


def host_text_for_us(text: str, layout: str) -> str:
    """Return what a host with ``layout`` types when a US-layout scanner sends ``text``.

    Dead keys type their spacing character, as when a space follows them. Characters outside the US
    table pass unchanged, and a character the host layout cannot type is dropped.
    """
    check_layout(layout)
    if layout == "us":
        return text
    host_keys = _HOST_KEYS[layout]
    typed = []
    for char in text:
        for code, us_chars in US_KEYS.items():
            if char in us_chars:
                typed.append(host_keys[code][us_chars.index(char)])
                break
        else:
            typed.append(char)
    return "".join(typed)


def recover_us_text(text: str, layout: str) -> str:
    """Return the text a US-layout scanner sent, given what a host with ``layout`` typed for it.

    A letter composed by a dead key (``â`` on AZERTY: dead ``^`` then the key that types ``a``) is
    split back into both keys. Characters the layout table does not contain pass unchanged. Raises
    ValueError for a layout outside ``LAYOUTS``.
    """
    check_layout(layout)
    if layout == "us":
        return text
    recovery = _RECOVERY[layout]
    dead_marks = {mark: spacing for spacing, mark in _DEAD_KEYS[layout].items()}
    recovered = []
    for char in text:
        if char in recovery:
            recovered.append(recovery[char])
            continue
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) == 2 and decomposed[1] in dead_marks:
            recovered.append(recovery[dead_marks[decomposed[1]]])
            recovered.append(recovery.get(decomposed[0], decomposed[0]))
            continue
        recovered.append(char)
    return "".join(recovered)
