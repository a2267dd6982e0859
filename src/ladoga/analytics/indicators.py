"""The catalogue of manager indicators (A6), each defined in docs/analytics.md.

An indicator is a small frozen record: a code, a title, how it is shown (`Kind`), whether a
rise is good, and the *measure* it is read from. A measure is one grouped aggregate query
through record-level access (the deals measure: two, one per date column, each on its own
index) that yields, per manager, the parts of one or several indicators (the deals measure
gives opened, won, lost, won amount… together).

Indicators are built from their parts, never from other indicators' rounded values, so a
ratio (win rate, average won deal) of a department or of the company is recomputed from the
summed parts, not summed or averaged itself.

Periods: a flow indicator counts what happened in the period (a date column compared with
the period's days, a timestamp with `Period.bounds()`); a state indicator (overdue tasks,
unprocessed interactions) is the state at the analysis date, which is the period's end.
"""

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.access import visible
from ladoga.claims.models import Claim
from ladoga.core.numbers import half_up, percent
from ladoga.core.periods import Period
from ladoga.core.reports import Kind
from ladoga.deals.models import Deal, DealStatus
from ladoga.interactions.models import (
    EmailStatus,
    Interaction,
    InteractionKind,
    ReviewStatus,
    Task,
    TaskStatus,
)
from ladoga.partners.models import Partner
from ladoga.sales.models import Payment, Shipment

from .strategy import past_norm

ZERO = Decimal("0")
# Amounts are never added across currencies: money indicators are in roubles.
CURRENCY = "RUB"

Parts = dict[str, Any]
MeasureRun = Callable[[Period, Collection[int], Any], dict[int, Parts]]


@dataclass(frozen=True)
class Measure:
    """One grouped query: `run(period, manager_ids, user)` -> {manager id: {part: number}}.
    Parts missing for a manager are zero."""

    code: str
    parts: tuple[str, ...]
    run: MeasureRun


@dataclass(frozen=True)
class Indicator:
    code: str
    title: Any
    kind: Kind
    good: str  # "up": a rise is good; "down": a fall is good
    measure: Measure
    compute: Callable[[Parts], Any]
    description: Any = ""

    def value(self, parts: Parts):
        return self.compute(parts)

    def query(self, period: Period, managers: Collection[int], user) -> dict[int, Any]:
        """The indicator per manager of `managers` that `user` may see, in `period`."""
        found = self.measure.run(period, list(managers), user)
        return {pk: self.value(parts_of(self.measure, found.get(pk))) for pk in managers}


def parts_of(measure: Measure, parts: Parts | None) -> Parts:
    """A manager's parts with zero for the missing ones."""
    parts = parts or {}
    return {name: parts.get(name) or 0 for name in measure.parts}


def parts_add(measure: Measure, rows: list[Parts]) -> Parts:
    """The parts of a group (a department, the company): each part summed."""
    total = {name: 0 for name in measure.parts}
    for row in rows:
        for name in measure.parts:
            total[name] += row.get(name) or 0
    return total


def _grouped(queryset, key: str, **aggregates) -> dict[int, Parts]:
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row[key]: {name: row[name] for name in aggregates} for row in rows}


# --- measures: one grouped query each (deals: two) -----------------------------------------


def _clients(period: Period, managers, user) -> dict[int, Parts]:
    """Partners created in the period as clients or potential clients, by their manager;
    merged duplicates are not new clients."""
    first, after = period.bounds()
    found = visible(Partner.objects.all(), user).filter(
        Q(is_client=True) | Q(is_potential_client=True),
        manager_id__in=managers,
        created_at__gte=first,
        created_at__lt=after,
        merged_into__isnull=True,
    )
    return _grouped(found, "manager_id", new_clients=Count("id"))


def _interactions(period: Period, managers, user) -> dict[int, Parts]:
    """Interactions that took place in the period (started in it, and not in the future),
    by their responsible user; unsent e-mail drafts are not interactions yet."""
    first, after = period.bounds()
    after = min(after, timezone.now())
    found = (
        visible(Interaction.objects.all(), user)
        .filter(responsible_id__in=managers, start__gte=first, start__lt=after)
        .exclude(kind=InteractionKind.EMAIL, email_status=EmailStatus.DRAFT)
    )
    return _grouped(
        found,
        "responsible_id",
        interactions=Count("id"),
        calls=Count("id", filter=Q(kind=InteractionKind.CALL)),
        emails=Count("id", filter=Q(kind=InteractionKind.EMAIL)),
        meetings=Count("id", filter=Q(kind=InteractionKind.MEETING)),
    )


def _unprocessed(period: Period, managers, user) -> dict[int, Parts]:
    """Interactions waiting for review at the end of the analysis date: begun by then
    (or, without a start, recorded by then), not reviewed by then, and not deferred past
    that day (A5's unprocessed list as it stood on that day)."""
    _, after = period.bounds()
    found = visible(Interaction.objects.all(), user).filter(
        Q(start__lt=after) | Q(start__isnull=True, created_at__lt=after),
        Q(review_status=ReviewStatus.NOT_REVIEWED) | Q(reviewed_at__gte=after),
        Q(review_after__isnull=True) | Q(review_after__lte=period.end),
        responsible_id__in=managers,
    )
    return _grouped(found, "responsible_id", unprocessed=Count("id"))


def _tasks(period: Period, managers, user) -> dict[int, Parts]:
    """Tasks overdue on the analysis date: due before it and not done by the end of it
    (open now, or done only later). Cancelled tasks are not counted (when they were
    cancelled is not kept)."""
    _, after = period.bounds()
    found = visible(Task.objects.all(), user).filter(
        Q(status=TaskStatus.OPEN) | Q(status=TaskStatus.DONE, completed_at__gte=after),
        assignee_id__in=managers,
        due_date__lt=period.end,
    )
    return _grouped(found, "assignee_id", overdue_tasks=Count("id"))


def _deals(period: Period, managers, user) -> dict[int, Parts]:
    """Deals opened in the period (by `opened_on`) and deals closed in it (by
    `closed_at`, won or lost), by their manager; won amounts in roubles only. Two grouped
    queries, one per date, so each reads its own index (deal_manager_opened,
    deal_manager_closed) instead of every deal of the managers."""
    first, after = period.bounds()
    deals = visible(Deal.objects.all(), user).filter(manager_id__in=managers)
    opened = _grouped(
        deals.filter(opened_on__gte=period.start, opened_on__lte=period.end),
        "manager_id",
        opened=Count("id"),
    )
    won = Q(status=DealStatus.WON)
    won_rub = won & Q(currency=CURRENCY, amount__isnull=False)
    closed = _grouped(
        deals.filter(closed_at__gte=first, closed_at__lt=after),
        "manager_id",
        won=Count("id", filter=won),
        lost=Count("id", filter=Q(status=DealStatus.LOST)),
        won_amount=Sum("amount", filter=won_rub),
        won_priced=Count("id", filter=won_rub),
    )
    return {pk: opened.get(pk, {}) | closed.get(pk, {}) for pk in opened.keys() | closed.keys()}


def _shipments(period: Period, managers, user) -> dict[int, Parts]:
    """Shipments dated in the period, in roubles, by the manager of their partner (revenue
    is earned when goods are shipped, as in sales.queries.revenue_by_partner)."""
    found = visible(Shipment.objects.all(), user).filter(
        partner__manager_id__in=managers,
        date__gte=period.start,
        date__lte=period.end,
        currency=CURRENCY,
    )
    return _grouped(found, "partner__manager_id", revenue=Sum("total"))


def _payments(period: Period, managers, user) -> dict[int, Parts]:
    """Payments received in the period against rouble invoices, by the partner's manager."""
    found = visible(Payment.objects.all(), user).filter(
        partner__manager_id__in=managers,
        date__gte=period.start,
        date__lte=period.end,
        invoice__currency=CURRENCY,
    )
    return _grouped(found, "partner__manager_id", payments=Sum("amount"))


def _claims(period: Period, managers, user) -> dict[int, Parts]:
    """Claims dated in the period that name the manager as the culprit employee."""
    found = visible(Claim.objects.all(), user).filter(
        culprit_employee_id__in=managers, date__gte=period.start, date__lte=period.end
    )
    return _grouped(found, "culprit_employee_id", claims=Count("id"))


def _past_norm(period: Period, managers, user) -> dict[int, Parts]:
    """Clients of the manager past their contact norm (A10) at the end of the period: the
    same rule as the relationship-strategy report (`strategy.past_norm`)."""
    clients = visible(Partner.objects.all(), user).filter(manager_id__in=managers)
    counts: dict[int, Parts] = {}
    for row in past_norm(clients, on=period.end):
        counts.setdefault(row.manager_id, {"past_norm": 0})["past_norm"] += 1
    return counts


CLIENTS = Measure("clients", ("new_clients",), _clients)
NORMS = Measure("norms", ("past_norm",), _past_norm)
INTERACTIONS = Measure(
    "interactions", ("interactions", "calls", "emails", "meetings"), _interactions
)
UNPROCESSED = Measure("unprocessed", ("unprocessed",), _unprocessed)
TASKS = Measure("tasks", ("overdue_tasks",), _tasks)
DEALS = Measure("deals", ("opened", "won", "lost", "won_amount", "won_priced"), _deals)
SHIPMENTS = Measure("shipments", ("revenue",), _shipments)
PAYMENTS = Measure("payments", ("payments",), _payments)
CLAIMS = Measure("claims", ("claims",), _claims)


def _part(name: str) -> Callable[[Parts], Any]:
    return lambda parts: parts[name]


def _money_part(name: str) -> Callable[[Parts], Any]:
    return lambda parts: half_up(parts[name] or ZERO, 2)


def _average_won(parts: Parts):
    if not parts["won_priced"]:
        return None
    return half_up(Decimal(str(parts["won_amount"])) / parts["won_priced"], 2)


def _win_rate(parts: Parts):
    return percent(parts["won"], parts["won"] + parts["lost"])


UP, DOWN = "up", "down"

INDICATORS: dict[str, Indicator] = {
    indicator.code: indicator
    for indicator in [
        Indicator("new_clients", _("New clients"), Kind.INT, UP, CLIENTS, _part("new_clients")),
        Indicator(
            "interactions", _("Interactions"), Kind.INT, UP, INTERACTIONS, _part("interactions")
        ),
        Indicator("calls", _("Calls"), Kind.INT, UP, INTERACTIONS, _part("calls")),
        Indicator("emails", _("E-mails"), Kind.INT, UP, INTERACTIONS, _part("emails")),
        Indicator("meetings", _("Meetings held"), Kind.INT, UP, INTERACTIONS, _part("meetings")),
        Indicator("deals_opened", _("Deals opened"), Kind.INT, UP, DEALS, _part("opened")),
        Indicator("deals_won", _("Deals won"), Kind.INT, UP, DEALS, _part("won")),
        Indicator("deals_lost", _("Deals lost"), Kind.INT, DOWN, DEALS, _part("lost")),
        Indicator("won_amount", _("Won amount"), Kind.MONEY, UP, DEALS, _money_part("won_amount")),
        Indicator("average_won", _("Average won deal"), Kind.MONEY, UP, DEALS, _average_won),
        Indicator("win_rate", _("Win rate, %"), Kind.PERCENT, UP, DEALS, _win_rate),
        Indicator(
            "revenue", _("Revenue shipped"), Kind.MONEY, UP, SHIPMENTS, _money_part("revenue")
        ),
        Indicator(
            "payments", _("Payments received"), Kind.MONEY, UP, PAYMENTS, _money_part("payments")
        ),
        Indicator(
            "overdue_tasks", _("Overdue tasks"), Kind.INT, DOWN, TASKS, _part("overdue_tasks")
        ),
        Indicator(
            "unprocessed",
            _("Unprocessed interactions"),
            Kind.INT,
            DOWN,
            UNPROCESSED,
            _part("unprocessed"),
        ),
        Indicator("claims", _("Claims as culprit"), Kind.INT, DOWN, CLAIMS, _part("claims")),
        Indicator(
            "past_norm",
            _("Clients past their contact norm"),
            Kind.INT,
            DOWN,
            NORMS,
            _part("past_norm"),
        ),
    ]
}

DEFAULT_INDICATORS = (
    "new_clients",
    "interactions",
    "meetings",
    "deals_won",
    "won_amount",
    "win_rate",
    "revenue",
    "overdue_tasks",
)


def indicators_named(codes: Collection[str]) -> list[Indicator]:
    """The indicators of `codes`, in catalogue order."""
    return [indicator for code, indicator in INDICATORS.items() if code in set(codes)]


def measures_of(indicators: Collection[Indicator]) -> list[Measure]:
    """The measures the indicators need, each once."""
    found: dict[str, Measure] = {}
    for indicator in indicators:
        found.setdefault(indicator.measure.code, indicator.measure)
    return list(found.values())


def measures_run(
    measures: Collection[Measure], period: Period, managers: Collection[int], user
) -> dict[str, dict[int, Parts]]:
    """{measure code: {manager id: parts}} with every manager present (zeros)."""
    found: dict[str, dict[int, Parts]] = defaultdict(dict)
    for measure in measures:
        rows = measure.run(period, list(managers), user)
        for pk in managers:
            found[measure.code][pk] = parts_of(measure, rows.get(pk))
    return found
