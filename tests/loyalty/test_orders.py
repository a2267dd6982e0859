"""A card on a customer order: its discount in the pricing by the kind's combine rule, the
posting control's card violations, and accumulative cards moving with posted shipments."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga.core.errors import ValidationFailed
from ladoga.loyalty import services as loyalty
from ladoga.loyalty.models import LoyaltyCard
from ladoga.sales import services
from ladoga.sales.errors import PostingBlocked
from ladoga.sales.models import CustomerOrder, OrderStatus
from ladoga.sales.services import LineIn
from tests.sales.conftest import refused

from .conftest import DAY

D = Decimal


def new_order(partner, counterparty, agreement, products, card=None, quantity="10", **kw):
    return services.order_create(
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        date=kw.pop("date", DAY),
        lines=[LineIn(product=products["P-1"], quantity=D(quantity))],
        loyalty_card=card,
        **kw,
    )


def test_larger_rule_takes_the_cards_discount_when_it_is_larger(
    partner, counterparty, agreement, products, card
):
    # Price type 500.00, agreement 5 %, card 7 % "larger": 500 × 0.93.
    made = new_order(partner, counterparty, agreement, products, card)
    assert made.lines.get().price == D("465.00")
    assert made.total == D("4650.00")


def test_larger_rule_keeps_the_agreements_discount_when_it_is_larger(
    partner, counterparty, agreement, products, fixed_kind
):
    loyalty.card_kind_update(kind=fixed_kind, percent=D("2"))
    card = loyalty.card_issue(kind=fixed_kind, partner=partner, issued_on=DAY)
    made = new_order(partner, counterparty, agreement, products, card)
    assert made.lines.get().price == D("475.00")


def test_both_rule_applies_the_discounts_one_after_the_other(
    partner, counterparty, agreement, products, both_kind
):
    card = loyalty.card_issue(kind=both_kind, partner=partner, issued_on=DAY)
    made = new_order(partner, counterparty, agreement, products, card)
    # 500 × 0.95 = 475.00, then × 0.97 = 460.75.
    assert made.lines.get().price == D("460.75")


def test_an_order_with_its_card_is_posted(partner, counterparty, agreement, products, card):
    made = new_order(partner, counterparty, agreement, products, card)
    assert services.order_post(order=made).status == OrderStatus.POSTED


def test_an_order_without_a_card_keeps_the_agreements_price(order):
    assert order.lines.order_by("position").first().price == D("475.00")


def test_adding_a_card_to_a_draft_reprices_it(order, card):
    changed = services.order_update(order=order, expected_version=None, loyalty_card=card)
    assert changed.lines.order_by("position").first().price == D("465.00")


def _refused_order(partner, counterparty, agreement, products, card, **kw):
    before = (CustomerOrder.objects.count(), CustomerOrder.history.count())
    with pytest.raises(ValidationFailed) as error:
        new_order(partner, counterparty, agreement, products, card, **kw)
    assert (CustomerOrder.objects.count(), CustomerOrder.history.count()) == before
    return error.value


def test_an_expired_card_on_an_order_is_refused(
    partner, counterparty, agreement, products, fixed_kind
):
    expired = loyalty.card_issue(
        kind=fixed_kind,
        partner=partner,
        issued_on=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2025, 12, 31),
    )
    error = _refused_order(partner, counterparty, agreement, products, expired)
    assert error.codes == ["loyalty_card_expired"]
    assert str(error.violations[0].message) == (
        f"Loyalty card {expired.number} is not valid on 2026-03-02."
    )


def test_a_blocked_card_on_an_order_is_refused(partner, counterparty, agreement, products, card):
    blocked = loyalty.card_block(card=card)
    error = _refused_order(partner, counterparty, agreement, products, blocked)
    assert error.codes == ["loyalty_card_blocked"]


def test_another_clients_card_on_an_order_is_refused(
    partner, counterparty, agreement, products, fixed_kind, other_partner
):
    theirs = loyalty.card_issue(kind=fixed_kind, partner=other_partner, issued_on=DAY)
    error = _refused_order(partner, counterparty, agreement, products, theirs)
    assert error.codes == ["loyalty_card_not_holders"]
    assert "belongs to another client" in str(error.violations[0].message)


def _posting_refused(order) -> list[str]:
    before = CustomerOrder.objects.get(pk=order.pk).version
    with pytest.raises(PostingBlocked) as error:
        services.order_post(order=order)
    fresh = CustomerOrder.objects.get(pk=order.pk)
    assert (fresh.status, fresh.version) == (OrderStatus.DRAFT, before)
    return error.value.codes


def test_posting_lists_a_card_blocked_after_the_draft(
    partner, counterparty, agreement, products, card
):
    made = new_order(partner, counterparty, agreement, products, card)
    loyalty.card_block(card=card)
    # The card's discount is gone, so the line's price no longer matches either.
    codes = _posting_refused(made)
    assert "loyalty_card_blocked" in codes


def test_posting_lists_a_card_expired_by_the_orders_date(
    partner, counterparty, agreement, products, card
):
    made = new_order(partner, counterparty, agreement, products, card)
    LoyaltyCard.objects.filter(pk=card.pk).update(valid_to=DAY - datetime.timedelta(days=1))
    assert "loyalty_card_expired" in _posting_refused(made)


def test_posting_lists_a_card_of_another_client(
    partner, counterparty, agreement, products, card, other_partner
):
    made = new_order(partner, counterparty, agreement, products, card)
    LoyaltyCard.objects.filter(pk=card.pk).update(partner=other_partner)
    assert "loyalty_card_not_holders" in _posting_refused(made)


def test_accumulative_card_moves_up_after_a_posted_shipment_and_back_after_the_window(
    partner, counterparty, agreement, products, accumulative_kind
):
    today = timezone.localdate()
    card = loyalty.card_issue(kind=accumulative_kind, partner=partner, issued_on=today)
    assert card.percent == D("0")
    # 120 × 475.00 = 57,000.00 shipped: past the 50,000 threshold, so 3 %.
    made = new_order(partner, counterparty, agreement, products, None, quantity="120")
    services.order_post(order=made)
    services.shipment_create(order=made, date=today)
    card.refresh_from_db()
    assert card.percent == D("3")
    assert list(card.history.order_by("history_date").values_list("percent", flat=True)) == [
        D("0"),
        D("3"),
    ]
    # 30 days on, the shipment has left the rolling period: the nightly run lowers it.
    assert loyalty.card_thresholds_recompute(on=today + datetime.timedelta(days=29)) == 0
    assert loyalty.card_thresholds_recompute(on=today + datetime.timedelta(days=30)) == 1
    card.refresh_from_db()
    assert card.percent == D("0")


def test_accumulative_card_discount_on_an_order(
    partner, counterparty, agreement, products, accumulative_kind
):
    card = loyalty.card_issue(kind=accumulative_kind, partner=partner, issued_on=DAY)
    LoyaltyCard.objects.filter(pk=card.pk).update(percent=D("8"))
    card.refresh_from_db()
    made = new_order(partner, counterparty, agreement, products, card)
    assert made.lines.get().price == D("460.00")  # the larger: 8 % of 500


def test_nightly_task_recomputes(partner, accumulative_kind):
    from ladoga.loyalty.tasks import thresholds_recompute_nightly

    card = loyalty.card_issue(kind=accumulative_kind, partner=partner)
    LoyaltyCard.objects.filter(pk=card.pk).update(percent=D("5"))
    assert thresholds_recompute_nightly.call_local() == 1
    card.refresh_from_db()
    assert card.percent == D("0")


def test_order_form_takes_a_scanned_card_and_the_detail_shows_it(
    browser_as, partner, counterparty, agreement, products, card
):
    from django.urls import reverse

    response = browser_as("owner").post(
        reverse("sales:order_create"),
        {
            "partner": partner.pk,
            "counterparty": counterparty.pk,
            "agreement": agreement.pk,
            "date": DAY.isoformat(),
            "loyalty_card": f" {card.number} ",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": products["P-1"].pk,
            "lines-0-quantity": "2",
        },
    )
    made = CustomerOrder.objects.get()
    assert response.status_code == 302
    assert made.loyalty_card == card and made.lines.get().price == D("465.00")
    page = browser_as("owner").get(reverse("sales:order_detail", args=[made.pk]))
    assert card.number in page.content.decode()


def test_order_form_with_an_expired_card_shows_the_error(
    browser_as, partner, counterparty, agreement, products, fixed_kind
):
    from django.urls import reverse

    expired = loyalty.card_issue(
        kind=fixed_kind,
        partner=partner,
        issued_on=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2025, 12, 31),
    )
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        {
            "partner": partner.pk,
            "counterparty": counterparty.pk,
            "agreement": agreement.pk,
            "date": DAY.isoformat(),
            "loyalty_card": expired.number,
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": products["P-1"].pk,
            "lines-0-quantity": "2",
        },
        follow=True,
    )
    assert refused(response)
    assert f"Loyalty card {expired.number} is not valid on 2026-03-02." in response.content.decode()
    assert not CustomerOrder.objects.exists()
