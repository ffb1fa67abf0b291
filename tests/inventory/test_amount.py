import pytest

from station.inventory.amount import AmountError, parse_amount


@pytest.mark.parametrize(("text", "value"), [("-5", -5), ("+12", 12), (" \u22123 ", -3), ("- 7", -7)])
def test_amount_accepts_signed_integers(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.5", "--2", "5-", "1e3", "0x10"])
def test_amount_rejects_non_integers_naming_value(text):
    with pytest.raises(AmountError) as error:
        parse_amount(text)
    assert repr(text) in str(error.value)
    assert "-5 or +12" in str(error.value)


def test_amount_without_sign_is_rejected():
    with pytest.raises(AmountError) as error:
        parse_amount("25")
    assert "'25' has no sign" in str(error.value)
    assert "+25" in str(error.value)
    assert "\u221225" in str(error.value)


def test_amount_rejects_zero_and_huge():
    with pytest.raises(AmountError, match="changes nothing"):
        parse_amount("+0")
    with pytest.raises(AmountError, match="larger than"):
        parse_amount("+5000000")
    with pytest.raises(AmountError, match="larger than"):
        parse_amount("-99999999999999999999")


def test_large_addition_asks_first():
    from station.inventory.amount import large_change_warning

    question = large_change_warning(1_000_000, 80, 100, "mg")
    assert question is not None
    assert "1,000,000 mg" in question
    assert "80 mg" in question
    assert large_change_warning(50, 80, 100, "mg") is None
    assert large_change_warning(100, 80, 100, "mg") is None
    assert large_change_warning(-1_000, 80, 100, "mg") is None
    assert large_change_warning(1, 0, None, None) is None
    assert large_change_warning(2, 0, None, None) is not None
