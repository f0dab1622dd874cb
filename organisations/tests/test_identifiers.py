"""Finnish business IDs (Y-tunnus): the check digit, checked against an independent reading of the rule."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from organisations.identifiers import business_id_with_check_digit, is_valid_business_id

seven_digits = st.text(alphabet="0123456789", min_size=7, max_size=7)


def oracle_check_digit(seven: str) -> int | None:
    """The rule as the Finnish Tax Administration states it, written independently of the module:
    multiply the digits by 7, 9, 10, 5, 8, 4, 2, sum, divide by 11; remainder 0 gives 0, remainder 1 is never
    issued, otherwise the check digit is 11 minus the remainder."""
    total = 0
    for digit, weight in zip(seven, [7, 9, 10, 5, 8, 4, 2], strict=True):
        total += "0123456789".index(digit) * weight
    remainder = total - 11 * (total // 11)
    return {0: 0, 1: None}.get(remainder, 11 - remainder)


@pytest.mark.parametrize("value", ["0201256-6", "0112038-9", "1572860-0", "0100002-9", "0000000-0"])
def test_known_valid_ids(value):
    assert is_valid_business_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "0201256-5",  # wrong check digit
        "0201256-7",
        "0201256",  # no check digit
        "02012566",  # no hyphen
        "201256-6",  # six digits
        "00201256-6",  # eight digits
        "0201256–6",  # en dash
        " 0201256-6",
        "0201256-6 ",
        "0201256-6\n",  # a trailing newline must not slip through the end anchor
        "０２０１２５６-６",  # full-width digits
        "٠٢٠١٢٥٦-٦",  # Arabic-Indic digits
        "abcdefg-h",
        "",
    ],
)
def test_invalid_ids(value):
    assert not is_valid_business_id(value)


def test_none_is_not_valid() -> None:
    assert not is_valid_business_id(None)  # type: ignore[arg-type]


@given(seven_digits)
def test_completion_agrees_with_the_oracle(seven):
    expected = oracle_check_digit(seven)
    completed = business_id_with_check_digit(seven)
    assert completed == (None if expected is None else f"{seven}-{expected}")


@given(seven_digits)
def test_generated_ids_validate(seven):
    completed = business_id_with_check_digit(seven)
    assume(completed is not None)
    assert is_valid_business_id(completed)


@given(seven_digits, st.sampled_from("0123456789"))
def test_any_other_check_digit_invalidates(seven, digit):
    completed = business_id_with_check_digit(seven)
    if completed is None:
        # Remainder 1: no check digit makes these seven digits valid.
        assert not is_valid_business_id(f"{seven}-{digit}")
    else:
        assert is_valid_business_id(f"{seven}-{digit}") == (completed[-1] == digit)


@given(seven_digits, st.integers(min_value=0, max_value=6), st.sampled_from("0123456789"))
def test_changing_one_body_digit_invalidates(seven, position, digit):
    """The weights are all non-zero and below 11, so a single changed digit always changes the remainder."""
    completed = business_id_with_check_digit(seven)
    assume(completed is not None and seven[position] != digit)
    changed = completed[:position] + digit + completed[position + 1 :]
    assert not is_valid_business_id(changed)


def test_about_one_in_eleven_bodies_has_no_id():
    bodies = [f"{n:07d}" for n in range(1_000_000, 1_011_000)]
    without = sum(business_id_with_check_digit(body) is None for body in bodies)
    assert 900 <= without <= 1100


@pytest.mark.parametrize("bad", ["123456", "12345678", "12a4567"])
def test_completion_wants_exactly_seven_digits(bad):
    with pytest.raises(ValueError):  # noqa: PT011 – zip(strict=True) and int() both raise plain ValueError
        business_id_with_check_digit(bad)
