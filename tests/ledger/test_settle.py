"""The settlement rule for adjustments whose response never came, one test per case."""

from __future__ import annotations

import datetime as dt

import pytest

from station.ledger.settle import Verdict, settle

BASE_TIME = dt.datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=dt.UTC)
LATER = BASE_TIME + dt.timedelta(seconds=2)


def test_unchanged_lot_is_not_applied():
    result = settle(delta=-3, base_quantity=50, base_updated_at=BASE_TIME, quantity=50, updated_at=BASE_TIME)
    assert result.verdict is Verdict.NOT_APPLIED
    assert "50" in result.explanation


def test_moved_by_delta_is_applied():
    result = settle(delta=-3, base_quantity=50, base_updated_at=BASE_TIME, quantity=47, updated_at=LATER)
    assert result.verdict is Verdict.APPLIED


def test_moved_by_delta_with_coarse_timestamp_is_applied():
    result = settle(delta=5, base_quantity=50, base_updated_at=BASE_TIME, quantity=55, updated_at=BASE_TIME)
    assert result.verdict is Verdict.APPLIED


def test_other_edit_with_same_quantity_needs_review():
    # Either ours was lost and someone edited the notes, or ours was applied and someone took it back.
    result = settle(delta=-3, base_quantity=50, base_updated_at=BASE_TIME, quantity=50, updated_at=LATER)
    assert result.verdict is Verdict.NEEDS_REVIEW


def test_interleaved_changes_need_review():
    result = settle(delta=-3, base_quantity=50, base_updated_at=BASE_TIME, quantity=44, updated_at=LATER)
    assert result.verdict is Verdict.NEEDS_REVIEW
    assert "50" in result.explanation
    assert "44" in result.explanation


def test_quantity_moved_without_timestamp_needs_review():
    result = settle(delta=-3, base_quantity=50, base_updated_at=BASE_TIME, quantity=49, updated_at=BASE_TIME)
    assert result.verdict is Verdict.NEEDS_REVIEW


@pytest.mark.parametrize(("quantity", "expected"), [
    (47, Verdict.APPLIED),
    (50, Verdict.NEEDS_REVIEW),
    (40, Verdict.NEEDS_REVIEW),
])
def test_server_without_updated_at(quantity, expected):
    result = settle(delta=-3, base_quantity=50, base_updated_at=None, quantity=quantity, updated_at=None)
    assert result.verdict is expected


def test_missing_base_needs_review():
    result = settle(delta=-3, base_quantity=None, base_updated_at=None, quantity=47, updated_at=LATER)
    assert result.verdict is Verdict.NEEDS_REVIEW


def test_zero_delta_is_invalid():
    with pytest.raises(ValueError, match="delta"):
        settle(delta=0, base_quantity=50, base_updated_at=BASE_TIME, quantity=50, updated_at=BASE_TIME)
