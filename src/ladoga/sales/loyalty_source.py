"""What sales tells the loyalty domain about purchases (loyalty.purchases registry).

Purchases are shipments (revenue is counted by shipment date, as in the revenue
reports); orders are posted customer orders by their date."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from ladoga.core.periods import MonthStart
from ladoga.loyalty.purchases import MonthRow

from .models import CustomerOrder, OrderStatus, Shipment


def shipped_totals(
    partner_ids: Iterable[int] | None, start: datetime.date, end: datetime.date
) -> dict[int, Decimal]:
    """Shipped totals per partner from `start` to `end` (one grouped query)."""
    shipments = Shipment.objects.filter(date__gte=start, date__lte=end)
    if partner_ids is not None:
        shipments = shipments.filter(partner_id__in=list(partner_ids))
    return dict(
        shipments.order_by()
        .values("partner_id")
        .annotate(total=Sum("total"))
        .values_list("partner_id", "total")
    )


def _month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.replace(day=1)


def purchases_by_month(
    partner_ids: QuerySet, start: datetime.date, end: datetime.date
) -> list[MonthRow]:
    """Per partner and month: shipped revenue, posted orders and their total (two grouped
    queries)."""
    found: dict[tuple[int, datetime.date], list] = defaultdict(
        lambda: [Decimal("0"), 0, Decimal("0")]
    )
    shipped = (
        Shipment.objects.filter(date__gte=start, date__lte=end, partner_id__in=partner_ids)
        .annotate(month=MonthStart("date"))
        .order_by()
        .values("partner_id", "month")
        .annotate(total=Sum("total"))
        .values_list("partner_id", "month", "total")
    )
    for partner_id, month, total in shipped:
        found[(partner_id, _month(month))][0] += total or Decimal("0")
    ordered = (
        CustomerOrder.objects.filter(
            status=OrderStatus.POSTED, date__gte=start, date__lte=end, partner_id__in=partner_ids
        )
        .annotate(month=MonthStart("date"))
        .order_by()
        .values("partner_id", "month")
        .annotate(count=Count("id"), total=Sum("total"))
        .values_list("partner_id", "month", "count", "total")
    )
    for partner_id, month, count, total in ordered:
        row = found[(partner_id, _month(month))]
        row[1] += count
        row[2] += total or Decimal("0")
    return [
        MonthRow(partner_id=p, month=m, revenue=r, orders=o, ordered=t)
        for (p, m), (r, o, t) in sorted(found.items())
    ]
