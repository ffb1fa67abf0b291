import datetime as dt

import pytest

from station.inventory.expiry import ExpiryState, expiry_status

TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("expiry", "state", "days", "words"),
    [
        (dt.date(2026, 12, 1), ExpiryState.EXPIRED, -3, "Expired 3 days ago"),
        (dt.date(2026, 12, 3), ExpiryState.EXPIRED, -1, "Expired yesterday"),
        (dt.date(2026, 12, 4), ExpiryState.SOON, 0, "Expires today"),
        (dt.date(2026, 12, 5), ExpiryState.SOON, 1, "Expires tomorrow"),
        (dt.date(2026, 12, 16), ExpiryState.SOON, 12, "Expires in 12 days"),
        (dt.date(2027, 1, 3), ExpiryState.SOON, 30, "Expires in 30 days"),
        (dt.date(2027, 1, 4), ExpiryState.OK, 31, "Expires 2027-01-04"),
        (None, ExpiryState.UNKNOWN, None, "No expiry date"),
    ],
)
def test_expiry_status_words(expiry, state, days, words):
    status = expiry_status(expiry, TODAY)
    assert status.state is state
    assert status.days == days
    assert status.words == words
