"""Parsing the signed custom amount an operator types into the adjust bar."""

from __future__ import annotations

import re

from station.i18n import tr

MAX_ABS_AMOUNT = 1_000_000  # a typo guard: no lot in a compounding pharmacy changes by more at once

_AMOUNT = re.compile(r"^\s*([+\-\u2212]?)\s*(\d+)\s*$")


class AmountError(ValueError):
    pass


def parse_amount(text: str) -> int:
    """Parse "-5", "+12" or "−3" (a typographic minus) into a non-zero integer change.

    The sign is required: at a dispensing counter a bare "25" is as likely to mean "take 25" as "add 25".

    Raises AmountError with a message that names the value and the fix.
    """
    match = _AMOUNT.match(text or "")
    if not match:
        raise AmountError(
            tr("{value} is not a whole number: type an amount such as -5 or +12.").format(value=repr(text))
        )
    sign, digits = match.groups()
    if not sign:
        raise AmountError(
            tr("{value} has no sign: type +{digits} to add or \u2212{digits} to remove.").format(
                value=repr(text.strip()), digits=digits)
        )
    value = int(digits)
    if sign in ("-", "\u2212"):
        value = -value
    if value == 0:
        raise AmountError(tr("An amount of 0 changes nothing: type an amount such as -5 or +12."))
    if abs(value) > MAX_ABS_AMOUNT:
        raise AmountError(
            tr("{value} is larger than {limit:,}: check the amount.").format(value=value, limit=MAX_ABS_AMOUNT)
        )
    return value


def large_change_warning(delta: int, current: int, initial: int | None, unit: str | None) -> str | None:
    """Return a question for the operator when ``delta`` adds more than the lot ever held, a likely typo
    (an extra digit, or a scanned code landing in the amount); None when the change looks ordinary.
    Removals need no question: Blend rejects one that would take the lot below zero."""
    largest = max(initial or 0, current, 1)
    if delta <= largest:
        return None
    return tr("Add {delta:,} {unit} to a lot that holds {current:,} {unit} and started with {initial:,}?").format(
        delta=delta, unit=unit or "", current=current, initial=initial or 0
    ).replace("  ", " ")
