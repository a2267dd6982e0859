"""Invoices, shipments and incoming payments (S8)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from ladoga.core.dates import today
from ladoga.core.errors import Conflict, ValidationFailed, Violation
from ladoga.core.events import Event, event_announce
from ladoga.core.numbering import number_next
from ladoga.loyalty.services import card_thresholds_recompute

from .. import rules
from ..errors import SalesCode as C
from ..models import (
    CustomerOrder,
    Invoice,
    InvoiceStage,
    OrderStatus,
    Payment,
    Shipment,
    ShipmentLine,
)
from ._common import (
    DOCUMENTS,
    decimal_of,
    locked,
    permission_check,
    rows_create,
    stamp,
)


def _posted_check(order: CustomerOrder) -> None:
    if order.status != OrderStatus.POSTED:
        raise ValidationFailed.single(
            C.ORDER_NOT_POSTED,
            _("Order %(number)s is not posted.") % {"number": order.number},
            "order_id",
        )


@transaction.atomic
def invoice_create(*, order: CustomerOrder, date: datetime.date | None = None, by=None) -> Invoice:
    """Invoice a posted order: its total split by the order's payment schedule, each
    stage due `days` after the order (prepayment) or after the delivery date (credit).
    One invoice per order."""
    permission_check(by, DOCUMENTS)
    order = locked(CustomerOrder, order)
    _posted_check(order)
    if order.invoices.exists():
        raise Conflict.single(
            C.INVOICE_EXISTS,
            _("Order %(number)s is already invoiced.") % {"number": order.number},
            "order_id",
        )
    date = date or today()
    stages = list(order.stages.all())
    if not stages:
        stages_values = [("prepayment", Decimal("100"), 0)]
    else:
        stages_values = [s.as_tuple() for s in stages]
    amounts = rules.split_by_stages(order.total, [p for _b, p, _d in stages_values])
    invoice = Invoice(
        number=number_next(kind="IN", on=date),
        date=date,
        order=order,
        partner_id=order.partner_id,
        counterparty_id=order.counterparty_id,
        currency=order.currency,
        total=order.total,
        vat_total=order.vat_total,
        created_by=by,
    )
    stamp(invoice, by).save()
    rows_create(
        InvoiceStage,
        [
            InvoiceStage(
                invoice=invoice,
                position=i,
                basis=basis,
                percent=percent,
                days=days,
                amount=amount,
                due_date=rules.stage_due_date(
                    basis=basis, days=days, order_date=order.date, shipment_date=order.delivery_date
                ),
            )
            for i, ((basis, percent, days), amount) in enumerate(
                zip(stages_values, amounts, strict=True)
            )
        ],
        by,
    )
    return invoice


@transaction.atomic
def shipment_create(
    *,
    order: CustomerOrder,
    quantities: dict[int, Decimal] | None = None,
    date: datetime.date | None = None,
    by=None,
) -> Shipment:
    """Ship goods of a posted order: `quantities` maps order-line ids to quantities (a
    partial shipment); without it, everything not yet shipped goes. No line may be
    shipped beyond its ordered quantity."""
    permission_check(by, DOCUMENTS)
    # The order's row lock serialises shipments of one order, so two cannot both pass
    # the "not more than ordered" check.
    order = locked(CustomerOrder, order)
    _posted_check(order)
    lines = {line.pk: line for line in order.lines.select_related("product")}
    shipped = dict(
        ShipmentLine.objects.filter(order_line__order=order)
        .values("order_line")
        .annotate(q=Sum("quantity"))
        .values_list("order_line", "q")
    )
    remaining = {pk: line.quantity - (shipped.get(pk) or 0) for pk, line in lines.items()}
    violations: list[Violation] = []
    if quantities is None:
        wanted = {pk: q for pk, q in remaining.items() if q > 0}
        if not wanted:
            raise ValidationFailed.single(
                C.SHIPMENT_NOTHING_LEFT, _("Everything ordered has been shipped."), "lines"
            )
    else:
        wanted = {}
        for pk, value in quantities.items():
            number = decimal_of(value)
            field = f"lines.{pk}.quantity"
            if pk not in lines:
                violations.append(
                    Violation(C.SHIPMENT_LINE_UNKNOWN, _("No such line in the order."), field)
                )
            elif number is None or number <= 0:
                violations.append(
                    Violation(C.QUANTITY_INVALID, _("The quantity must be more than zero."), field)
                )
            elif number > remaining[pk]:
                violations.append(
                    Violation(
                        C.SHIPMENT_EXCEEDS_ORDER,
                        _("%(product)s: only %(left)s left to ship.")
                        % {"product": lines[pk].product.name, "left": remaining[pk]},
                        field,
                    )
                )
            else:
                wanted[pk] = number
        if not quantities:
            violations.append(Violation(C.LINES_EMPTY, _("Choose what to ship."), "lines"))
    if violations:
        raise ValidationFailed(violations)
    date = date or today()
    rows = []
    for pk, quantity in wanted.items():
        line = lines[pk]
        share = quantity / line.quantity
        rows.append(
            ShipmentLine(
                order_line=line,
                product=line.product,
                quantity=quantity,
                vat_amount=rules.money_round(line.vat_amount * share),
                total=rules.money_round(line.total * share),
            )
        )
    shipment = Shipment(
        number=number_next(kind="SH", on=date),
        date=date,
        order=order,
        partner_id=order.partner_id,
        counterparty_id=order.counterparty_id,
        currency=order.currency,
        total=sum((r.total for r in rows), Decimal("0")),
        vat_total=sum((r.vat_amount for r in rows), Decimal("0")),
        created_by=by,
    )
    stamp(shipment, by).save()
    for row in rows:
        row.shipment = shipment
    rows_create(ShipmentLine, rows, by)
    # The shipment counts towards the client's accumulative loyalty cards at once.
    card_thresholds_recompute(partner_ids=[order.partner_id])
    event_announce(Event.SHIPMENT_POSTED, obj=shipment)
    return shipment


@transaction.atomic
def payment_create(
    *, invoice: Invoice, amount: Decimal, date: datetime.date | None = None, by=None
) -> Payment:
    """Register money received against an invoice. It pays the invoice's stages in
    due-date order and is late by the days past the earliest stage it pays. A payment
    larger than the invoice's balance is refused."""
    permission_check(by, DOCUMENTS)
    invoice = locked(Invoice, invoice)
    number = decimal_of(amount)
    if number is None or number <= 0 or number != rules.money_round(number):
        raise ValidationFailed.single(
            C.PAYMENT_AMOUNT_INVALID,
            _("A payment is a positive amount in kopecks."),
            "amount",
        )
    if number > invoice.balance:
        raise ValidationFailed.single(
            C.PAYMENT_EXCEEDS_BALANCE,
            _("The payment is more than the invoice's balance of %(balance)s.")
            % {"balance": invoice.balance},
            "amount",
        )
    date = date or today()
    stages = list(invoice.stages.select_for_update().order_by("due_date", "position", "id"))
    shares, first_due = rules.payment_allocation(
        [(s.due_date, s.amount, s.paid) for s in stages], number
    )
    first_due = first_due or date
    for stage, share in zip(stages, shares, strict=True):
        if share:
            stage.paid += share
            stage.save(update_fields=["paid"])
    invoice.paid += number
    stamp(invoice, by).save()
    payment = Payment(
        number=number_next(kind="PM", on=date),
        date=date,
        invoice=invoice,
        partner_id=invoice.partner_id,
        amount=number,
        due_date=first_due,
        days_late=max((date - first_due).days, 0),
        created_by=by,
    )
    stamp(payment, by).save()
    event_announce(Event.PAYMENT_RECEIVED, obj=payment)
    return payment
