"""What clients bought, as the loyalty domain needs it.

Shipments and orders live in sales, above loyalty in the layering, so sales fills this
registry at start-up (`SalesConfig.ready()`) and loyalty reads through it: the purchase
totals that move accumulative cards between thresholds, and the monthly figures of the
card-holder analysis. Without a registered source nobody has bought anything.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet


@dataclass(frozen=True)
class MonthRow:
    """One client's purchases in one month: shipped revenue, posted orders and their sum."""

    partner_id: int
    month: datetime.date
    revenue: Decimal
    orders: int
    ordered: Decimal


# totals(partner_ids or None for all, start, end) -> {partner_id: shipped total}
TotalsSource = Callable[[Iterable[int] | None, datetime.date, datetime.date], dict[int, Decimal]]
# monthly(partner ids queryset, start, end) -> rows per partner and month
MonthlySource = Callable[[QuerySet, datetime.date, datetime.date], list[MonthRow]]

_totals: list[TotalsSource] = []
_monthly: list[MonthlySource] = []


def purchases_source_register(*, totals: TotalsSource, monthly: MonthlySource) -> None:
    _totals[:] = [totals]
    _monthly[:] = [monthly]


def purchase_totals(
    partner_ids: Iterable[int] | None, start: datetime.date, end: datetime.date
) -> dict[int, Decimal]:
    """What each partner was shipped from `start` to `end` (both included)."""
    return _totals[0](partner_ids, start, end) if _totals else {}


def purchases_by_month(
    partner_ids: QuerySet, start: datetime.date, end: datetime.date
) -> list[MonthRow]:
    return _monthly[0](partner_ids, start, end) if _monthly else []
