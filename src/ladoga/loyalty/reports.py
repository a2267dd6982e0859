"""The card-holder analysis (L3, part): how clients holding a loyalty card buy compared
with the other clients, month by month: shipped revenue, posted orders, the average
order and the order frequency (orders per buying client).

A client counts as a card holder in a month when a card was issued to it (or to one of
its contact persons) on or before the month's last day, whatever became of the card
later. Only clients the user may see are counted (record-level access), and the figures
come from sales through `loyalty.purchases`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ladoga.accounts import access
from ladoga.core.numbers import half_up, money
from ladoga.core.periods import Period, next_month
from ladoga.core.reports import (
    Kind,
    PeriodForm,
    Report,
    ReportColumn,
    ReportTable,
    Section,
    register,
)
from ladoga.partners.models import Partner

from .models import LoyaltyCard
from .purchases import purchases_by_month

HOLDERS, OTHERS = "holders", "others"


@dataclass
class GroupFigures:
    """One group's purchases: the clients who bought, revenue, orders and their sum."""

    clients: set = field(default_factory=set)
    revenue: Decimal = Decimal("0")
    orders: int = 0
    ordered: Decimal = Decimal("0")

    @property
    def average_order(self) -> Decimal | None:
        return money(self.ordered / self.orders) if self.orders else None

    @property
    def frequency(self) -> Decimal | None:
        """Orders per buying client."""
        return half_up(Decimal(self.orders) / len(self.clients), 2) if self.clients else None


@dataclass
class CardHoldersResult:
    period: Period
    months: list[datetime.date]
    figures: dict[tuple[datetime.date, str], GroupFigures]
    totals: dict[str, GroupFigures]


class CardHoldersFilters(PeriodForm):
    default_days = 365


def card_holders(*, user, period: Period, compared: Period | None = None) -> CardHoldersResult:
    """Card holders against the other clients per month of `period` (three queries: the
    first card of each visible client, shipments, posted orders)."""
    partners = access.visible(Partner.objects.all(), user).values("pk")
    first_card = dict(
        access.visible(LoyaltyCard.objects.all(), user)
        .filter(issued_on__lte=period.end)
        .order_by()
        .values("partner_id")
        .annotate(first=Min("issued_on"))
        .values_list("partner_id", "first")
    )
    months = period.months()
    figures = {(month, group): GroupFigures() for month in months for group in (HOLDERS, OTHERS)}
    totals = {HOLDERS: GroupFigures(), OTHERS: GroupFigures()}
    for row in purchases_by_month(partners, period.start, period.end):
        month_end = next_month(row.month) - datetime.timedelta(days=1)
        issued = first_card.get(row.partner_id)
        group = HOLDERS if issued is not None and issued <= month_end else OTHERS
        for figures_of in (figures[(row.month, group)], totals[group]):
            figures_of.revenue += row.revenue
            figures_of.orders += row.orders
            figures_of.ordered += row.ordered
            if row.orders:
                figures_of.clients.add(row.partner_id)
    return CardHoldersResult(period=period, months=months, figures=figures, totals=totals)


GROUP_TITLES = {HOLDERS: gettext_lazy("Card holders"), OTHERS: gettext_lazy("Other clients")}


def _row(label, group: str, figures: GroupFigures, **extra) -> dict:
    return {
        "month": label,
        "group": str(GROUP_TITLES[group]),
        "clients": len(figures.clients),
        "revenue": figures.revenue,
        "orders": figures.orders,
        "average_order": figures.average_order,
        "frequency": figures.frequency,
        **extra,
    }


def card_holders_table(result: CardHoldersResult) -> ReportTable:
    columns = [
        ReportColumn("month", _("Month")),
        ReportColumn("group", _("Clients")),
        ReportColumn("clients", _("Buying clients"), Kind.INT),
        ReportColumn("revenue", _("Revenue"), Kind.MONEY, good="up"),
        ReportColumn("orders", _("Orders"), Kind.INT, good="up"),
        ReportColumn("average_order", _("Average order"), Kind.MONEY, good="up"),
        ReportColumn("frequency", _("Orders per client"), Kind.NUMBER, good="up"),
    ]
    rows = [
        _row(f"{month:%Y-%m}", group, result.figures[(month, group)])
        for month in result.months
        for group in (HOLDERS, OTHERS)
    ]
    totals = [
        _row(_("Total"), group, result.totals[group], _level=2) for group in (HOLDERS, OTHERS)
    ]
    return ReportTable(columns=columns, rows=rows, totals=totals)


def card_holders_chart(result: CardHoldersResult) -> dict:
    return {
        "kind": "lines",
        "title": _("Revenue of card holders and of other clients"),
        "labels": [f"{month:%Y-%m}" for month in result.months],
        "series": [
            {
                "name": str(GROUP_TITLES[group]),
                "values": [money(result.figures[(m, group)].revenue) for m in result.months],
            }
            for group in (HOLDERS, OTHERS)
        ],
        "unit": "money",
    }


CARD_HOLDERS = Report(
    name="loyalty-card-holders",
    title=gettext_lazy("Card holders and other clients"),
    description=gettext_lazy(
        "Revenue, orders, average order and order frequency of loyalty card holders "
        "against the other clients, month by month."
    ),
    section=Section.LOYALTY,
    filters=CardHoldersFilters,
    run=card_holders,
    table=card_holders_table,
    chart=card_holders_chart,
)


def install() -> None:
    register(CARD_HOLDERS)
