"""Fixtures of the loyalty tests: a fixed and an accumulative card kind, and the sales
fixtures (catalogue, the owner's client with a counterparty, an active agreement)."""

import datetime
from decimal import Decimal

import pytest

from ladoga.loyalty import services
from ladoga.partners.services import partner_create
from tests.sales.conftest import (  # noqa: F401 (fixtures)
    DAY,
    agreement,
    base_price_type,
    counterparty,
    day,
    order,
    other_partner,
    partner,
    products,
)

D = Decimal


@pytest.fixture
def fixed_kind(db):
    """7 %, "larger" of the card's and the agreement's; EAN-13 numbers starting 200."""
    return services.card_kind_create(
        name="Silver", percent=D("7"), prefix="200", length=13, check_digit="ean13"
    )


@pytest.fixture
def both_kind(db):
    return services.card_kind_create(
        name="Partner club",
        percent=D("3"),
        prefix="",
        length=8,
        check_digit="luhn",
        combine_rule="both",
    )


@pytest.fixture
def accumulative_kind(db):
    """3 % from 50,000, 5 % from 200,000 of purchases over 30 days."""
    return services.card_kind_create(
        name="Savings",
        discount_type="accumulative",
        thresholds=[(D("50000"), D("3")), (D("200000"), D("5"))],
        period_days=30,
        prefix="77",
        length=10,
        check_digit="none",
    )


@pytest.fixture
def card(fixed_kind, partner):  # noqa: F811
    return services.card_issue(
        kind=fixed_kind, partner=partner, issued_on=datetime.date(2026, 1, 10)
    )


@pytest.fixture
def outsiders_partner(actors):
    return partner_create(name="Far away client", manager=actors["outsider"])
