"""Every business event reaches a subscribed endpoint after its transaction commits, with
the record in the same schema the API answers with, and never when it rolls back."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from ladoga.claims.services import claim_create, claim_transition
from ladoga.core.events import Event
from ladoga.deals import services as deals
from ladoga.deals.models import DealKind, LossReason
from ladoga.interactions.services import interaction_create
from ladoga.partners.models import Counterparty
from ladoga.partners.services import partner_create, partner_merge
from ladoga.partners.services.batch import PartnerDraft, partners_create_many
from ladoga.sales import services as sales
from ladoga.sales.models import AgreementStatus
from ladoga.sales.services import LineIn
from ladoga.webhooks.models import WebhookDelivery

D = Decimal


class Rollback(Exception):
    pass


@pytest.fixture
def world(actors):
    """A client of the owner's with a counterparty, an active agreement and a product."""
    owner = actors["owner"]
    partner = partner_create(name="Stroymontazh", manager=owner, by=owner)
    counterparty = Counterparty.objects.create(partner=partner, short_name="IP Petrov")
    price_type = sales.price_type_create(name="Base")
    product = sales.product_create(code="P-1", name="Cement", vat_rate=D("20"))
    sales.price_set(
        product=product,
        price_type=price_type,
        effective_from=datetime.date(2020, 1, 1),
        amount=D("500.00"),
    )
    agreement = sales.agreement_create(
        name="Standard terms",
        price_type=price_type,
        valid_from=datetime.date(2020, 1, 1),
        stages=[("prepayment", D("100"), 0)],
    )
    for status in (AgreementStatus.AGREED, AgreementStatus.ACTIVE):
        agreement = sales.agreement_transition(agreement=agreement, status=status)
    return {
        "owner": owner,
        "partner": partner,
        "counterparty": counterparty,
        "agreement": agreement,
        "product": product,
        "kinds": {kind.process_type: kind for kind in DealKind.objects.all()},
    }


def _order(world):
    return sales.order_create(
        partner=world["partner"],
        counterparty=world["counterparty"],
        agreement=world["agreement"],
        lines=[LineIn(product=world["product"], quantity=D("2"))],
        by=world["owner"],
    )


def _deal(world, kind="non_process"):
    return deals.deal_create(
        name="Cement", partner=world["partner"], kind=world["kinds"][kind], by=world["owner"]
    )


# Each scenario prepares what it needs and returns the command that announces the event;
# the command returns the API address that reads the same record.


def partner_created(world):
    def act():
        made = partner_create(name="New client", manager=world["owner"], by=world["owner"])
        return f"/api/v1/partners/{made.pk}"

    return act


def partner_merged(world):
    duplicate = partner_create(name="Stroymontazh Ltd", manager=world["owner"])

    def act():
        partner_merge(survivor=world["partner"], duplicate=duplicate, by=world["owner"])
        return None

    return act


def deal_created(world):
    def act():
        return f"/api/v1/deals/{_deal(world).pk}"

    return act


def deal_moved(world):
    deal = _deal(world, "manual")
    target = deal.kind.stages.filter(outcome="open").exclude(pk=deal.stage_id).first()

    def act():
        deals.deal_move(deal=deal, stage=target, by=world["owner"])
        return f"/api/v1/deals/{deal.pk}"

    return act


def deal_won(world):
    deal = _deal(world)

    def act():
        deals.deal_win(deal=deal, by=world["owner"])
        return f"/api/v1/deals/{deal.pk}"

    return act


def deal_lost(world):
    deal = _deal(world)
    reason = LossReason.objects.filter(is_active=True).first()

    def act():
        deals.deal_lose(deal=deal, reason=reason, by=world["owner"])
        return f"/api/v1/deals/{deal.pk}"

    return act


def order_posted(world):
    order = _order(world)

    def act():
        sales.order_post(order=order, by=world["owner"])
        return f"/api/v1/orders/{order.pk}"

    return act


def shipment_posted(world):
    order = sales.order_post(order=_order(world), by=world["owner"])

    def act():
        shipment = sales.shipment_create(order=order, by=world["owner"])
        return f"/api/v1/shipments/{shipment.pk}"

    return act


def payment_received(world):
    order = sales.order_post(order=_order(world), by=world["owner"])
    invoice = sales.invoice_create(order=order, by=world["owner"])

    def act():
        sales.payment_create(invoice=invoice, amount=D("100.00"), by=world["owner"])
        return f"/api/v1/payments?invoice={invoice.pk}"

    return act


def claim_registered(world):
    def act():
        claim = claim_create(partner=world["partner"], essence="Wet cement", by=world["owner"])
        return f"/api/v1/claims/{claim.pk}"

    return act


def claim_resolved(world):
    claim = claim_create(partner=world["partner"], essence="Wet cement", by=world["owner"])
    claim = claim_transition(claim=claim, status="investigating", by=world["owner"])

    def act():
        claim_transition(
            claim=claim,
            status="resolved",
            resolution="satisfied",
            result="Replaced",
            by=world["owner"],
        )
        return f"/api/v1/claims/{claim.pk}"

    return act


def interaction_created(world):
    def act():
        made = interaction_create(kind="call", title="Asked for prices", by=world["owner"])
        return f"/api/v1/interactions/{made.pk}"

    return act


SCENARIOS = {
    Event.PARTNER_CREATED: partner_created,
    Event.PARTNER_MERGED: partner_merged,
    Event.DEAL_CREATED: deal_created,
    Event.DEAL_MOVED: deal_moved,
    Event.DEAL_WON: deal_won,
    Event.DEAL_LOST: deal_lost,
    Event.ORDER_POSTED: order_posted,
    Event.SHIPMENT_POSTED: shipment_posted,
    Event.PAYMENT_RECEIVED: payment_received,
    Event.CLAIM_REGISTERED: claim_registered,
    Event.CLAIM_RESOLVED: claim_resolved,
    Event.INTERACTION_CREATED: interaction_created,
}


def test_every_event_has_a_scenario():
    assert set(SCENARIOS) == set(Event)


@pytest.mark.parametrize("event", list(Event), ids=[e.value for e in Event])
def test_the_event_arrives_after_the_commit_signed_in_the_api_schema(
    event, world, receiver, endpoint_factory, api_as, django_capture_on_commit_callbacks
):
    endpoint = endpoint_factory(events=[event.value])
    act = SCENARIOS[event](world)
    with django_capture_on_commit_callbacks(execute=True):
        address = act()
        assert receiver.requests == []  # not before the commit
    [received] = receiver.requests
    payload = received.verified(endpoint.secret)
    assert payload["type"] == event.value
    assert datetime.datetime.fromisoformat(payload["timestamp"]).tzinfo is not None
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert received.headers["webhook-id"] == delivery.event_id
    assert delivery.event_id.startswith("msg_")
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)
    if address is not None:
        answer = api_as("admin").get(address).json()
        api = answer["items"][0] if "items" in answer else answer
        assert payload["data"] == {key: api[key] for key in payload["data"]}
    else:  # a merge has no address of its own: its schema is the merge command's answer
        assert payload["data"]["survivor_id"] == world["partner"].pk


@pytest.mark.parametrize("event", list(Event), ids=[e.value for e in Event])
def test_a_rolled_back_event_is_never_sent(
    event, world, receiver, endpoint_factory, django_capture_on_commit_callbacks
):
    endpoint_factory(events=[event.value])
    act = SCENARIOS[event](world)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        act()
        raise Rollback
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_partners_created_in_a_batch_import_are_announced_one_by_one(
    world, receiver, endpoint_factory, django_capture_on_commit_callbacks
):
    endpoint = endpoint_factory(events=["partner.created"])
    drafts = [PartnerDraft(partner={"name": name}) for name in ("Alpha", "Beta")]
    with django_capture_on_commit_callbacks(execute=True):
        partners_create_many(drafts=drafts, by=world["owner"])
    names = {r.verified(endpoint.secret)["data"]["name"] for r in receiver.requests}
    assert names == {"Alpha", "Beta"}


def test_an_endpoint_hears_only_the_events_it_subscribed_to(
    world, receiver, endpoint_factory, django_capture_on_commit_callbacks
):
    endpoint_factory(events=["deal.won"])
    act = deal_lost(world)
    with django_capture_on_commit_callbacks(execute=True):
        act()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_one_event_goes_to_every_subscribed_active_endpoint_with_one_message_id(
    world, receiver, endpoint_factory, django_capture_on_commit_callbacks
):
    first = endpoint_factory(events=["deal.won"])
    second = endpoint_factory(events=["deal.won", "deal.lost"])
    endpoint_factory(events=["deal.won"], is_active=False)
    act = deal_won(world)
    with django_capture_on_commit_callbacks(execute=True):
        act()
    assert len(receiver.requests) == 2
    assert {r.headers["webhook-id"] for r in receiver.requests} == {
        WebhookDelivery.objects.get(endpoint=first).event_id
    }
    secrets = {first.secret, second.secret}
    for received in receiver.requests:
        assert any(_verifies(received, secret) for secret in secrets)


def _verifies(received, secret) -> bool:
    try:
        received.verified(secret)
    except Exception:
        return False
    return True
