"""Posting control (S7): each rule, alone, refuses the posting with its code and leaves the
order a draft with nothing written; all of them are listed together."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ladoga.core.errors import Conflict
from ladoga.partners.models import Counterparty
from ladoga.sales import services
from ladoga.sales.errors import PostingBlocked
from ladoga.sales.errors import SalesCode as C
from ladoga.sales.models import Agreement, CustomerOrder, OrderEvent, OrderStatus
from ladoga.sales.services import LineIn

from .conftest import DAY, counterparty_of, make_active


def state(order: CustomerOrder) -> dict:
    order = CustomerOrder.objects.get(pk=order.pk)
    return {
        "status": order.status,
        "version": order.version,
        "posted_at": order.posted_at,
        "events": OrderEvent.objects.filter(order=order).count(),
        "history": order.history.count(),
    }


def refused(order: CustomerOrder) -> list[str]:
    """Post `order`, expecting a refusal; check nothing changed; return the codes."""
    before = state(order)
    with pytest.raises(PostingBlocked) as error:
        services.order_post(order=order)
    after = state(order)
    assert after == before
    assert after["status"] == OrderStatus.DRAFT
    return error.value.codes


def update(order, **changes):
    return services.order_update(order=order, expected_version=None, **changes)


def test_an_order_that_keeps_to_its_agreement_is_posted(order, owner):
    posted = services.order_post(order=order, by=owner)

    posted.refresh_from_db()
    assert posted.status == OrderStatus.POSTED
    assert posted.posted_at is not None
    event = posted.events.get()
    assert (event.action, event.by) == ("posted", owner)
    assert posted.history.first().history_user == owner


def test_prices_are_filled_from_the_agreement(order):
    prices = list(order.lines.order_by("position").values_list("price", flat=True))
    # Base 500 and 120, less the agreement's 5 %.
    assert prices == [D("475.00"), D("114.00")]
    assert order.total == D("4750.00") + D("324.90")


def test_no_lines(order):
    update(order, lines=[])
    assert refused(order) == [C.ORDER_LINES_EMPTY]


def test_no_agreement(order):
    update(order, agreement=None)
    assert refused(order) == [C.ORDER_AGREEMENT_MISSING]


@pytest.mark.parametrize("status", ["draft", "agreed", "closed"])
def test_agreement_not_active(order, agreement, status):
    Agreement.objects.filter(pk=agreement.pk).update(status=status)
    assert refused(order) == [C.AGREEMENT_NOT_ACTIVE]


def test_agreement_expired_on_the_order_date(order, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(valid_to=DAY - datetime.timedelta(days=1))
    assert refused(order) == [C.AGREEMENT_NOT_VALID_ON_DATE]


def test_agreement_not_yet_valid_on_the_order_date(order, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(valid_from=DAY + datetime.timedelta(days=1))
    assert refused(order) == [C.AGREEMENT_NOT_VALID_ON_DATE]


def test_typical_agreement_of_a_segment_the_partner_is_not_in(order, agreement, segment):
    agreement.segments.add(segment)
    assert refused(order) == [C.AGREEMENT_NOT_APPLICABLE]


def test_typical_agreement_of_the_partners_segment_applies(order, agreement, segment, partner):
    agreement.segments.add(segment)
    partner.segments.add(segment)
    assert services.order_post(order=order).status == OrderStatus.POSTED


def test_individual_agreement_of_another_partner(order, agreement, other_partner):
    theirs = make_active(
        services.agreement_individual_create(typical=agreement, partner=other_partner)
    )
    update(order, agreement=theirs)
    assert refused(order) == [C.AGREEMENT_NOT_APPLICABLE]


def test_own_individual_agreement_applies(order, agreement, partner):
    own = make_active(services.agreement_individual_create(typical=agreement, partner=partner))
    update(order, agreement=own)
    assert services.order_post(order=order).status == OrderStatus.POSTED


def test_price_below_the_allowed_manual_discount(order, products):
    # 475 less 10 % is 427.50; 427.49 is below it.
    update(order, lines=[LineIn(product=products["P-1"], quantity=D("1"), price=D("427.49"))])
    assert refused(order) == [C.AGREEMENT_PRICE_MISMATCH]


def test_price_at_the_allowed_manual_discount_posts(order, products):
    update(order, lines=[LineIn(product=products["P-1"], quantity=D("1"), price=D("427.50"))])
    assert services.order_post(order=order).status == OrderStatus.POSTED


def test_manual_discount_beyond_the_allowed_one(order, products):
    update(
        order,
        lines=[LineIn(product=products["P-1"], quantity=D("1"), discount_percent=D("10.5"))],
    )
    assert refused(order) == [C.AGREEMENT_PRICE_MISMATCH]


def test_price_above_the_agreements(order, products):
    update(order, lines=[LineIn(product=products["P-1"], quantity=D("1"), price=D("500.00"))])
    assert refused(order) == [C.AGREEMENT_PRICE_MISMATCH]


def test_price_compared_on_the_orders_date(order, products, base_price_type):
    services.price_set(
        product=products["P-1"],
        price_type=base_price_type,
        effective_from=DAY + datetime.timedelta(days=1),
        amount=D("600.00"),
    )
    # The new price starts the day after the order: the order's 475 still holds.
    assert services.order_post(order=order).status == OrderStatus.POSTED


def test_product_without_a_price_in_the_price_type(order, base_price_type):
    unpriced = services.product_create(code="P-9", name="Unpriced")
    update(order, lines=[LineIn(product=unpriced, quantity=D("1"), price=D("10"))])
    assert refused(order) == [C.AGREEMENT_PRICE_MISSING]


def test_payment_schedule_different_from_the_agreement(order):
    update(order, stages=[("prepayment", D("100"), 0)])
    assert refused(order) == [C.AGREEMENT_SCHEDULE_MISMATCH]


def test_tax_regime_different_from_the_agreement(order):
    update(order, tax_regime="vat_on_top")
    assert refused(order) == [C.AGREEMENT_TAX_REGIME_MISMATCH]


def test_delivery_earlier_than_the_term(order):
    update(order, delivery_date=DAY + datetime.timedelta(days=4))  # the term is 5 days
    assert refused(order) == [C.ORDER_DELIVERY_TOO_EARLY]


def test_delivery_on_the_first_allowed_day_posts(order):
    update(order, delivery_date=DAY + datetime.timedelta(days=5))
    assert services.order_post(order=order).status == OrderStatus.POSTED


def test_missing_contract_where_the_agreement_requires_one(order, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(contract_required=True)
    assert refused(order) == [C.ORDER_CONTRACT_MISSING]


def test_required_contract_given_posts(order, agreement, counterparty):
    Agreement.objects.filter(pk=agreement.pk).update(contract_required=True)
    contract = services.contract_create(
        counterparty=counterparty, number="17/26", date=datetime.date(2026, 1, 10)
    )
    update(order, contract=contract)
    assert services.order_post(order=order).status == OrderStatus.POSTED


def test_contract_of_another_counterparty(order, partner):
    other = counterparty_of(partner, "OOO Second")
    contract = services.contract_create(
        counterparty=other, number="1", date=datetime.date(2026, 1, 10)
    )
    update(order, contract=contract)
    assert refused(order) == [C.ORDER_CONTRACT_MISMATCH]


def test_archived_product(order, products):
    services.product_update(product=products["P-2"], expected_version=None, is_archived=True)
    assert refused(order) == [C.ORDER_PRODUCT_ARCHIVED]


def test_counterparty_marked_liquidated_by_the_registry(order, counterparty):
    Counterparty.objects.filter(pk=counterparty.pk).update(registry_status="liquidated")
    assert refused(order) == [C.ORDER_COUNTERPARTY_LIQUIDATED]


def test_every_violation_is_listed_at_once(order, agreement, products, counterparty, segment):
    Agreement.objects.filter(pk=agreement.pk).update(
        status="agreed", valid_to=DAY - datetime.timedelta(days=1), contract_required=True
    )
    agreement.segments.add(segment)
    Counterparty.objects.filter(pk=counterparty.pk).update(registry_status="liquidated")
    services.product_update(product=products["P-2"], expected_version=None, is_archived=True)
    update(
        order,
        lines=[
            LineIn(product=products["P-1"], quantity=D("1"), price=D("1")),
            LineIn(product=products["P-2"], quantity=D("1")),
        ],
        stages=[("credit", D("100"), 60)],
        tax_regime="not_subject",
        delivery_date=DAY,
    )

    assert sorted(refused(order)) == sorted(
        [
            C.ORDER_COUNTERPARTY_LIQUIDATED,
            C.ORDER_PRODUCT_ARCHIVED,
            C.AGREEMENT_NOT_ACTIVE,
            C.AGREEMENT_NOT_VALID_ON_DATE,
            C.AGREEMENT_NOT_APPLICABLE,
            C.AGREEMENT_PRICE_MISMATCH,
            C.AGREEMENT_SCHEDULE_MISMATCH,
            C.AGREEMENT_TAX_REGIME_MISMATCH,
            C.ORDER_DELIVERY_TOO_EARLY,
            C.ORDER_CONTRACT_MISSING,
        ]
    )


def test_violations_name_their_line(order, products):
    update(
        order,
        lines=[
            LineIn(product=products["P-1"], quantity=D("1")),
            LineIn(product=products["P-2"], quantity=D("1"), price=D("1")),
        ],
    )
    with pytest.raises(PostingBlocked) as error:
        services.order_post(order=order)
    assert [v.field for v in error.value.violations] == ["lines.1.price"]


def test_posted_order_is_not_changed_silently(order):
    services.order_post(order=order)
    before = state(order)

    with pytest.raises(Conflict) as error:
        update(order, comment="quietly")

    assert error.value.codes == [C.ORDER_POSTED]
    assert state(order) == before
    assert CustomerOrder.objects.get(pk=order.pk).comment == ""


def test_posting_twice_is_refused(order):
    services.order_post(order=order)
    with pytest.raises(Conflict) as error:
        services.order_post(order=order)
    assert error.value.codes == [C.ORDER_POSTED]


def test_unposting_is_recorded_and_allows_changes(order, owner):
    services.order_post(order=order, by=owner)
    services.order_unpost(order=order, by=owner, reason="client added a line")

    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    assert [(e.action, e.reason) for e in order.events.all()] == [
        ("posted", ""),
        ("unposted", "client added a line"),
    ]
    update(order, comment="now it may change")
    assert CustomerOrder.objects.get(pk=order.pk).comment == "now it may change"


def test_unposting_a_draft_is_refused(order):
    with pytest.raises(Conflict) as error:
        services.order_unpost(order=order)
    assert error.value.codes == [C.ORDER_NOT_POSTED]


def test_unposting_with_an_invoice_is_refused(order):
    services.order_post(order=order)
    services.invoice_create(order=order, date=DAY)
    before = state(order)
    with pytest.raises(Conflict) as error:
        services.order_unpost(order=order)
    assert error.value.codes == [C.ORDER_HAS_DOCUMENTS]
    assert state(order) == before


def _order_of(n: int, partner, counterparty, agreement, base_price_type):
    lines = []
    for i in range(n):
        product = services.product_create(code=f"Q-{n}-{i}", name=f"Item {i}")
        services.price_set(
            product=product,
            price_type=base_price_type,
            effective_from=datetime.date(2026, 1, 1),
            amount=D("100"),
        )
        lines.append(LineIn(product=product, quantity=D("1")))
    return services.order_create(
        partner=partner, counterparty=counterparty, agreement=agreement, date=DAY, lines=lines
    )


def test_posting_reads_a_bounded_number_of_queries(
    partner, counterparty, agreement, base_price_type
):
    small = _order_of(2, partner, counterparty, agreement, base_price_type)
    large = _order_of(20, partner, counterparty, agreement, base_price_type)

    counts = []
    for order in (small, large):
        with CaptureQueriesContext(connection) as queries:
            services.order_post(order=order)
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[1] <= 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_order_changed_while_waiting_to_be_posted_keeps_its_agreement(
    order, agreement, partner, owner
):
    """Issue 17 S1: posting waits for the order's row lock while another transaction moves
    the order to the partner's individual agreement; the posting then reads that agreement
    instead of finding it empty ("no agreement")."""
    from tests.locking import while_row_changed

    own = make_active(services.agreement_individual_create(typical=agreement, partner=partner))
    posted, error = while_row_changed(
        CustomerOrder.objects.filter(pk=order.pk),
        {"agreement": own},
        lambda: services.order_post(order=CustomerOrder.objects.get(pk=order.pk), by=owner),
    )

    assert error is None, error
    assert posted.status == OrderStatus.POSTED
    assert posted.agreement == own
    assert CustomerOrder.objects.get(pk=order.pk).status == OrderStatus.POSTED
