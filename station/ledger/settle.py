"""Settle an adjustment whose response never came, from the lot as read back afterwards.

The quantity PATCH adds a delta and is not idempotent, so an adjustment that was sent without a response
(a read timeout, a dropped connection, or a station killed mid-request) is never sent again blindly.
Just before each send the station reads the lot and records that base: quantity ``q0`` and
``updated_at`` ``u0``. Every earlier adjustment of the same lot from this ledger is settled before that
read, so between the base and the read-back the only change this station can have made is this one.
The read-back gives ``q1`` and ``u1``; the delta ``d`` is never 0.

The rule, case by case:

1. ``u1 == u0`` and ``q1 == q0``: nothing happened to the lot since the base, so the PATCH did not
   reach the server or was refused before it changed anything (the sandbox's ``drop-before`` and
   ``error`` faults). Verdict: not applied, and sending it again is safe.
2. ``u1 == u0`` and ``q1 == q0 + d``: the quantity moved by exactly our delta, but the timestamp did not
   (a server that stores coarse timestamps). Verdict: applied.
3. ``u1 != u0`` and ``q1 == q0 + d``: the lot changed and the quantity fits our delta exactly, as after
   the sandbox's ``drop-after`` fault. Verdict: applied. Another station moving the quantity by exactly
   ``d`` while ours was lost would look the same; the station takes the likely reading.
4. ``u1 != u0`` and ``q1 == q0``: the lot changed but not its quantity. Either ours was lost and
   someone edited another field, or ours was applied and another station took ``d`` back out. A resend
   would count the change twice in the second case. Verdict: needs review.
5. Any other ``q1``: other changes interleaved and no single reading explains the quantity.
   Verdict: needs review.
6. No base recorded, or the server sends no ``updated_at``: only case 2/3 (``q1 == q0 + d``) settles
   as applied. Everything else needs review, because nothing proves the lot stayed untouched.

A resend therefore happens only when ``updated_at`` proves that nothing changed. The service waits a
grace period after the send before reading back, so that a request still in progress on the server
cannot land after the read-back said "not applied".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from station.i18n import tr


class Verdict(StrEnum):
    APPLIED = "applied"
    NOT_APPLIED = "not_applied"
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class Settlement:
    verdict: Verdict
    explanation: str  # for the operator and the journal


def settle(
    *,
    delta: int,
    base_quantity: int | None,
    base_updated_at: dt.datetime | None,
    quantity: int,
    updated_at: dt.datetime | None,
) -> Settlement:
    """Judge whether an adjustment of ``delta`` was applied, from the base read before sending and the
    lot read back now. The cases are listed in the module docstring."""
    if delta == 0:
        raise ValueError("invalid delta 0: a change of 0 cannot be told apart from a change that was not applied")
    if base_quantity is None:
        return Settlement(Verdict.NEEDS_REVIEW,
                          tr("No quantity was recorded before sending, so the read-back cannot be compared."))

    expected = base_quantity + delta
    timestamps_known = base_updated_at is not None and updated_at is not None
    unchanged = timestamps_known and updated_at == base_updated_at

    if quantity == expected:
        if unchanged:
            return Settlement(Verdict.APPLIED, tr(
                "The quantity moved from {base} to {now}, exactly this change (updated_at did not move)."
            ).format(base=base_quantity, now=quantity))
        return Settlement(Verdict.APPLIED, tr(
            "The quantity moved from {base} to {now}, exactly this change."
        ).format(base=base_quantity, now=quantity))

    if unchanged and quantity == base_quantity:
        return Settlement(Verdict.NOT_APPLIED, tr(
            "The lot is unchanged since it was read before sending (quantity {base}), so the change was "
            "not applied."
        ).format(base=base_quantity))

    if not timestamps_known:
        return Settlement(Verdict.NEEDS_REVIEW, tr(
            "The quantity went from {base} to {now}; the server sent no updated_at, so it cannot be proved "
            "whether a change of {delta:+d} was applied."
        ).format(base=base_quantity, now=quantity, delta=delta))
    if quantity == base_quantity:
        return Settlement(Verdict.NEEDS_REVIEW, tr(
            "The lot was changed by someone else but its quantity is still {base}: this change of "
            "{delta:+d} was either lost, or applied and then taken back."
        ).format(base=base_quantity, delta=delta))
    return Settlement(Verdict.NEEDS_REVIEW, tr(
        "The quantity went from {base} to {now}, which a change of {delta:+d} alone does not explain: "
        "other changes were made at the same time."
    ).format(base=base_quantity, now=quantity, delta=delta))
