"""The deals reports (A1 funnel, A2 efficiency, A4 weighted forecast): a query function
each, through record-level access, returning plain rows that the page, the API and the
CSV/XLSX export all show. Amounts are never added across currencies: a report is for one
currency (RUB unless asked), and deals in others are left out of it.

The cohort of the funnel and of the efficiency report is the deals *opened* in the period
(`Deal.opened_on`); the forecast takes the deals in progress by expected close month.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ladoga.accounts.access import visible
from ladoga.accounts.models import User
from ladoga.core import numbers
from ladoga.core.dates import days_between
from ladoga.core.errors import ValidationFailed
from ladoga.core.periods import MonthStart

from .errors import DealsCode as C
from .models import (
    Deal,
    DealKind,
    DealStatus,
    FunnelCell,
    FunnelMeasure,
    LossReason,
    ProcessType,
    Stage,
    StageOutcome,
)

ZERO = Decimal("0")
PERCENT = DecimalField(max_digits=7, decimal_places=2)
MONEY = DecimalField(max_digits=20, decimal_places=2)


def _percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in percent, one decimal, half-up (core.numbers: one rule)."""
    return numbers.percent(part, whole)


@dataclass(frozen=True)
class Period:
    date_from: datetime.date | None
    date_to: datetime.date | None

    @classmethod
    def of(cls, date_from=None, date_to=None, *, default_days: int | None = 365) -> "Period":
        today = timezone.localdate()
        if default_days is not None:
            date_to = date_to or today
            date_from = date_from or date_to - datetime.timedelta(days=default_days)
        if date_from and date_to and date_from > date_to:
            raise ValidationFailed.single(
                C.REPORT_PERIOD_INVALID,
                _("The period starts after it ends."),
                "date_from",
            )
        return cls(date_from, date_to)


def _cohort_filter(
    prefix: str, *, period: Period, kind, manager, currency, day: str = "opened_on"
) -> dict:
    lookups = {f"{prefix}currency": currency}
    if period.date_from:
        lookups[f"{prefix}{day}__gte"] = period.date_from
    if period.date_to:
        lookups[f"{prefix}{day}__lte"] = period.date_to
    if kind is not None:
        lookups[f"{prefix}kind"] = kind
    if manager:
        lookups[f"{prefix}manager_id"] = manager
    return lookups


def cohort(
    *,
    user,
    period: Period,
    kind: DealKind | None = None,
    manager: int | None = None,
    currency: str = "RUB",
) -> QuerySet[Deal]:
    """The deals a report counts: visible to `user`, opened in the period, of the kind,
    manager and currency asked."""
    lookups = _cohort_filter("", period=period, kind=kind, manager=manager, currency=currency)
    return visible(Deal.objects.all(), user).filter(**lookups)


def default_kind() -> DealKind | None:
    """The funnel's kind when none is asked: the first strict kind, else any with stages."""
    kinds = DealKind.objects.exclude(process_type=ProcessType.NON_PROCESS).order_by("name")
    return kinds.filter(process_type=ProcessType.STRICT).first() or kinds.first()


# --- A1: the funnel ------------------------------------------------------------------------


@dataclass
class ReasonLoss:
    reason_id: int | None
    reason: str
    count: int
    amount: Decimal


@dataclass
class FunnelRow:
    stage_id: int
    code: str
    name: str
    outcome: str
    reached: int
    reached_amount: Decimal
    conversion: Decimal | None  # % of those who reached this stage that reached the next
    lost: int = 0
    lost_amount: Decimal = ZERO
    lost_by_reason: list[ReasonLoss] = field(default_factory=list)


@dataclass
class Funnel:
    kind: DealKind
    period: Period
    manager: int | None
    currency: str
    deals: int
    rows: list[FunnelRow]

    title = gettext_lazy("Sales funnel")

    def table(self) -> tuple[list[str], list[list]]:
        headers = [
            _("Stage"),
            _("Deals reached"),
            _("Amount reached"),
            _("Conversion to the next, %"),
            _("Lost at the stage"),
            _("Amount lost"),
            _("Losses by reason"),
        ]
        rows = [
            [
                row.name,
                row.reached,
                row.reached_amount,
                row.conversion if row.conversion is not None else "",
                row.lost,
                row.lost_amount,
                "; ".join(f"{r.reason}: {r.count}" for r in row.lost_by_reason),
            ]
            for row in self.rows
        ]
        return headers, rows


def funnel(
    *,
    user,
    kind: DealKind | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    manager: int | None = None,
    currency: str = "RUB",
) -> Funnel:
    """Deals of a kind opened in the period: how many (and how much) reached each stage,
    the share that went on to the next stage, and how many were lost at each stage, by
    reason. One aggregate query over the running totals, whatever the number of deals."""
    kind = kind or default_kind()
    if kind is None or not kind.has_stages:
        raise ValidationFailed.single(
            C.REPORT_KIND_REQUIRED, _("Choose a deal kind with stages."), "kind"
        )
    period = Period.of(date_from, date_to)
    stages = [
        s
        for s in Stage.objects.filter(kind=kind).order_by("position", "id")
        if s.outcome != StageOutcome.LOST
    ]
    # One aggregate over the funnel's running totals (models.FunnelCell): the deals
    # opened, reached and lost per stage (and reason) — see funnel.py.
    cells = visible(
        FunnelCell.objects.filter(
            **_cohort_filter(
                "", period=period, kind=kind, manager=manager, currency=currency, day="day"
            )
        ),
        user,
    )
    reached: dict[int, dict] = {}
    losses: dict[int, list[ReasonLoss]] = defaultdict(list)
    total = 0
    reasons = None
    for row in (
        cells.values("measure", "stage_id", "reason_id")
        .annotate(n=Sum("deals"), amount=Sum("amount"))
        .order_by("measure", "stage_id", "-n", "reason_id")
    ):
        if row["measure"] == FunnelMeasure.OPENED:
            total += row["n"]
        elif row["measure"] == FunnelMeasure.REACHED:
            reached[row["stage_id"]] = row
        elif row["n"]:
            if reasons is None:
                reasons = dict(LossReason.objects.values_list("pk", "name"))
            losses[row["stage_id"]].append(
                ReasonLoss(
                    row["reason_id"] or None,
                    reasons.get(row["reason_id"], _("No reason")),
                    row["n"],
                    row["amount"] or ZERO,
                )
            )
    rows = []
    for index, stage in enumerate(stages):
        here = reached.get(stage.pk, {"n": 0, "amount": None})
        following = stages[index + 1] if index + 1 < len(stages) else None
        there = reached.get(following.pk, {"n": 0})["n"] if following else None
        if there is not None:
            # The cells already count a deal at every stage it passed (funnel.py); a stage
            # is never wider than the one before it, so the share never passes 100 %.
            there = min(there, here["n"])
        lost = losses.get(stage.pk, [])
        rows.append(
            FunnelRow(
                stage_id=stage.pk,
                code=stage.code,
                name=stage.name,
                outcome=stage.outcome,
                reached=here["n"],
                reached_amount=here["amount"] or ZERO,
                conversion=_percent(there, here["n"]) if there is not None else None,
                lost=sum(r.count for r in lost),
                lost_amount=sum((r.amount for r in lost), ZERO),
                lost_by_reason=lost,
            )
        )
    return Funnel(kind, period, manager, currency, total, rows)


# --- A2: deal efficiency ---------------------------------------------------------------------


@dataclass
class EfficiencyRow:
    key: int | None
    name: str
    won: int = 0
    won_amount: Decimal = ZERO
    lost: int = 0
    lost_amount: Decimal = ZERO
    in_progress: int = 0
    in_progress_amount: Decimal = ZERO
    win_rate: Decimal | None = None  # % of the closed deals that were won
    median_cycle_days: float | None = None  # from opening to closing, closed deals

    @property
    def total(self) -> int:
        return self.won + self.lost + self.in_progress


@dataclass
class Efficiency:
    group_by: str
    period: Period
    currency: str
    rows: list[EfficiencyRow]
    total: EfficiencyRow

    title = gettext_lazy("Deal efficiency")

    def table(self) -> tuple[list[str], list[list]]:
        headers = [
            _("Manager") if self.group_by == "manager" else _("Deal kind"),
            _("Won"),
            _("Won, amount"),
            _("Lost"),
            _("Lost, amount"),
            _("In progress"),
            _("In progress, amount"),
            _("Win rate, %"),
            _("Median cycle, days"),
        ]
        rows = [
            [
                row.name,
                row.won,
                row.won_amount,
                row.lost,
                row.lost_amount,
                row.in_progress,
                row.in_progress_amount,
                row.win_rate if row.win_rate is not None else "",
                row.median_cycle_days if row.median_cycle_days is not None else "",
            ]
            for row in [*self.rows, self.total]
        ]
        return headers, rows


GROUPS = {"manager": "manager_id", "kind": "kind_id"}


def _fill(row: EfficiencyRow, status: str, n: int, amount) -> None:
    amount = amount or ZERO
    if status == DealStatus.WON:
        row.won += n
        row.won_amount += amount
    elif status == DealStatus.LOST:
        row.lost += n
        row.lost_amount += amount
    else:
        row.in_progress += n
        row.in_progress_amount += amount


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def efficiency(
    *,
    user,
    group_by: str = "manager",
    kind: DealKind | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    manager: int | None = None,
    currency: str = "RUB",
) -> Efficiency:
    """Deals opened in the period by manager (or by kind): won, lost and in progress
    (counts and amounts), the win rate (won ÷ closed) and the median days from opening to
    closing of the closed ones. Two queries, plus one for the names."""
    if group_by not in GROUPS:
        raise ValidationFailed.single(
            C.REPORT_GROUP_UNKNOWN, _("Group by manager or by kind."), "group_by"
        )
    column = GROUPS[group_by]
    period = Period.of(date_from, date_to)
    deals = cohort(user=user, period=period, kind=kind, manager=manager, currency=currency)
    rows: dict[int | None, EfficiencyRow] = {}
    total = EfficiencyRow(None, _("Total"))
    for row in (
        deals.values(column, "status").annotate(n=Count("id"), amount=Sum("amount")).order_by()
    ):
        key = row[column]
        entry = rows.setdefault(key, EfficiencyRow(key, ""))
        _fill(entry, row["status"], row["n"], row["amount"])
        _fill(total, row["status"], row["n"], row["amount"])
    cycles: dict[int | None, list[int]] = defaultdict(list)
    for key, opened, closed in deals.filter(
        status__in=[DealStatus.WON, DealStatus.LOST], closed_at__isnull=False
    ).values_list(column, "opened_on", "closed_at"):
        cycles[key].append(days_between(opened, closed))
    if group_by == "manager":
        names = {u.pk: str(u) for u in User.objects.filter(pk__in=[k for k in rows if k])}
    else:
        names = dict(DealKind.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    for key, entry in rows.items():
        entry.name = names.get(key, "—")
        entry.win_rate = _percent(entry.won, entry.won + entry.lost)
        entry.median_cycle_days = _median(cycles[key])
    total.win_rate = _percent(total.won, total.won + total.lost)
    total.median_cycle_days = _median([d for days in cycles.values() for d in days])
    ordered = sorted(rows.values(), key=lambda r: (-r.won_amount, -r.won, r.name))
    return Efficiency(group_by, period, currency, ordered, total)


# --- A4: the weighted forecast ----------------------------------------------------------------


def probability_expression():
    """A deal's probability in SQL, as `Deal.probability` computes it for a deal in
    progress: the override, else its stage's estimate or default, else its kind's."""
    return Case(
        When(probability_override__isnull=False, then=Cast("probability_override", PERCENT)),
        When(
            stage__isnull=False,
            then=Coalesce(
                Cast("stage__estimated_probability", PERCENT),
                Cast("stage__default_probability", PERCENT),
            ),
        ),
        default=Coalesce(
            Cast("kind__estimated_probability", PERCENT),
            Cast("kind__default_probability", PERCENT),
        ),
        output_field=PERCENT,
    )


@dataclass
class ForecastRow:
    month: datetime.date | None  # the first day of the expected close month; None: no date
    deals: int
    amount: Decimal
    weighted: Decimal


@dataclass
class Forecast:
    period: Period
    currency: str
    rows: list[ForecastRow]

    title = gettext_lazy("Weighted forecast")

    @property
    def total_amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    @property
    def total_weighted(self) -> Decimal:
        return sum((r.weighted for r in self.rows), ZERO)

    def table(self) -> tuple[list[str], list[list]]:
        headers = [_("Expected close month"), _("Deals"), _("Amount"), _("Weighted amount")]
        rows = [
            [
                row.month.strftime("%Y-%m") if row.month else _("No date"),
                row.deals,
                row.amount,
                row.weighted,
            ]
            for row in self.rows
        ]
        return headers, rows


def forecast(
    *,
    user,
    kind: DealKind | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    manager: int | None = None,
    currency: str = "RUB",
) -> Forecast:
    """The deals in progress by expected close month: their number, amount and weighted
    amount Σ amount × probability (D9). The period, when given, bounds the expected close
    date; deals without one form the last row. One aggregate query."""
    period = Period.of(date_from, date_to, default_days=None)
    deals = visible(Deal.objects.all(), user).filter(
        status=DealStatus.IN_PROGRESS, currency=currency
    )
    if kind is not None:
        deals = deals.filter(kind=kind)
    if manager:
        deals = deals.filter(manager_id=manager)
    if period.date_from:
        deals = deals.filter(expected_close_date__gte=period.date_from)
    if period.date_to:
        deals = deals.filter(expected_close_date__lte=period.date_to)
    rows = (
        deals.annotate(month=MonthStart("expected_close_date"))
        .values("month")
        .annotate(
            n=Count("id"),
            total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY),
            weighted=Coalesce(
                Sum(F("amount") * probability_expression() / 100, output_field=MONEY),
                Value(ZERO),
                output_field=MONEY,
            ),
        )
        .order_by(F("month").asc(nulls_last=True))
    )
    return Forecast(
        period,
        currency,
        [
            ForecastRow(
                row["month"],
                row["n"],
                numbers.money(row["total"]),
                numbers.money(row["weighted"]),
            )
            for row in rows
        ],
    )


REPORTS = {"funnel": funnel, "deal-efficiency": efficiency, "weighted-forecast": forecast}
