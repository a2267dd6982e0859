"""What a claim links to in the domains below it: a customer order (sales) or a deal.

Kept in one place so the rules (`services`) read plain values: the order's partner, total
and currency, the deal's partner.
"""

from decimal import Decimal

from django.db.models import QuerySet

from ladoga.deals.models import Deal
from ladoga.sales.models import CustomerOrder


def order_partner_id(order: CustomerOrder) -> int | None:
    return order.partner_id


def order_total(order: CustomerOrder) -> Decimal:
    return order.total


def order_number(order: CustomerOrder) -> str:
    return order.number


def order_currency(order: CustomerOrder) -> str:
    return order.currency or "RUB"


def deals_of(*, partner) -> QuerySet[Deal]:
    """The partner's deals: those a claim of the partner may link to."""
    return Deal.objects.filter(partner=partner)


def deal_by_number(number: str, *, partner_id: int) -> Deal | None:
    return Deal.objects.filter(number__iexact=number.strip(), partner_id=partner_id).first()


def order_by_number(number: str, *, partner_id: int) -> CustomerOrder | None:
    """The partner's customer order with this number, or None."""
    return CustomerOrder.objects.filter(
        number__iexact=number.strip(), partner_id=partner_id
    ).first()


def orders_of(*, partner):
    """The partner's customer orders: those a claim of the partner may link to."""
    return CustomerOrder.objects.filter(partner=partner)
