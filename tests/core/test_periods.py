import datetime

import pytest

from ladoga.core.errors import ValidationFailed
from ladoga.core.numbers import change_percent, half_up, money, percent
from ladoga.core.periods import Comparison, Period, comparison_check

D = datetime.date


def test_previous_is_the_same_length_just_before():
    period = Period(D(2026, 3, 1), D(2026, 3, 31))
    assert period.previous() == Period(D(2026, 1, 29), D(2026, 2, 28))
    assert period.previous().days == period.days == 31


def test_same_last_year_turns_29_february_into_28():
    assert Period(D(2028, 2, 1), D(2028, 2, 29)).same_last_year() == Period(
        D(2027, 2, 1), D(2027, 2, 28)
    )
    assert Period(D(2026, 1, 1), D(2026, 12, 31)).compared(Comparison.NONE) is None


def test_inverted_early_and_long_periods_are_refused():
    for start, end in [
        (D(2026, 2, 1), D(2026, 1, 1)),
        (D(1999, 12, 31), D(2026, 1, 1)),
        (D(2000, 1, 1), D(2026, 1, 1)),
    ]:
        with pytest.raises(ValidationFailed) as error:
            Period.of(start, end)
        assert error.value.codes == ["period_invalid"]


def test_an_overlapping_comparison_is_refused():
    period = Period(D(2026, 1, 1), D(2026, 12, 31))
    comparison_check(period, period.previous())
    with pytest.raises(ValidationFailed) as error:
        comparison_check(period, Period(D(2026, 12, 31), D(2027, 1, 5)))
    assert error.value.codes == ["period_comparison_invalid"]


def test_months_and_bounds():
    period = Period(D(2026, 1, 31), D(2026, 3, 1))
    assert period.months() == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]
    first, after = period.bounds()
    assert (first.date(), after.date()) == (D(2026, 1, 31), D(2026, 3, 2))
    assert D(2026, 3, 1) in period and D(2026, 3, 2) not in period


def test_rounding_is_half_up_everywhere():
    assert percent(1, 16) == half_up("6.25", 1) and str(percent(1, 16)) == "6.3"
    assert percent(1, 0) is None
    assert str(money("9821.14000000000")) == "9821.14"
    assert str(money("0.005")) == "0.01"
    assert str(change_percent(15, 10)) == "50.0" and change_percent(5, 0) is None
    assert str(change_percent(5, -10)) == "150.0"


def test_month_start_groups_dates_by_their_month_as_trunc_month_does(db, actors):
    """MonthStart is TruncMonth computed by the database itself on SQLite: the same months,
    as dates, a missing date staying missing."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from ladoga.core.periods import MonthStart
    from ladoga.interactions.models import Task

    days = [(2025, 1, 1), (2025, 1, 31), (2025, 2, 1), (2024, 12, 31), (2025, 12, 15), None]
    Task.objects.bulk_create(
        Task(title="t", assignee=actors["owner"], due_date=datetime.date(*day) if day else None)
        for day in days
    )

    def months(expression):
        return sorted(
            Task.objects.annotate(month=expression("due_date"))
            .values("month")
            .annotate(n=Count("id"))
            .values_list("month", "n"),
            key=lambda row: (row[0] is None, row[0]),
        )

    assert (
        months(MonthStart)
        == months(TruncMonth)
        == [
            (datetime.date(2024, 12, 1), 1),
            (datetime.date(2025, 1, 1), 2),
            (datetime.date(2025, 2, 1), 1),
            (datetime.date(2025, 12, 1), 1),
            (None, 1),
        ]
    )
