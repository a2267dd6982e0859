"""Fixtures of the claims tests: partners of the owner and of the outsider, reasons, an
order with a known total, and `claim_factory` that registers claims through the service."""

from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga.claims.models import Claim, ClaimReason
from ladoga.claims.services import claim_create, claim_reason_create
from ladoga.partners.services import counterparty_create, partner_create
from ladoga.sales.models import CustomerOrder


@pytest.fixture
def partner(owner):
    """A client the owner (a manager in Sales) is responsible for."""
    return partner_create(name="Ромашка", roles=["client"], manager=owner, by=owner)


@pytest.fixture
def other_partner(outsider):
    """A supplier of the outsider's, in the other department."""
    return partner_create(name="Лютик", roles=["supplier"], manager=outsider, by=outsider)


@pytest.fixture
def counterparty(partner, owner):
    return counterparty_create(partner=partner, short_name="ООО Ромашка", by=owner)


def order_make(partner, counterparty, number="ORD-1", total="1000.00") -> CustomerOrder:
    today = timezone.localdate()
    return CustomerOrder.objects.create(
        number=number,
        date=today,
        delivery_date=today,
        partner=partner,
        counterparty=counterparty,
        manager=partner.manager,
        amount=Decimal(total),
        total=Decimal(total),
    )


@pytest.fixture
def order(partner, counterparty):
    return order_make(partner, counterparty)


@pytest.fixture
def other_order(other_partner, outsider):
    cp = counterparty_create(partner=other_partner, short_name="ООО Лютик", by=outsider)
    return order_make(other_partner, cp, number="ORD-2", total="500.00")


@pytest.fixture
def reasons(db) -> dict[str, ClaimReason]:
    return {
        name: claim_reason_create(name=title)
        for name, title in (("late", "Late delivery"), ("defect", "Defect"), ("price", "Price"))
    }


@pytest.fixture
def claim_factory(owner):
    def make(partner, *, by=None, **kwargs) -> Claim:
        kwargs.setdefault("essence", "The goods came broken")
        return claim_create(partner=partner, by=by or owner, **kwargs)

    return make


@pytest.fixture
def claim(claim_factory, partner):
    return claim_factory(partner)


def counts() -> dict[str, int]:
    """How many rows the claims domain holds, to assert that nothing was written."""
    from ladoga.claims.models import ClaimComment, ClaimTransition
    from ladoga.core.models import Attachment, DocumentSequence

    return {
        "claims": Claim.objects.count(),
        "transitions": ClaimTransition.objects.count(),
        "comments": ClaimComment.objects.count(),
        "attachments": Attachment.objects.count(),
        "sequence": sum(DocumentSequence.objects.values_list("last", flat=True)),
        "history": Claim.history.count(),
    }


@pytest.fixture(autouse=True)
def english():
    """Reports and messages computed outside a request speak the default language (ru);
    these tests read them in English."""
    from django.utils import translation

    with translation.override("en"):
        yield
