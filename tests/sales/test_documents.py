"""Invoices, shipments and payments (S8), the revenue and payment-discipline queries,
proposals (S6), supplier orders (S9), rule-based segments (S2) and partner merges."""

import datetime
from decimal import Decimal as D

import pytest

from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.deals.models import DealKind
from ladoga.deals.services import deal_create
from ladoga.partners.models import Partner
from ladoga.partners.services import partner_create, partner_group_create, partner_merge
from ladoga.sales import queries, services
from ladoga.sales.errors import SalesCode as C
from ladoga.sales.models import (
    CustomerOrder,
    Invoice,
    Payment,
    Proposal,
    Shipment,
    ShipmentLine,
)
from ladoga.sales.services import LineIn
from ladoga.sales.tasks import segments_recompute_nightly

from .conftest import DAY, counterparty_of

D5, D7 = datetime.date(2026, 3, 5), datetime.date(2026, 3, 7)


def deal_of(partner, owner):
    """A real deal: sales refuses the id of a deal that does not exist."""
    kind = DealKind.objects.get(process_type="strict")
    return deal_create(name="Cement", partner=partner, kind=kind, by=owner)


@pytest.fixture
def posted(order):
    return services.order_post(order=order)


@pytest.fixture
def invoice(posted):
    return services.invoice_create(order=posted, date=DAY)


def test_invoice_splits_the_total_by_the_payment_schedule(invoice, posted):
    stages = list(invoice.stages.values_list("percent", "amount", "due_date"))
    # 30 % three days after the order; 70 % fourteen days after delivery (7 March).
    assert stages == [
        (D("30"), D("1522.47"), D5),
        (D("70"), D("3552.43"), datetime.date(2026, 3, 21)),
    ]
    assert invoice.total == posted.total == D("5074.90")
    assert invoice.number.startswith("IN-2026-")


def test_a_draft_order_is_not_invoiced(order):
    with pytest.raises(ValidationFailed) as error:
        services.invoice_create(order=order)
    assert error.value.codes == [C.ORDER_NOT_POSTED]
    assert not Invoice.objects.exists()


def test_an_order_is_invoiced_once(invoice, posted):
    with pytest.raises(Conflict) as error:
        services.invoice_create(order=posted)
    assert error.value.codes == [C.INVOICE_EXISTS]
    assert Invoice.objects.count() == 1


def test_a_full_shipment_ships_everything_left(posted):
    shipment = services.shipment_create(order=posted, date=D7)
    assert shipment.total == posted.total
    assert sorted(shipment.lines.values_list("quantity", flat=True)) == [D("3"), D("10")]
    with pytest.raises(ValidationFailed) as error:
        services.shipment_create(order=posted, date=D7)
    assert error.value.codes == [C.SHIPMENT_NOTHING_LEFT]
    assert Shipment.objects.count() == 1


def test_partial_shipments_up_to_the_ordered_quantity(posted):
    cement = posted.lines.get(position=0)
    first = services.shipment_create(order=posted, quantities={cement.pk: D("4")}, date=D7)
    assert first.total == D("1900.00")  # 4 of 10 at 475
    services.shipment_create(order=posted, quantities={cement.pk: D("6")}, date=D7)

    with pytest.raises(ValidationFailed) as error:
        services.shipment_create(order=posted, quantities={cement.pk: D("0.001")}, date=D7)
    assert error.value.codes == [C.SHIPMENT_EXCEEDS_ORDER]
    assert ShipmentLine.objects.filter(order_line=cement).count() == 2


@pytest.mark.parametrize(
    "quantity, code", [("11", C.SHIPMENT_EXCEEDS_ORDER), ("-1", C.QUANTITY_INVALID)]
)
def test_bad_shipment_quantities_are_refused(posted, quantity, code):
    cement = posted.lines.get(position=0)
    with pytest.raises(ValidationFailed) as error:
        services.shipment_create(order=posted, quantities={cement.pk: D(quantity)})
    assert error.value.codes == [code]
    assert not Shipment.objects.exists()


def test_a_line_of_another_order_is_not_shipped(posted, order):
    with pytest.raises(ValidationFailed) as error:
        services.shipment_create(order=posted, quantities={999999: D("1")})
    assert error.value.codes == [C.SHIPMENT_LINE_UNKNOWN]


def test_payments_pay_stages_in_order_and_measure_lateness(invoice):
    on_time = services.payment_create(invoice=invoice, amount=D("1522.47"), date=D5)
    late = services.payment_create(
        invoice=invoice, amount=D("3552.43"), date=datetime.date(2026, 3, 31)
    )

    assert (on_time.due_date, on_time.days_late) == (D5, 0)
    assert (late.due_date, late.days_late) == (datetime.date(2026, 3, 21), 10)
    invoice.refresh_from_db()
    assert invoice.balance == 0
    assert list(invoice.stages.values_list("paid", flat=True)) == [D("1522.47"), D("3552.43")]


def test_a_payment_larger_than_the_balance_is_refused(invoice):
    services.payment_create(invoice=invoice, amount=D("5000"), date=D5)
    with pytest.raises(ValidationFailed) as error:
        services.payment_create(invoice=invoice, amount=D("74.91"), date=D5)
    assert error.value.codes == [C.PAYMENT_EXCEEDS_BALANCE]
    invoice.refresh_from_db()
    assert invoice.paid == D("5000")
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "0.001"])
def test_a_bad_payment_amount_is_refused(invoice, amount):
    with pytest.raises(ValidationFailed) as error:
        services.payment_create(invoice=invoice, amount=D(amount))
    assert error.value.codes == [C.PAYMENT_AMOUNT_INVALID]
    assert not Payment.objects.exists()


def test_payment_discipline(invoice, partner, owner, outsider):
    services.payment_create(invoice=invoice, amount=D("1000"), date=D5)  # on time
    services.payment_create(invoice=invoice, amount=D("522.47"), date=datetime.date(2026, 3, 9))
    services.payment_create(invoice=invoice, amount=D("3552.43"), date=datetime.date(2026, 3, 27))
    period = queries.Period.year(2026)

    figures = queries.payment_discipline(partner, period, user=owner)

    assert (figures.payments, figures.on_time, figures.late) == (3, 1, 2)
    assert figures.on_time_share == D("0.3333")
    assert figures.average_days_late == D("5.00")  # 4 and 6 days late
    assert queries.payment_discipline(partner, period, user=outsider).payments == 0


def test_revenue_by_partner_counts_shipments_in_the_period(posted, owner, admin_user):
    services.shipment_create(order=posted, date=D7)
    rows = queries.revenue_by_partner(queries.Period.year(2026), user=owner)
    assert [(r.partner_name, r.revenue, r.shipments) for r in rows] == [
        ("Stroymontazh", D("5074.90"), 1)
    ]
    assert queries.revenue_by_partner(queries.Period.year(2025), user=admin_user) == []


def test_a_proposal_takes_the_agreements_prices_and_names_its_deal(
    partner, agreement, products, owner
):
    deal = deal_of(partner, owner)
    proposal = services.proposal_create(
        partner=partner,
        agreement=agreement,
        date=DAY,
        deal_id=deal.pk,
        lines=[LineIn(product=products["P-1"], quantity=D("2"))],
        by=owner,
    )
    assert proposal.lines.get().price == D("475.00")
    assert proposal.total == D("950.00")
    assert list(
        queries.documents_of_deal(deal_id=deal.pk, partner_id=partner.pk, user=owner)["proposals"]
    ) == [proposal]


@pytest.mark.parametrize(
    "line, code",
    [
        ({"quantity": D("0")}, C.QUANTITY_INVALID),
        ({"quantity": D("1"), "price": D("-1")}, C.PRICE_NEGATIVE),
        ({"quantity": D("1"), "discount_percent": D("101")}, C.DISCOUNT_INVALID),
    ],
)
def test_bad_lines_are_refused(partner, counterparty, agreement, products, line, code):
    for create in (services.proposal_create, services.order_create):
        extra = {"counterparty": counterparty} if create is services.order_create else {}
        with pytest.raises(ValidationFailed) as error:
            create(
                partner=partner,
                agreement=agreement,
                lines=[LineIn(product=products["P-1"], **line)],
                **extra,
            )
        assert error.value.codes == [code]
    assert not Proposal.objects.exists()
    assert not CustomerOrder.objects.exists()


def test_a_counterparty_of_another_partner_is_refused(partner, other_partner, agreement):
    theirs = counterparty_of(other_partner, "Their company")
    with pytest.raises(ValidationFailed) as error:
        services.order_create(partner=partner, counterparty=theirs, agreement=agreement)
    assert error.value.codes == [C.COUNTERPARTY_OF_ANOTHER_PARTNER]
    assert not CustomerOrder.objects.exists()


def test_a_supplier_order_from_a_customer_order(posted, owner):
    supplier = partner_create(name="Cement plant", roles=["supplier"], manager=owner)
    made = services.supplier_order_from_order(order=posted, supplier=supplier, by=owner)
    assert made.customer_order == posted
    assert sorted(made.lines.values_list("quantity", flat=True)) == [D("3"), D("10")]


def test_a_supplier_order_from_a_deal_needs_a_supplier(partner, products, owner):
    deal = deal_of(partner, owner)
    with pytest.raises(ValidationFailed) as error:
        services.supplier_order_create(
            supplier=partner,
            deal_id=deal.pk,
            lines=[LineIn(product=products["P-1"], quantity=D("1"), price=D("10"))],
        )
    assert error.value.codes == [C.SUPPLIER_NOT_SUPPLIER]
    supplier = partner_create(name="Supplier", roles=["supplier"], manager=owner)
    made = services.supplier_order_create(
        supplier=supplier,
        deal_id=deal.pk,
        lines=[LineIn(product=products["P-1"], quantity=D("3"), price=D("10"))],
    )
    assert (made.deal_id, made.total) == (deal.pk, D("30.00"))


def test_rule_based_segments_are_recomputed(segment, owner):
    group = partner_group_create(name="Moscow")
    inside = partner_create(name="In Moscow", group=group, manager=owner)
    supplier = partner_create(name="Supplier", group=group, roles=["supplier"], manager=owner)
    partner_create(name="Elsewhere", manager=owner)

    rule = services.segment_rule_set(segment=segment, role="client", group=group)
    assert list(segment.partners.values_list("name", flat=True)) == [inside.name]
    assert rule.member_count == 1

    Partner.objects.filter(pk=supplier.pk).update(is_client=True)
    assert segments_recompute_nightly.call_local() == {segment.name: 2}
    assert segment.partners.count() == 2


def test_a_segment_rule_needs_a_condition(segment):
    with pytest.raises(ValidationFailed) as error:
        services.segment_rule_set(segment=segment)
    assert error.value.codes == [C.SEGMENT_RULE_EMPTY]


def test_a_partner_merge_moves_the_documents(posted, invoice, partner, owner):
    survivor = partner_create(name="Stroymontazh (main)", manager=owner)
    partner_merge(survivor=survivor, duplicate=partner, by=owner)

    assert CustomerOrder.objects.get(pk=posted.pk).partner == survivor
    assert Invoice.objects.get(pk=invoice.pk).partner == survivor
