"""Expiry state of a lot, in words for the operator, judged in the station's local time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from station.i18n import tr

EXPIRING_SOON_DAYS = 30


class ExpiryState(StrEnum):
    EXPIRED = "expired"
    SOON = "soon"  # expires within EXPIRING_SOON_DAYS days
    OK = "ok"
    UNKNOWN = "unknown"  # the lot has no expiration date


@dataclass(frozen=True)
class ExpiryStatus:
    state: ExpiryState
    days: int | None  # days from today to the expiry date; negative once expired
    words: str  # "Expired 3 days ago", "Expires in 12 days", "Expires 2027-06-30"


def today_local() -> dt.date:
    return dt.datetime.now().astimezone().date()


def expiry_status(expiry: dt.date | None, today: dt.date | None = None) -> ExpiryStatus:
    """Judge ``expiry`` against ``today`` (default: the local date). A lot expires at the end of its expiry
    day, so on that day it is still usable and reads "Expires today"."""
    if expiry is None:
        return ExpiryStatus(ExpiryState.UNKNOWN, None, tr("No expiry date"))
    today = today or today_local()
    days = (expiry - today).days
    if days < 0:
        ago = -days
        words = tr("Expired yesterday") if ago == 1 else tr("Expired {days} days ago").format(days=ago)
        return ExpiryStatus(ExpiryState.EXPIRED, days, words)
    if days <= EXPIRING_SOON_DAYS:
        if days == 0:
            words = tr("Expires today")
        elif days == 1:
            words = tr("Expires tomorrow")
        else:
            words = tr("Expires in {days} days").format(days=days)
        return ExpiryStatus(ExpiryState.SOON, days, words)
    return ExpiryStatus(ExpiryState.OK, days, tr("Expires {date}").format(date=expiry.isoformat()))
