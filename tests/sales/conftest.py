"""Fixtures of the sales tests: a small catalogue, a client partner of the owner with a
counterparty, an active typical agreement, and a draft order that keeps to it."""

import datetime
from decimal import Decimal

import pytest

from ladoga.partners.models import Counterparty, Partner
from ladoga.partners.services import partner_create, segment_create
from ladoga.sales import services
from ladoga.sales.models import AgreementStatus
from ladoga.sales.services import LineIn

D = Decimal
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def day():
    return DAY


@pytest.fixture
def base_price_type(db):
    return services.price_type_create(name="Base")


@pytest.fixture
def products(base_price_type):
    made = {
        code: services.product_create(code=code, name=name, vat_rate=D(rate))
        for code, name, rate in (
            ("P-1", "Cement M500", "20"),
            ("P-2", "Sand", "20"),
            ("P-3", "Delivery", "0"),
        )
    }
    for code, price in (("P-1", "500.00"), ("P-2", "120.00"), ("P-3", "3000.00")):
        services.price_set(
            product=made[code],
            price_type=base_price_type,
            effective_from=datetime.date(2026, 1, 1),
            amount=D(price),
        )
    return made


@pytest.fixture
def partner(actors):
    return partner_create(name="Stroymontazh", manager=actors["owner"])


@pytest.fixture
def other_partner(actors):
    return partner_create(name="Other client", manager=actors["outsider"])


def refused(response) -> bool:
    """A form the page refused (followed with `follow=True`): the POST answered a redirect
    back to the form's own page (POST-redirect-GET), whose GET shows the input and errors."""
    chain = response.redirect_chain
    return (
        response.status_code == 200
        and [code for _url, code in chain] == [302]
        and chain[0][0] == response.request["PATH_INFO"]
    )


def counterparty_of(partner: Partner, name: str = "IP Petrov") -> Counterparty:
    return Counterparty.objects.create(partner=partner, short_name=name, kind="person")


@pytest.fixture
def counterparty(partner):
    return counterparty_of(partner)


@pytest.fixture
def segment(db):
    return segment_create(name="Wholesale")


def make_active(agreement):
    agreement = services.agreement_transition(agreement=agreement, status=AgreementStatus.AGREED)
    return services.agreement_transition(agreement=agreement, status=AgreementStatus.ACTIVE)


@pytest.fixture
def agreement(base_price_type, products):
    """Active for everyone: 30 % prepayment within 3 days, 70 % 14 days after shipment,
    delivery in 5 days, VAT included, 5 % discount, up to 10 % more by hand."""
    made = services.agreement_create(
        name="Standard terms",
        price_type=base_price_type,
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2026, 12, 31),
        stages=[("prepayment", D("30"), 3), ("credit", D("70"), 14)],
        delivery_days=5,
        discount_percent=D("5"),
        max_manual_discount=D("10"),
    )
    return make_active(made)


@pytest.fixture
def order(partner, counterparty, agreement, products, owner):
    """A draft order that keeps to the agreement in every way."""
    return services.order_create(
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        date=DAY,
        lines=[
            LineIn(product=products["P-1"], quantity=D("10")),
            LineIn(product=products["P-2"], quantity=D("3"), discount_percent=D("5")),
        ],
        by=owner,
    )


def post(order):
    return services.order_post(order=order)
