"""The pure card rules, without a database."""

from decimal import Decimal

import pytest

from ladoga.loyalty import rules

D = Decimal


@pytest.mark.parametrize(
    "number, problem",
    [
        ("2000000000008", None),  # EAN-13 with its right check digit
        ("2000000000009", rules.WRONG_CHECK_DIGIT),
        ("200000000000", rules.WRONG_FORMAT),  # 12 digits
        ("3000000000007", rules.WRONG_FORMAT),  # another prefix
        ("20000000000A8", rules.WRONG_FORMAT),
    ],
)
def test_ean13_numbers(number, problem):
    assert rules.number_problem(number, prefix="200", length=13, check_digit="ean13") == problem


@pytest.mark.parametrize(
    "number, problem",
    [("79927398713", None), ("79927398710", rules.WRONG_CHECK_DIGIT), ("7992739871", "format")],
)
def test_luhn_numbers(number, problem):
    assert rules.number_problem(number, prefix="7", length=11, check_digit="luhn") == problem


def test_numbers_without_a_check_digit_need_only_the_format():
    assert rules.number_problem("AB1234", prefix="AB", length=6, check_digit="none") is None
    assert rules.number_problem("AB12-4", prefix="AB", length=6, check_digit="none") == "format"


@pytest.mark.parametrize("scheme", ["ean13", "luhn", "none"])
def test_made_numbers_pass_their_own_check(scheme):
    length = 13 if scheme == "ean13" else 9
    for serial in (1, 42, 99999):
        number = rules.number_make(prefix="46", length=length, check_digit=scheme, serial=serial)
        assert len(number) == length
        assert rules.number_problem(number, prefix="46", length=length, check_digit=scheme) is None


def test_a_serial_too_long_for_the_format_is_refused():
    with pytest.raises(ValueError):
        rules.number_make(prefix="46", length=6, check_digit="luhn", serial=1000)


@pytest.mark.parametrize(
    "prefix, length, scheme, ok",
    [
        ("200", 13, "ean13", True),
        ("200", 12, "ean13", False),  # EAN-13 is 13 digits
        ("AB", 10, "luhn", False),  # a check digit needs digits
        ("AB", 10, "none", True),
        ("1234", 5, "luhn", False),  # no room for a serial
        ("", 3, "none", False),
        ("", 8, "mod97", False),
    ],
)
def test_kind_formats(prefix, length, scheme, ok):
    assert (rules.format_problem(prefix=prefix, length=length, check_digit=scheme) is None) == ok


def test_number_as_a_scanner_or_a_person_types_it():
    assert rules.number_clean(" 200 0000-000008\n") == "2000000000008"


THRESHOLDS = [(D("50000"), D("3")), (D("200000"), D("5"))]


@pytest.mark.parametrize(
    "total, percent",
    [
        ("0", "0"),
        ("49999.99", "0"),
        ("50000", "3"),  # "from 50,000": the boundary belongs to the threshold
        ("199999.99", "3"),
        ("200000", "5"),
        ("1000000", "5"),
    ],
)
def test_threshold_percent_at_the_boundaries(total, percent):
    assert rules.threshold_percent(D(total), THRESHOLDS) == D(percent)


def test_threshold_percent_does_not_depend_on_the_order_of_thresholds():
    assert rules.threshold_percent(D("250000"), list(reversed(THRESHOLDS))) == D("5")


@pytest.mark.parametrize(
    "agreement, card, rule, steps",
    [
        ("5", "3", "larger", ("5",)),
        ("2", "3", "larger", ("3",)),
        ("5", "3", "both", ("5", "3")),
        ("5", "0", "both", ("5",)),
        ("-4", "3", "larger", ("3",)),
    ],
)
def test_combining_with_the_agreements_discount(agreement, card, rule, steps):
    assert rules.discount_steps(D(agreement), D(card), rule) == tuple(D(s) for s in steps)


def test_rolling_period_counts_both_ends():
    import datetime

    start, end = rules.rolling_period(datetime.date(2026, 3, 30), 30)
    assert (start, end) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 30))
