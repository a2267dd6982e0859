"""The claim reports (C5), each a query function over the claims the user may see.

- dynamics: claims registered, resolved and still open, by month and by culprit department;
- satisfaction: how resolved claims ended (satisfied / partly / rejected) by reason;
- structure: claims registered in a period, department × reason.

Every function starts from `accounts.access.visible`, so a manager's report counts only
their partners' claims and a department head's only what they may see (X1). The database
does the counting (a few GROUP BY queries, whatever the number of claims); Python only
fills in the months and cells that had nothing.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts import access
from ladoga.accounts.models import Department
from ladoga.core import numbers
from ladoga.core.errors import ValidationFailed

from .errors import ClaimsCode
from .models import Claim, ClaimReason, ClaimResolution

# A long period is fine for the database, but a chart of more months is unreadable.
MAX_MONTHS = 120


@dataclass(frozen=True)
class Period:
    date_from: datetime.date
    date_to: datetime.date

    @property
    def months(self) -> list[datetime.date]:
        months, month = [], self.date_from.replace(day=1)
        while month <= self.date_to:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def period_default(today: datetime.date | None = None) -> Period:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _i in range(11):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return Period(start, today)


def period_of(date_from: datetime.date | None, date_to: datetime.date | None) -> Period:
    """A report period from optional ends; refuses an inverted or too long one."""
    default = period_default()
    period = Period(date_from or default.date_from, date_to or default.date_to)
    if period.date_from > period.date_to:
        raise ValidationFailed.single(
            ClaimsCode.REPORT_PERIOD_INVALID,
            _("The period starts after it ends."),
            "date_from",
        )
    if len(period.months) > MAX_MONTHS:
        raise ValidationFailed.single(
            ClaimsCode.REPORT_PERIOD_INVALID,
            _("A report covers at most %(months)d months.") % {"months": MAX_MONTHS},
            "date_from",
        )
    return period


def _claims(user, *, department: int | None = None, reason: int | None = None) -> QuerySet:
    claims = access.visible(Claim.objects.order_by(), user)
    if department is not None:
        claims = claims.filter(culprit_department_id=department)
    if reason is not None:
        claims = claims.filter(reason_id=reason)
    return claims


def _names(model, ids) -> dict[int | None, str]:
    names: dict[int | None, str] = {None: _("Not specified")}
    names.update(model.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))
    return names


def _share(part: int, total: int) -> Decimal:
    """`part` of `total` in percent, one decimal, half-up (core.numbers); 0.0 of nothing."""
    return numbers.percent(part, total) if total else Decimal("0.0")


def _by_month(day_and_department: QuerySet) -> dict[tuple[datetime.date, int | None], int]:
    """Counts per (first day of the month, department) from a (day, department) queryset."""
    counts: dict[tuple[datetime.date, int | None], int] = defaultdict(int)
    for day, department, n in day_and_department.annotate(n=Count("id")).order_by():
        counts[(day.replace(day=1), department)] += n
    return counts


# --- Dynamics -------------------------------------------------------------------------


@dataclass
class DynamicsRow:
    month: datetime.date
    department_id: int | None
    department: str
    registered: int = 0
    resolved: int = 0
    open: int = 0


@dataclass
class DynamicsReport:
    period: Period
    rows: list[DynamicsRow]
    totals: list[DynamicsRow]

    def by_department(self) -> list[DynamicsRow]:
        """Each department over the whole period: registered and resolved in it, open at
        its end."""
        found: dict[int | None, DynamicsRow] = {}
        for row in self.rows:
            total = found.setdefault(
                row.department_id,
                DynamicsRow(self.period.date_to, row.department_id, row.department),
            )
            total.registered += row.registered
            total.resolved += row.resolved
            total.open = row.open
        return list(found.values())

    columns = ("month", "department", "registered", "resolved", "open")

    def table(self) -> tuple[list[str], list[list]]:
        headers = [_("Month"), _("Department"), _("Registered"), _("Resolved"), _("Open")]
        return headers, [
            [f"{r.month:%Y-%m}", r.department, r.registered, r.resolved, r.open] for r in self.rows
        ]


def claims_dynamics(
    *,
    user,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    department: int | None = None,
    reason: int | None = None,
) -> DynamicsReport:
    """Claims registered and resolved in each month of the period, and open at each
    month's end, per culprit department (and in total).

    Open at a month's end = registered by then and not resolved by then; it is the
    count open at the period's start plus the running difference.
    """
    period = period_of(date_from, date_to)
    claims = _claims(user, department=department, reason=reason)
    start, end = period.date_from, period.date_to

    opening: dict[int | None, int] = dict(
        claims.filter(date__lt=start)
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))
        .values_list("culprit_department")
        .annotate(n=Count("id"))
    )
    # Counted by day and folded into months here: grouping on the plain column lets the
    # database use its index, where a month function would be computed for every row
    # (on SQLite, in Python).
    registered = _by_month(
        claims.filter(date__gte=start, date__lte=end).values_list("date", "culprit_department")
    )
    # A claim counts as resolved no earlier than it was registered, so a row stored with
    # the resolution before the claim's date never makes an "open" count negative.
    resolved = _by_month(
        claims.filter(resolved_on__isnull=False)
        .annotate(done=Greatest("resolved_on", "date"))
        .filter(done__gte=start, done__lte=end)
        .values_list("done", "culprit_department")
    )
    department_ids = {*opening, *(d for _m, d in registered), *(d for _m, d in resolved)}
    names = _names(Department, department_ids)
    ordered = sorted(department_ids, key=lambda d: (d is None, names.get(d, "")))

    rows: list[DynamicsRow] = []
    totals = {m: DynamicsRow(m, None, _("All departments")) for m in period.months}
    for department_id in ordered:
        open_count = opening.get(department_id, 0)
        for month in period.months:
            row = DynamicsRow(month, department_id, names.get(department_id, ""))
            row.registered = registered.get((month, department_id), 0)
            row.resolved = resolved.get((month, department_id), 0)
            open_count += row.registered - row.resolved
            row.open = open_count
            rows.append(row)
            total = totals[month]
            total.registered += row.registered
            total.resolved += row.resolved
            total.open += row.open
    return DynamicsReport(period=period, rows=rows, totals=list(totals.values()))


# --- Satisfaction ---------------------------------------------------------------------


@dataclass
class SatisfactionRow:
    reason_id: int | None
    reason: str
    satisfied: int = 0
    partly: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        return self.satisfied + self.partly + self.rejected

    @property
    def satisfied_share(self) -> Decimal:
        return _share(self.satisfied, self.total)

    @property
    def partly_share(self) -> Decimal:
        return _share(self.partly, self.total)

    @property
    def rejected_share(self) -> Decimal:
        return _share(self.rejected, self.total)


@dataclass
class SatisfactionReport:
    period: Period
    rows: list[SatisfactionRow]
    total: SatisfactionRow

    def table(self) -> tuple[list[str], list[list]]:
        headers = [
            _("Reason"),
            _("Resolved"),
            _("Satisfied"),
            _("Partly satisfied"),
            _("Rejected"),
            _("Satisfied, %"),
            _("Partly satisfied, %"),
            _("Rejected, %"),
        ]
        return headers, [
            [
                r.reason,
                r.total,
                r.satisfied,
                r.partly,
                r.rejected,
                r.satisfied_share,
                r.partly_share,
                r.rejected_share,
            ]
            for r in [*self.rows, self.total]
        ]


def claims_satisfaction(
    *,
    user,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    department: int | None = None,
    reason: int | None = None,
) -> SatisfactionReport:
    """How the claims resolved in the period ended, by reason: counts and shares of
    satisfied, partly satisfied and rejected."""
    period = period_of(date_from, date_to)
    claims = _claims(user, department=department, reason=reason).filter(
        resolved_on__gte=period.date_from, resolved_on__lte=period.date_to
    )
    counts = (
        claims.exclude(resolution="")
        .values_list("reason")
        .annotate(
            satisfied=Count("id", filter=Q(resolution=ClaimResolution.SATISFIED)),
            partly=Count("id", filter=Q(resolution=ClaimResolution.PARTLY)),
            rejected=Count("id", filter=Q(resolution=ClaimResolution.REJECTED)),
        )
    )
    found = {r: (s, p, j) for r, s, p, j in counts}
    names = _names(ClaimReason, found)
    rows = [
        SatisfactionRow(reason_id, names.get(reason_id, ""), *found[reason_id])
        for reason_id in sorted(found, key=lambda r: (r is None, names.get(r, "")))
    ]
    total = SatisfactionRow(
        None,
        _("All reasons"),
        sum(r.satisfied for r in rows),
        sum(r.partly for r in rows),
        sum(r.rejected for r in rows),
    )
    return SatisfactionReport(period=period, rows=rows, total=total)


# --- Structure ------------------------------------------------------------------------


@dataclass
class StructureReport:
    period: Period
    departments: list[tuple[int | None, str]]
    reasons: list[tuple[int | None, str]]
    cells: dict[tuple[int | None, int | None], int] = field(default_factory=dict)

    def count(self, department_id, reason_id) -> int:
        return self.cells.get((department_id, reason_id), 0)

    def department_total(self, department_id) -> int:
        return sum(n for (d, _r), n in self.cells.items() if d == department_id)

    def reason_total(self, reason_id) -> int:
        return sum(n for (_d, r), n in self.cells.items() if r == reason_id)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    @property
    def maximum(self) -> int:
        return max(self.cells.values(), default=0)

    def matrix(self) -> list[dict]:
        """Rows for a template: the department, its cells in reason order, its total."""
        return [
            {
                "id": d_id,
                "name": d_name,
                "cells": [self.count(d_id, r_id) for r_id, _r in self.reasons],
                "total": self.department_total(d_id),
            }
            for d_id, d_name in self.departments
        ]

    def table(self) -> tuple[list[str], list[list]]:
        headers = [_("Department"), *(name for _id, name in self.reasons), _("Total")]
        rows = [[row["name"], *row["cells"], row["total"]] for row in self.matrix()]
        rows.append(
            [_("Total"), *(self.reason_total(r_id) for r_id, _n in self.reasons), self.total]
        )
        return headers, rows


def claims_structure(
    *,
    user,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    department: int | None = None,
    reason: int | None = None,
) -> StructureReport:
    """Claims registered in the period, counted by culprit department × reason."""
    period = period_of(date_from, date_to)
    counts = (
        _claims(user, department=department, reason=reason)
        .filter(date__gte=period.date_from, date__lte=period.date_to)
        .values_list("culprit_department", "reason")
        .annotate(n=Count("id"))
    )
    cells = {(d, r): n for d, r, n in counts}
    department_names = _names(Department, {d for d, _r in cells})
    reason_names = _names(ClaimReason, {r for _d, r in cells})

    def ordered(names, ids):
        return [(i, names.get(i, "")) for i in sorted(ids, key=lambda i: (i is None, names[i]))]

    return StructureReport(
        period=period,
        departments=ordered(department_names, {d for d, _r in cells}),
        reasons=ordered(reason_names, {r for _d, r in cells}),
        cells=cells,
    )


REPORTS = {
    "claims-dynamics": claims_dynamics,
    "claims-satisfaction": claims_satisfaction,
    "claims-structure": claims_structure,
}
