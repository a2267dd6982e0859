"""Fixtures of the deals tests: the shipped kinds (strict "typical sale", a manual and a
non-process kind), a client of the owner's with a counterparty, contact persons and an
active agreement, a small catalogue, and `deal_factory` that opens deals through the
service. `counts()` tells that a refused command wrote nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga.deals import services
from ladoga.deals.models import (
    Deal,
    DealKind,
    DealParty,
    DealStageTask,
    LossReason,
    StageReach,
    StageTransition,
)
from ladoga.interactions.models import Task, TaskStatus
from ladoga.partners.models import Counterparty
from ladoga.partners.services import contact_create, partner_create
from ladoga.sales import services as sales
from ladoga.sales.models import AgreementStatus, Proposal
from ladoga.sales.services import LineIn

D = Decimal


@pytest.fixture
def kinds(db) -> dict[str, DealKind]:
    """The kinds the data migration ships."""
    return {kind.process_type: kind for kind in DealKind.objects.all()}


@pytest.fixture
def strict(kinds):
    return kinds["strict"]


@pytest.fixture
def manual(kinds):
    return kinds["manual"]


@pytest.fixture
def non_process(kinds):
    return kinds["non_process"]


def stage(kind: DealKind, code: str):
    return kind.stages.get(code=code)


@pytest.fixture
def reasons(db) -> list[LossReason]:
    return list(LossReason.objects.order_by("pk"))


@pytest.fixture
def partner(owner):
    return partner_create(name="Romashka", manager=owner, by=owner)


@pytest.fixture
def other_partner(outsider):
    return partner_create(name="Lyutik", manager=outsider, by=outsider)


@pytest.fixture
def competitor(owner):
    return partner_create(name="Rival Ltd", roles=["competitor"], manager=owner, by=owner)


@pytest.fixture
def counterparty(partner):
    return Counterparty.objects.create(
        partner=partner, short_name="Romashka LLC", kind="legal_entity"
    )


@pytest.fixture
def contacts(partner, owner):
    return {
        "buyer": contact_create(
            partner=partner, last_name="Petrov", decision_role="evaluator", by=owner
        ),
        "boss": contact_create(
            partner=partner, last_name="Sidorova", decision_role="decision_maker", by=owner
        ),
    }


@pytest.fixture
def price_type(db):
    return sales.price_type_create(name="Base")


@pytest.fixture
def product(price_type):
    made = sales.product_create(code="P-1", name="Cement", vat_rate=D("20"))
    sales.price_set(
        product=made,
        price_type=price_type,
        effective_from=datetime.date(2020, 1, 1),
        amount=D("500"),
    )
    return made


@pytest.fixture
def agreement(price_type, product):
    """Active for everyone, 100 % prepayment."""
    made = sales.agreement_create(
        name="Standard terms",
        price_type=price_type,
        valid_from=datetime.date(2020, 1, 1),
        stages=[("prepayment", D("100"), 0)],
    )
    made = sales.agreement_transition(agreement=made, status=AgreementStatus.AGREED)
    return sales.agreement_transition(agreement=made, status=AgreementStatus.ACTIVE)


@pytest.fixture
def draft_agreement(price_type):
    return sales.agreement_create(
        name="Draft terms",
        price_type=price_type,
        valid_from=datetime.date(2020, 1, 1),
        stages=[("prepayment", D("100"), 0)],
    )


@pytest.fixture
def deal_factory(owner, partner, strict):
    def make(*, kind=None, by=None, **kwargs) -> Deal:
        kwargs.setdefault("name", "Cement for the warehouse")
        kwargs.setdefault("partner", partner)
        return services.deal_create(kind=kind or strict, by=by or owner, **kwargs)

    return make


@pytest.fixture
def deal(deal_factory):
    return deal_factory()


def tasks_done(deal) -> None:
    """Finish every open task of the deal (as the system)."""
    Task.objects.filter(subject_type="deals.deal", subject_id=deal.pk).update(
        status=TaskStatus.DONE
    )


def post_order(deal, *, counterparty, agreement, product, by):
    order = sales.order_create(
        partner=deal.partner,
        counterparty=counterparty,
        agreement=agreement,
        lines=[LineIn(product=product, quantity=D("2"))],
        deal_id=deal.pk,
        by=by,
    )
    return sales.order_post(order=order, by=by)


@pytest.fixture
def advance(owner, contacts, agreement, counterparty, product):
    """advance(deal, "order") meets every guard of the typical sale up to that stage and
    moves the deal there, one stage at a time."""

    def go(deal: Deal, code: str) -> Deal:
        order = [s.code for s in deal.kind.stages.filter(outcome="open").order_by("position")]
        deal.refresh_from_db()
        services.deal_update(
            deal=deal,
            expected_version=None,
            by=owner,
            contacts=list(contacts.values()),
            agreement=agreement,
            amount=D("100000.00"),
            expected_close_date=timezone.localdate() + datetime.timedelta(days=30),
        )
        for next_code in order[order.index(deal.stage.code) + 1 : order.index(code) + 1]:
            needs_proposal = next_code in ("order", "negotiation")
            if needs_proposal and not Proposal.objects.filter(deal_id=deal.pk).exists():
                services.deal_proposal_create(
                    deal=deal, lines=[LineIn(product=product, quantity=D("1"))], by=owner
                )
            tasks_done(deal)
            deal = services.deal_move(deal=deal, stage=stage(deal.kind, next_code), by=owner)
        return deal

    return go


def counts() -> dict[str, int]:
    """How many rows the deals domain (and its tasks) holds."""
    return {
        "deals": Deal.objects.count(),
        "transitions": StageTransition.objects.count(),
        "reached": StageReach.objects.count(),
        "tasks": Task.objects.count(),
        "stage_tasks": DealStageTask.objects.count(),
        "parties": DealParty.objects.count(),
    }
