"""Fixtures of the report tests: three partners (the owner's, the colleague's, the
outsider's) with shipments and payments dated in March 2026 and before it, built on the
sales fixtures (catalogue, agreement, a posted order and its invoice)."""

import datetime
from decimal import Decimal as D
from itertools import count

import pytest

from ladoga.partners.services import partner_create
from ladoga.sales import services
from ladoga.sales.models import Payment, Shipment
from tests.sales import conftest as sales

# The sales fixtures this dataset stands on (a catalogue, an agreement, the owner's client
# and a draft order), used by name.
agreement = sales.agreement
base_price_type = sales.base_price_type
counterparty = sales.counterparty
order = sales.order
partner = sales.partner
products = sales.products

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
numbers = count(1)


@pytest.fixture
def invoice(order):
    posted = services.order_post(order=order)
    return services.invoice_create(order=posted, date=datetime.date(2026, 3, 2))


@pytest.fixture
def partners(partner, actors):
    return {
        "owner": partner,
        "colleague": partner_create(name="Colleague's client", manager=actors["colleague"]),
        "outsider": partner_create(name="Outsider's client", manager=actors["outsider"]),
    }


def ship(invoice, client, day, total, vat):
    return Shipment.objects.create(
        number=f"SH-T-{next(numbers)}",
        date=day,
        order=invoice.order,
        partner=client,
        counterparty=invoice.order.counterparty,
        total=D(total),
        vat_total=D(vat),
    )


def pay(invoice, client, day, days_late, amount="100"):
    return Payment.objects.create(
        number=f"PM-T-{next(numbers)}",
        date=day,
        invoice=invoice,
        partner=client,
        amount=D(amount),
        due_date=day - datetime.timedelta(days=days_late),
        days_late=days_late,
    )


@pytest.fixture
def sales_rows(invoice, partners):
    """March 2026: the outsider's client 3000.00, the owner's 1000.00 + 250.50, the
    colleague's 200.00; February: the owner's 500.00; January (outside both): 400.00.
    Payments in March: the owner's client 1 on time and 2 late (2 and 13 days), the
    outsider's client 2 on time; one on time in February."""
    d = datetime.date
    o, c, x = partners["owner"], partners["colleague"], partners["outsider"]
    ship(invoice, o, d(2026, 3, 2), "1000.00", "166.67")
    ship(invoice, o, d(2026, 3, 10), "250.50", "41.75")
    ship(invoice, x, d(2026, 3, 5), "3000.00", "500.00")
    ship(invoice, c, d(2026, 3, 31), "200.00", "33.33")
    ship(invoice, o, d(2026, 2, 10), "500.00", "83.33")
    ship(invoice, o, d(2026, 1, 15), "400.00", "66.67")
    pay(invoice, o, d(2026, 3, 5), 0)
    pay(invoice, o, d(2026, 3, 9), 2)
    pay(invoice, o, d(2026, 3, 27), 13)
    pay(invoice, x, d(2026, 3, 12), 0)
    pay(invoice, x, d(2026, 3, 15), 0)
    pay(invoice, x, d(2026, 2, 15), 0)
    return partners
