"""Show the invisible characters of scanned text as tags, so that printing a scan cannot drive a terminal."""

from __future__ import annotations

import unicodedata

# ASCII names of the C0 control characters U+0000 to U+001F, in code order.
_C0_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
    "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
)
# Unicode categories shown as <U+XXXX>: format characters such as U+202E (which reverses the text after
# it), line and paragraph separators, and lone surrogates (undecodable bytes in a command-line argument).
_TAGGED_CATEGORIES = frozenset({"Cf", "Zl", "Zp", "Cs"})


def show_invisible(text: str) -> str:
    """Return ``text`` with every control or invisible character replaced by a tag.

    C0 controls and DEL become their ASCII names (``<GS>``, ``<ESC>``, ``<BEL>``, ``<DEL>``), C1 controls
    their code (``<0x9B>``), and the characters of ``_TAGGED_CATEGORIES`` their code point (``<U+202E>``).
    Everything else, spaces included, is kept.
    """
    return "".join(_show_character(char) for char in text)


def _show_character(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return f"<{_C0_NAMES[code]}>"
    if code == 0x7F:
        return "<DEL>"
    if 0x80 <= code < 0xA0:
        return f"<0x{code:02X}>"
    if unicodedata.category(char) in _TAGGED_CATEGORIES:
        return f"<U+{code:04X}>"
    return char
