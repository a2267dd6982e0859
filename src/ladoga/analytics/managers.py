"""Manager comparison (A6): the chosen indicators per manager, now and in the compared
period, grouped by department with department and company totals.

Each measure the chosen indicators need runs once per period (one grouped query each, two
for deals), so the report costs at most 2 × 9 aggregate queries whatever the number of
managers. Totals add up the parts of the indicators, then compute the indicator, so a
department's win rate is its won deals over its closed deals, not an average of its
managers' rates.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ladoga.accounts.models import Department, User
from ladoga.core.numbers import change_percent
from ladoga.core.periods import Period
from ladoga.core.reports import Kind, ReportColumn, ReportTable

from .indicators import (
    DEFAULT_INDICATORS,
    Indicator,
    Parts,
    indicators_named,
    measures_of,
    measures_run,
    parts_add,
)
from .people import managers_visible_to

MANAGER, DEPARTMENT, COMPANY = 0, 1, 2
UNITS = {Kind.MONEY: "money", Kind.PERCENT: "percent", Kind.DAYS: "days"}


@dataclass
class Line:
    """One row: a manager (level 0), a department total (1) or the company total (2)."""

    label: str
    level: int
    manager_id: int | None = None
    department: str = ""
    now: dict[str, Any] = field(default_factory=dict)
    then: dict[str, Any] = field(default_factory=dict)


@dataclass
class ManagerComparison:
    period: Period
    compared: Period | None
    indicators: list[Indicator]
    lines: list[Line]

    @property
    def managers(self) -> list[Line]:
        return [line for line in self.lines if line.level == MANAGER]

    def line_of(self, manager_id: int) -> Line:
        return next(line for line in self.lines if line.manager_id == manager_id)

    @property
    def company(self) -> Line:
        return self.lines[-1]


def _values(indicators: list[Indicator], parts: dict[str, Parts]) -> dict[str, Any]:
    return {i.code: i.value(parts[i.measure.code]) for i in indicators}


def _group_parts(found: dict[str, dict[int, Parts]], measures, ids: list[int]) -> dict:
    return {m.code: parts_add(m, [found[m.code][pk] for pk in ids]) for m in measures}


def managers_compare(
    *,
    user,
    period: Period,
    compared: Period | None = None,
    indicators: list[str] | tuple[str, ...] = DEFAULT_INDICATORS,
    department: Department | None = None,
    manager: User | None = None,
) -> ManagerComparison:
    """The comparison for the managers `user` may see (optionally one department or one
    manager), with only the figures `user` may see in every row and total."""
    chosen = indicators_named(indicators or DEFAULT_INDICATORS)
    people = managers_visible_to(user=user)
    if department is not None:
        people = people.filter(department=department)
    if manager is not None:
        people = people.filter(pk=manager.pk)
    people = list(people)
    people.sort(key=lambda p: (p.department is None, str(p.department or ""), str(p), p.pk))
    ids = [p.pk for p in people]
    measures = measures_of(chosen)
    now = measures_run(measures, period, ids, user)
    then = measures_run(measures, compared, ids, user) if compared else None

    def line(label, level, members, manager_id=None, department=""):
        return Line(
            label=label,
            level=level,
            manager_id=manager_id,
            department=department,
            now=_values(chosen, _group_parts(now, measures, members)),
            then=_values(chosen, _group_parts(then, measures, members)) if then else {},
        )

    by_department: dict[Department | None, list[User]] = defaultdict(list)
    for person in people:
        by_department[person.department].append(person)
    lines = []
    for unit, members in by_department.items():
        name = str(unit) if unit else _("No department")
        for person in members:
            lines.append(line(str(person), MANAGER, [person.pk], person.pk, name))
        lines.append(
            line(
                _("Total: %(department)s") % {"department": name},
                DEPARTMENT,
                _pks(members),
                department=name,
            )
        )
    lines.append(line(_("Total"), COMPANY, ids))
    return ManagerComparison(period=period, compared=compared, indicators=chosen, lines=lines)


def _pks(people: list[User]) -> list[int]:
    return [p.pk for p in people]


def change(now, then):
    """The absolute change, or None when either side is unknown."""
    if now is None or then is None:
        return None
    return now - then


def comparison_table(result: ManagerComparison) -> ReportTable:
    """Columns: manager, department, then each indicator now (and, with a comparison,
    then, Δ and Δ%, with `good` telling the page which way is good)."""
    columns = [
        ReportColumn("manager", _("Manager")),
        ReportColumn("department", _("Department")),
    ]
    for i in result.indicators:
        title = str(i.title)
        if result.compared is None:
            columns.append(ReportColumn(i.code, title, i.kind))
            continue
        columns += [
            ReportColumn(f"{i.code}", _("%(indicator)s: now") % {"indicator": title}, i.kind),
            ReportColumn(f"{i.code}_then", _("%(indicator)s: then") % {"indicator": title}, i.kind),
            ReportColumn(
                f"{i.code}_change", _("%(indicator)s: Δ") % {"indicator": title}, i.kind, i.good
            ),
            ReportColumn(
                f"{i.code}_change_percent",
                _("%(indicator)s: Δ%%") % {"indicator": title},
                Kind.PERCENT,
                i.good,
            ),
        ]
    rows, totals = [], []
    for line in result.lines:
        row: dict[str, Any] = {
            "manager": line.label,
            "department": line.department,
            "_level": line.level,
        }
        for i in result.indicators:
            now = line.now[i.code]
            row[i.code] = now
            if result.compared is not None:
                then = line.then[i.code]
                row[f"{i.code}_then"] = then
                row[f"{i.code}_change"] = change(now, then)
                row[f"{i.code}_change_percent"] = change_percent(now, then)
        (totals if line.level == COMPANY else rows).append(row)
    return ReportTable(columns=columns, rows=rows, totals=totals)


def comparison_chart(result: ManagerComparison) -> dict | None:
    """Bars of the first chosen indicator per manager, now and then."""
    managers = result.managers
    if not managers or not result.indicators:
        return None
    first = result.indicators[0]
    series = [{"name": _("Now"), "values": [_number(line.now[first.code]) for line in managers]}]
    if result.compared is not None:
        series.append(
            {"name": _("Then"), "values": [_number(line.then[first.code]) for line in managers]}
        )
    return {
        "kind": "bars",
        "title": str(first.title),
        "labels": [line.label for line in managers],
        "series": series,
        "unit": UNITS.get(first.kind, "count"),
    }


def _number(value):
    if value is None:
        return 0
    return float(value) if isinstance(value, Decimal) else value
