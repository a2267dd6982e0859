"""Report periods (DESIGN.md, wave 2): one type that every report and indicator takes.

A period is a closed range of calendar days in the user's time zone: `start` and `end`
are both included. `bounds()` turns it into aware datetimes [start 00:00, day after end
00:00) in the current time zone, for filtering timestamp columns.

Comparisons: `previous()` is the period of the same length just before; `same_last_year()`
is the same calendar days a year earlier (29 February becomes 28 February).
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ValidationFailed

PERIOD_INVALID = "period_invalid"
COMPARISON_INVALID = "period_comparison_invalid"
EARLIEST = datetime.date(2000, 1, 1)
MAX_DAYS = 366 * 10


class Comparison(StrEnum):
    """What a period is compared with."""

    NONE = "none"
    PREVIOUS = "previous"
    LAST_YEAR = "last_year"


def _year_earlier(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def of(
        cls,
        start: datetime.date | None = None,
        end: datetime.date | None = None,
        *,
        default_days: int = 30,
        field: str = "start",
    ) -> "Period":
        """A period from optional ends: the missing end is today, the missing start
        `default_days - 1` days before the end. Refuses an inverted, too early or too long
        period (ValidationFailed, `period_invalid`)."""
        end = end or timezone.localdate()
        start = start or end - datetime.timedelta(days=default_days - 1)
        if start > end:
            raise ValidationFailed.single(
                PERIOD_INVALID, _("The period starts after it ends."), field
            )
        if start < EARLIEST:
            raise ValidationFailed.single(
                PERIOD_INVALID,
                _("A period cannot start before %(day)s.") % {"day": EARLIEST.isoformat()},
                field,
            )
        if (end - start).days + 1 > MAX_DAYS:
            raise ValidationFailed.single(
                PERIOD_INVALID, _("A period covers at most ten years."), field
            )
        return cls(start, end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length that ends the day before this one starts."""
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    def same_last_year(self) -> "Period":
        return Period(_year_earlier(self.start), _year_earlier(self.end))

    def compared(self, comparison: "Comparison | str") -> "Period | None":
        """The period to compare with, or None for no comparison."""
        comparison = Comparison(comparison)
        if comparison == Comparison.PREVIOUS:
            return self.previous()
        if comparison == Comparison.LAST_YEAR:
            return self.same_last_year()
        return None

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes [first day 00:00, the day after the last 00:00) in the current
        time zone: filter timestamps with `>= first` and `< after`."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return first, after

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, in order."""
        months, month = [], month_start(self.start)
        while month <= self.end:
            months.append(month)
            month = next_month(month)
        return months


def comparison_check(period: Period, other: Period | None, *, field: str = "compare") -> None:
    """Refuses a comparison period that overlaps the period itself."""
    if other is not None and period.overlaps(other):
        raise ValidationFailed.single(
            COMPARISON_INVALID,
            _("The comparison period overlaps the period itself."),
            field,
        )


class MonthStart(TruncMonth):
    """The first day of a date's month, for grouping by month. The same as TruncMonth of a
    date, but on SQLite with its own strftime: Django's TruncMonth calls a Python function
    there for every row, which made grouping millions of rows by month several times slower."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"strftime('%%Y-%%m-01', {sql})", params
