"""Shared data of the partner card tests (issue 14, point 1): the owner's client with
records of every kind that shows on its card, and a partner the owner may not see."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga.claims.services import claim_create
from ladoga.deals import services as deals
from ladoga.deals.models import DealKind
from ladoga.interactions.services import interaction_create
from ladoga.partners.models import Counterparty
from ladoga.partners.services import partner_create
from ladoga.sales import services as sales
from ladoga.sales.models import AgreementStatus
from ladoga.sales.services import LineIn

__all__ = ["catalogue", "client_partner", "hidden_partner", "picture", "strict_kind"]

D = Decimal
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def client_partner(owner):
    return partner_create(name="Stroymontazh", roles=["client"], manager=owner, by=owner)


@pytest.fixture
def hidden_partner(outsider):
    """A partner of a manager in another department: the owner may not see it."""
    return partner_create(name="Elsewhere Ltd", roles=["client"], manager=outsider, by=outsider)


@pytest.fixture
def strict_kind(db):
    return DealKind.objects.get(process_type="strict")


@pytest.fixture
def catalogue(db):
    price_type = sales.price_type_create(name="Base")
    product = sales.product_create(code="P-1", name="Cement", vat_rate=D("20"))
    sales.price_set(
        product=product,
        price_type=price_type,
        effective_from=datetime.date(2026, 1, 1),
        amount=D("500"),
    )
    typical = sales.agreement_create(
        name="Standard terms",
        price_type=price_type,
        valid_from=datetime.date(2026, 1, 1),
        stages=[("prepayment", D("100"), 0)],
    )
    typical = sales.agreement_transition(agreement=typical, status=AgreementStatus.AGREED)
    typical = sales.agreement_transition(agreement=typical, status=AgreementStatus.ACTIVE)
    return product, typical


def _order(partner, product, agreement, by):
    counterparty = Counterparty.objects.create(
        partner=partner, short_name=f"{partner.name} LLC", kind="legal_entity"
    )
    return sales.order_create(
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        date=DAY,
        lines=[LineIn(product=product, quantity=D("2"))],
        by=by,
    )


@pytest.fixture
def picture(actors, client_partner, hidden_partner, strict_kind, catalogue):
    """The owner's client with two deals of the owner's, one deal a colleague manages
    (the owner may not see it), an order (posted, invoiced, paid in part), an individual
    agreement and a contract, a proposal, a claim and two interactions; and the hidden
    partner with records of its own that must not be counted."""
    owner, colleague, outsider = actors["owner"], actors["colleague"], actors["outsider"]
    product, typical = catalogue
    for name in ("Cement for the warehouse", "Sand for the yard"):
        deals.deal_create(name=name, partner=client_partner, kind=strict_kind, by=owner)
    deals.deal_create(
        name="Colleague's deal",
        partner=client_partner,
        kind=strict_kind,
        by=None,
        manager=colleague,
    )
    deals.deal_create(name="Not ours", partner=hidden_partner, kind=strict_kind, by=outsider)
    order = _order(client_partner, product, typical, owner)
    sales.order_post(order=order)
    invoice = sales.invoice_create(order=order, date=DAY)
    sales.payment_create(invoice=invoice, amount=D("100.00"), date=DAY)
    _order(hidden_partner, product, typical, outsider)
    individual = sales.agreement_individual_create(typical=typical, partner=client_partner)
    sales.contract_create(
        counterparty=order.counterparty,
        number="C-1",
        date=DAY,
        valid_from=DAY,
        agreement=individual,
    )
    sales.proposal_create(
        partner=client_partner,
        agreement=typical,
        date=DAY,
        lines=[LineIn(product=product, quantity=D("1"))],
        by=owner,
    )
    claim_create(partner=client_partner, essence="The goods came broken", by=owner)
    claim_create(partner=hidden_partner, essence="Not ours either", by=outsider)
    for title in ("First call", "Second call"):
        interaction_create(
            kind="call",
            title=title,
            by=owner,
            start=timezone.now(),
            subject_type="partners.partner",
            subject_id=client_partner.pk,
        )
    return client_partner
