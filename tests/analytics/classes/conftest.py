"""Fixtures of the classification tests: clients of the owner and of the outsider, and
`ship(partner, day, total)` for a shipment (negative: a return) without the order flow."""

import datetime
from decimal import Decimal

import pytest

from ladoga.partners.models import Counterparty
from ladoga.partners.services import partner_create
from ladoga.sales.models import CustomerOrder, OrderStatus, Shipment

D = Decimal
ON = datetime.date(2026, 4, 15)  # classified over April 2025 – March 2026
MONTHS = [datetime.date(2025 + (3 + i) // 12, (3 + i) % 12 + 1, 10) for i in range(12)]


@pytest.fixture
def ship(db):
    orders: dict[int, CustomerOrder] = {}
    count = [0]

    def make(partner, day: datetime.date, total) -> Shipment:
        count[0] += 1
        if partner.pk not in orders:
            counterparty = Counterparty.objects.create(
                partner=partner, short_name=f"{partner.name} LLC", kind="person"
            )
            orders[partner.pk] = CustomerOrder.objects.create(
                number=f"ORD-{partner.pk}",
                date=day,
                partner=partner,
                counterparty=counterparty,
                delivery_date=day,
                status=OrderStatus.POSTED,
                manager=partner.manager,
            )
        order = orders[partner.pk]
        return Shipment.objects.create(
            number=f"SH-{count[0]}",
            date=day,
            order=order,
            partner=partner,
            counterparty=order.counterparty,
            total=D(total),
        )

    return make


@pytest.fixture
def clients(actors, ship):
    """The hand-computed dataset (April 2025 – March 2026, 12 months):

    steady   100 every month                       1200  cv 0        → X
    wavy     100 a month, 130 in month 6, 70 in 7  1200  cv 12.25    → Y
    seasonal 150 every other month                  900  cv 100      → Z
    once     one purchase of 300                     300  cv 331.66   → Z
    returned 100 bought, 250 returned                -150  C, unmeasured
    Positive total 3600: steady and wavy tie (33.3 % each) and are A, seasonal starts at
    66.7 % < 80 % so A too, once starts at 91.7 % < 95 %: B; returned is C.
    """
    owner, outsider = actors["owner"], actors["outsider"]
    made = {
        "steady": partner_create(name="Steady", manager=owner),
        "wavy": partner_create(name="Wavy", manager=owner),
        "seasonal": partner_create(name="Seasonal", manager=outsider),
        "once": partner_create(name="Once", manager=owner),
        "returned": partner_create(name="Returned", manager=outsider),
    }
    for index, day in enumerate(MONTHS):
        ship(made["steady"], day, "100")
        ship(made["wavy"], day, {5: "130", 6: "70"}.get(index, "100"))
        if index % 2 == 1:
            ship(made["seasonal"], day, "150")
    ship(made["once"], MONTHS[4], "300")
    ship(made["returned"], MONTHS[2], "100")
    ship(made["returned"], MONTHS[3], "-250")
    # Outside the twelve months: neither before nor in the month of ON counts.
    ship(made["steady"], datetime.date(2025, 3, 31), "100000")
    ship(made["once"], datetime.date(2026, 4, 1), "100000")
    return made
