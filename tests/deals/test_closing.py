"""Winning, losing and reopening (D10), changing a deal (D2) and its probability (D9)."""

import datetime
from decimal import Decimal

import pytest

from ladoga.core.errors import ValidationFailed
from ladoga.deals import services
from ladoga.deals.errors import DealClosed, DealForbidden, DealStageBlocked
from ladoga.deals.models import DealStatus

from .conftest import counts, post_order, stage


@pytest.fixture
def at_order(deal, advance):
    return advance(deal, "order")


def test_winning_without_a_posted_order_is_refused(at_order, owner):
    before = counts()

    with pytest.raises(DealStageBlocked) as error:
        services.deal_win(deal=at_order, by=owner)

    assert error.value.codes == ["deal_order_not_posted"]
    at_order.refresh_from_db()
    assert (at_order.status, at_order.stage.code) == (DealStatus.IN_PROGRESS, "order")
    assert counts() == before


def test_winning_with_a_posted_order(at_order, owner, counterparty, agreement, product):
    post_order(at_order, counterparty=counterparty, agreement=agreement, product=product, by=owner)

    won = services.deal_win(deal=at_order, by=owner)

    assert (won.status, won.stage.code) == (DealStatus.WON, "won")
    assert won.closed_at is not None
    assert won.probability == 100
    last = won.transitions.last()
    assert (last.action, last.from_stage.code, last.to_stage.code) == ("won", "order", "won")


def test_a_strict_deal_is_won_only_from_its_last_stage(deal, owner):
    with pytest.raises(DealStageBlocked) as error:
        services.deal_win(deal=deal, by=owner)
    assert "deal_stage_skipped" in error.value.codes


def test_losing_without_a_reason_is_refused(deal, owner):
    before = counts()

    with pytest.raises(ValidationFailed) as error:
        services.deal_lose(deal=deal, reason=None, by=owner)

    assert error.value.codes == ["deal_loss_reason_required"]
    deal.refresh_from_db()
    assert deal.status == DealStatus.IN_PROGRESS
    assert counts() == before


def test_losing_records_the_reason_the_competitor_and_the_stage(deal, owner, reasons, competitor):
    lost = services.deal_lose(deal=deal, reason=reasons[0], competitor=competitor, by=owner)

    assert (lost.status, lost.stage.code) == (DealStatus.LOST, "lost")
    assert lost.lost_at_stage.code == "qualification"
    assert (lost.loss_reason, lost.competitor) == (reasons[0], competitor)
    assert lost.probability == 0
    last = lost.transitions.last()
    assert (last.action, last.loss_reason) == ("lost", reasons[0])


def test_the_winner_must_be_a_competitor(deal, owner, reasons, other_partner):
    with pytest.raises(ValidationFailed) as error:
        services.deal_lose(deal=deal, reason=reasons[0], competitor=other_partner, by=owner)
    assert error.value.codes == ["deal_competitor_invalid"]


def test_a_closed_deal_is_not_edited_moved_or_closed_again(deal, owner, reasons):
    lost = services.deal_lose(deal=deal, reason=reasons[0], by=owner)
    before = counts()

    for attempt in (
        lambda: services.deal_update(deal=lost, expected_version=None, by=owner, name="New"),
        lambda: services.deal_move(deal=lost, stage=stage(lost.kind, "needs"), by=owner),
        lambda: services.deal_win(deal=lost, by=owner),
        lambda: services.deal_lose(deal=lost, reason=reasons[1], by=owner),
    ):
        with pytest.raises(DealClosed) as error:
            attempt()
        assert error.value.codes == ["deal_closed"]
        assert error.value.status == 409

    lost.refresh_from_db()
    assert (lost.name, lost.loss_reason) == ("Cement for the warehouse", reasons[0])
    assert counts() == before


def test_only_a_head_reopens_and_the_deal_returns_to_its_stage(
    deal, advance, owner, actors, reasons
):
    deal = advance(deal, "needs")
    lost = services.deal_lose(deal=deal, reason=reasons[0], by=owner)

    with pytest.raises(DealForbidden):
        services.deal_reopen(deal=lost, by=owner)

    reopened = services.deal_reopen(deal=lost, by=actors["head"], comment="They called back")

    assert (reopened.status, reopened.stage.code) == (DealStatus.IN_PROGRESS, "needs")
    assert (reopened.loss_reason, reopened.closed_at, reopened.lost_at_stage) == (None, None, None)
    last = reopened.transitions.last()
    assert (last.action, last.by, last.comment) == ("reopened", actors["head"], "They called back")


def test_reopening_an_open_deal_is_a_conflict(deal, actors):
    from ladoga.core.errors import Conflict

    with pytest.raises(Conflict):
        services.deal_reopen(deal=deal, by=actors["head"])


@pytest.mark.parametrize("value", [-1, 101, 1000])
def test_a_probability_outside_0_100_is_refused(deal, deal_factory, owner, value):
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        services.deal_update(deal=deal, expected_version=None, by=owner, probability_override=value)
    assert error.value.codes == ["deal_probability_invalid"]
    with pytest.raises(ValidationFailed) as error:
        deal_factory(probability_override=value)
    assert error.value.codes == ["deal_probability_invalid"]
    deal.refresh_from_db()
    assert deal.probability_override is None
    assert counts() == before


def test_the_override_is_shown_as_such_and_stays_until_cleared(deal, owner):
    computed = deal.probability
    deal = services.deal_update(deal=deal, expected_version=None, by=owner, probability_override=70)
    assert (deal.probability, deal.probability_is_override, deal.probability_computed) == (
        70,
        True,
        computed,
    )

    deal = services.deal_update(
        deal=deal, expected_version=None, by=owner, probability_override=None
    )
    assert (deal.probability, deal.probability_is_override) == (computed, False)


def test_deal_input_is_checked_field_by_field(deal_factory, partner, other_partner, contacts):
    from ladoga.partners.services import contact_create

    stranger = contact_create(partner=other_partner, last_name="Stranger")
    before = counts()

    with pytest.raises(ValidationFailed) as error:
        deal_factory(
            name=" ",
            amount="-5",
            currency="rubles",
            contacts=[contacts["buyer"], stranger],
            source="rumour",
        )

    assert error.value.codes == [
        "deal_name_required",
        "deal_amount_invalid",
        "deal_currency_invalid",
        "deal_contact_invalid",
        "deal_source_unknown",
    ]
    assert counts() == before


def test_a_deal_is_made_with_a_client(deal_factory, owner):
    from ladoga.partners.services import partner_create

    supplier = partner_create(name="Supplier", roles=["supplier"], manager=owner, by=owner)
    with pytest.raises(ValidationFailed) as error:
        deal_factory(partner=supplier)
    assert error.value.codes == ["deal_partner_invalid"]


def test_kind_stage_and_status_do_not_change_through_an_update(deal, owner):
    with pytest.raises(ValidationFailed) as error:
        services.deal_update(deal=deal, expected_version=None, by=owner, status="won")
    assert error.value.codes == ["deal_field_not_changeable"]


def test_amounts_are_decimal_money(deal_factory):
    deal = deal_factory(
        amount="1234.50", currency="EUR", expected_close_date=datetime.date(2026, 7, 1)
    )
    deal.refresh_from_db()
    assert deal.amount == Decimal("1234.50")
    assert deal.currency == "EUR"


def test_an_order_of_another_client_stored_on_the_deal_does_not_win_it(
    at_order, owner, agreement, product
):
    """Issue 17 #4, defence in depth: a posted order of another client that carries this
    deal's id (stored before the link was checked) meets no guard and is not among the
    deal's documents."""
    from ladoga.deals import queries
    from ladoga.partners.models import Counterparty
    from ladoga.partners.services import partner_create
    from ladoga.sales import services as sales
    from ladoga.sales.models import CustomerOrder
    from ladoga.sales.services import LineIn

    other = partner_create(name="Beton-Service", manager=owner)
    theirs = Counterparty.objects.create(partner=other, short_name="IP Sidorov", kind="person")
    order = sales.order_create(
        partner=other,
        counterparty=theirs,
        agreement=agreement,
        lines=[LineIn(product=product, quantity=Decimal("2"))],
    )
    sales.order_post(order=order)
    CustomerOrder.objects.filter(pk=order.pk).update(deal_id=at_order.pk)
    before = counts()

    with pytest.raises(DealStageBlocked) as error:
        services.deal_win(deal=at_order, by=owner)

    assert error.value.codes == ["deal_order_not_posted"]
    assert counts() == before
    kinds = [row.type for row in queries.documents_of(at_order, user=owner)]
    assert "order" not in kinds
    assert CustomerOrder.objects.filter(deal_id=at_order.pk).count() == 1
