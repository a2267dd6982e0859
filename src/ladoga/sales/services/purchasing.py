"""Supplier order commands (S9)."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.dates import today
from ladoga.core.errors import ValidationFailed, Violation
from ladoga.core.numbering import number_next
from ladoga.partners.models import Partner

from .. import rules
from ..deal_links import deal_id_check
from ..errors import SalesCode as C
from ..models import CustomerOrder, SupplierOrder, SupplierOrderLine
from ._common import DOCUMENTS, LineIn, lines_check, permission_check, rows_create, stamp


@transaction.atomic
def supplier_order_create(
    *,
    supplier: Partner,
    lines: Sequence[LineIn],
    customer_order: CustomerOrder | None = None,
    deal_id: int | None = None,
    date: datetime.date | None = None,
    comment: str = "",
    by=None,
) -> SupplierOrder:
    """Order goods from a supplier, for a customer order or a deal (by its id)."""
    permission_check(by, DOCUMENTS)
    lines = list(lines)
    violations = lines_check(lines)
    if not supplier.is_supplier:
        violations.append(
            Violation(
                C.SUPPLIER_NOT_SUPPLIER,
                _("%(name)s is not a supplier.") % {"name": supplier.name},
                "supplier_id",
            )
        )
    # A deal inherited from the customer order was checked when the order took it; one
    # named beside a customer order must be a deal with that order's client.
    violations += deal_id_check(
        deal_id,
        by=by,
        partner_id=customer_order.partner_id if customer_order is not None else None,
        code=C.SUPPLIER_ORDER_DEAL_OF_ANOTHER_PARTNER,
    )
    if violations:
        raise ValidationFailed(violations)
    date = date or today()
    rows = []
    for position, line in enumerate(lines):
        price = Decimal(str(line.price or 0))
        quantity = Decimal(str(line.quantity))
        rows.append(
            SupplierOrderLine(
                position=position,
                product=line.product,
                quantity=quantity,
                price=price,
                amount=rules.money_round(price * quantity),
            )
        )
    order = SupplierOrder(
        number=number_next(kind="SO", on=date),
        date=date,
        partner=supplier,
        customer_order=customer_order,
        deal_id=deal_id if deal_id is not None else getattr(customer_order, "deal_id", None),
        total=sum((r.amount for r in rows), Decimal("0")),
        comment=comment or "",
        manager=by,
        created_by=by,
    )
    stamp(order, by).save()
    for row in rows:
        row.order = order
    rows_create(SupplierOrderLine, rows, by)
    return order


def supplier_order_from_order(
    *,
    order: CustomerOrder,
    supplier: Partner,
    by=None,
    date: datetime.date | None = None,
    deal_id: int | None = None,
) -> SupplierOrder:
    """A supplier order for everything a customer order holds (purchase prices to fill);
    it is for the customer order's deal unless `deal_id` names another."""
    lines = [
        LineIn(product=line.product, quantity=line.quantity, price=Decimal("0"))
        for line in order.lines.select_related("product").order_by("position", "id")
    ]
    return supplier_order_create(
        supplier=supplier, lines=lines, customer_order=order, date=date, deal_id=deal_id, by=by
    )
