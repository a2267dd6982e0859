"""Customer order commands (S7): create and change drafts, post with the posting control,
unpost with history."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.core.dates import today
from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.core.events import Event, event_announce
from ladoga.core.locking import locked_rows
from ladoga.core.numbering import number_next
from ladoga.loyalty.discounts import card_order_violations
from ladoga.loyalty.models import LoyaltyCard
from ladoga.partners.models import Counterparty, Partner

from .. import rules
from ..deal_links import deal_id_check
from ..errors import PostingBlocked
from ..errors import SalesCode as C
from ..models import (
    Agreement,
    Contract,
    CustomerOrder,
    OrderAction,
    OrderEvent,
    OrderLine,
    OrderStage,
    OrderStatus,
)
from ..posting import order_violations
from ._common import (
    DOCUMENTS,
    LineIn,
    lines_check,
    locked_checked,
    permission_check,
    rows_create,
    stamp,
    unknown_changes_check,
)
from ._documents import head_check, lines_build, lines_of, lines_store


def _stages_store(order: CustomerOrder, stages: Sequence[rules.Stage], by=None) -> None:
    order.stages.all().delete()
    rows_create(
        OrderStage,
        [
            OrderStage(order=order, position=i, basis=b, percent=Decimal(str(p)), days=int(d))
            for i, (b, p, d) in enumerate(stages)
        ],
        by,
    )


def _lines_build(order: CustomerOrder, lines: Sequence[LineIn]) -> list[dict]:
    """Price and total the lines of `order` (not yet stored); sets the order's totals."""
    rows, (order.amount, order.vat_total, order.total) = lines_build(
        lines=lines,
        agreement=order.agreement,
        on=order.date,
        partner_id=order.partner_id,
        tax_regime=order.tax_regime,
        card=order.loyalty_card,
    )
    return rows


def _card_check(card, *, partner: Partner, on: datetime.date) -> list:
    """A card put on an order must be usable: active, valid on the order's date, the
    client's own (the posting control checks the same again when the order is posted)."""
    if card is None:
        return []
    return card_order_violations(card, partner_id=partner.pk, on=on)


@transaction.atomic
def order_create(
    *,
    partner: Partner,
    counterparty: Counterparty,
    lines: Sequence[LineIn] = (),
    agreement: Agreement | None = None,
    contract: Contract | None = None,
    date: datetime.date | None = None,
    delivery_date: datetime.date | None = None,
    stages: Sequence[rules.Stage] | None = None,
    tax_regime: str | None = None,
    deal_id: int | None = None,
    comment: str = "",
    manager=None,
    loyalty_card: LoyaltyCard | None = None,
    by=None,
) -> CustomerOrder:
    """Create a draft order. The agreement gives what is not given: line prices on the
    order's date, the payment schedule, the tax regime and the delivery date (the order's
    date plus the delivery term). A draft may break the agreement; posting checks it."""
    permission_check(by, DOCUMENTS)
    date = date or today()
    lines = list(lines)
    violations = lines_check(lines, required=False) + head_check(
        partner=partner,
        counterparty=counterparty,
        tax_regime=tax_regime,
        date=date,
        delivery_date=delivery_date,
        stages=stages,
        contract=contract,
    )
    violations += deal_id_check(
        deal_id, by=by, partner_id=partner.pk, code=C.ORDER_DEAL_OF_ANOTHER_PARTNER
    )
    violations += _card_check(loyalty_card, partner=partner, on=date)
    if violations:
        raise ValidationFailed(violations)
    if stages is None:
        stages = [s.as_tuple() for s in agreement.stages.all()] if agreement else []
    if delivery_date is None:
        delivery_date = rules.earliest_delivery(date, agreement.delivery_days if agreement else 0)
    order = CustomerOrder(
        number=number_next(kind="OR", on=date),
        date=date,
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        contract=contract,
        delivery_date=delivery_date,
        tax_regime=tax_regime or (agreement.tax_regime if agreement else "vat_included"),
        currency=agreement.price_type.currency if agreement else "RUB",
        deal_id=deal_id,
        comment=comment or "",
        manager=manager or by,
        loyalty_card=loyalty_card,
        created_by=by,
    )
    rows = _lines_build(order, lines)
    stamp(order, by).save()
    lines_store(line_model=OrderLine, parent_field="order", parent=order, rows=rows, by=by)
    _stages_store(order, stages, by)
    return order


ORDER_CHANGEABLE = {
    "counterparty",
    "agreement",
    "contract",
    "date",
    "delivery_date",
    "lines",
    "stages",
    "tax_regime",
    "deal_id",
    "comment",
    "manager",
    "loyalty_card",
}


def _posted_refuse(order: CustomerOrder) -> None:
    if order.status == OrderStatus.POSTED:
        raise Conflict.single(
            C.ORDER_POSTED,
            _("Order %(number)s is posted; unpost it before changing it.")
            % {"number": order.number},
        )


@transaction.atomic
def order_update(
    *, order: CustomerOrder, expected_version: int | None, by=None, **changes
) -> CustomerOrder:
    """Change a draft order; `lines` and `stages` replace the old ones, and a new agreement
    brings its payment schedule and tax regime unless they are given. A posted order is
    not changed silently: unpost it first (the unposting is recorded)."""
    permission_check(by, DOCUMENTS)
    unknown_changes_check(changes, ORDER_CHANGEABLE)
    order = locked_checked(CustomerOrder, order, expected_version)
    _posted_refuse(order)
    lines = list(changes.pop("lines")) if "lines" in changes else None
    stages = changes.pop("stages", None)
    agreement = changes.get("agreement")
    if agreement is not None and agreement.pk != order.agreement_id:
        # A new agreement brings its own conditions, unless the caller gives others.
        if stages is None:
            stages = [s.as_tuple() for s in agreement.stages.all()]
        changes.setdefault("tax_regime", agreement.tax_regime)
    violations = (lines_check(lines, required=False) if lines is not None else []) + head_check(
        partner=order.partner,
        counterparty=changes.get("counterparty", order.counterparty),
        tax_regime=changes.get("tax_regime"),
        date=changes.get("date", order.date),
        delivery_date=changes.get("delivery_date", order.delivery_date),
        stages=stages,
        contract=changes.get("contract", order.contract),
    )
    if changes.get("deal_id") not in (None, order.deal_id):
        violations += deal_id_check(
            changes["deal_id"],
            by=by,
            partner_id=order.partner_id,
            code=C.ORDER_DEAL_OF_ANOTHER_PARTNER,
        )
    if changes.get("loyalty_card") is not None and (
        changes["loyalty_card"].pk != order.loyalty_card_id or "date" in changes
    ):
        violations += _card_check(
            changes["loyalty_card"], partner=order.partner, on=changes.get("date", order.date)
        )
    if violations:
        raise ValidationFailed(violations)
    for key, value in changes.items():
        setattr(order, key, value)
    if lines is None and "loyalty_card" in changes:
        # Another card, another discount: the lines take the agreement's prices again.
        lines = [
            LineIn(
                product=line.product, quantity=line.quantity, discount_percent=line.discount_percent
            )
            for line in lines_of(order)
        ]
    rows = None
    if lines is not None or {"tax_regime", "date", "agreement", "loyalty_card"} & set(changes):
        rows = _lines_build(order, lines if lines is not None else lines_of(order))
    stamp(order, by).save()
    if rows is not None:
        lines_store(line_model=OrderLine, parent_field="order", parent=order, rows=rows, by=by)
    if stages is not None:
        _stages_store(order, stages, by)
    return order


def _order_locked(order: CustomerOrder) -> CustomerOrder:
    """The order under a row lock, its agreement, counterparty, contract, partner and card
    read after the lock (core.locking: joined while waiting, they come back empty)."""
    return locked_rows(
        CustomerOrder.objects.filter(pk=order.pk).select_related(
            "agreement__price_type", "counterparty", "contract", "partner", "loyalty_card__kind"
        )
    ).get()


@transaction.atomic
def order_post(*, order: CustomerOrder, by=None) -> CustomerOrder:
    """Post an order after checking it against its agreement (posting.order_violations).

    Raises PostingBlocked listing every violation with its code; the order then stays a
    draft and nothing is written."""
    permission_check(by, DOCUMENTS)
    order = _order_locked(order)
    _posted_refuse(order)
    violations = order_violations(order)
    if violations:
        raise PostingBlocked(violations)
    order.status = OrderStatus.POSTED
    order.posted_at = timezone.now()
    stamp(order, by).save()
    OrderEvent.objects.create(order=order, action=OrderAction.POSTED, by=by)
    event_announce(Event.ORDER_POSTED, obj=order)
    return order


@transaction.atomic
def order_unpost(*, order: CustomerOrder, by=None, reason: str = "") -> CustomerOrder:
    """Make a posted order a draft again so it can be changed; recorded with its reason.
    Refused while invoices or shipments stand on the order."""
    permission_check(by, DOCUMENTS)
    order = locked_checked(CustomerOrder, order, None)
    if order.status != OrderStatus.POSTED:
        raise Conflict.single(C.ORDER_NOT_POSTED, _("The order is not posted."))
    if order.invoices.exists() or order.shipments.exists():
        raise Conflict.single(
            C.ORDER_HAS_DOCUMENTS,
            _("Invoices or shipments stand on this order; it cannot be unposted."),
        )
    order.status = OrderStatus.DRAFT
    order.posted_at = None
    stamp(order, by).save()
    OrderEvent.objects.create(
        order=order, action=OrderAction.UNPOSTED, by=by, reason=(reason or "")[:500]
    )
    return order


@transaction.atomic
def order_refill_from_agreement(
    *, order: CustomerOrder, expected_version: int | None, by=None
) -> CustomerOrder:
    """Take the agreement's conditions again: every line's price on the order's date (the
    quantities and manual discounts stay), the payment schedule and the tax regime."""
    order = locked_checked(CustomerOrder, order, expected_version)
    agreement = order.agreement
    if agreement is None:
        raise ValidationFailed.single(
            C.ORDER_AGREEMENT_MISSING,
            _("Choose the agreement the order is sold under."),
            "agreement_id",
        )
    lines = [
        LineIn(product=line.product, quantity=line.quantity, discount_percent=line.discount_percent)
        for line in lines_of(order)
    ]
    return order_update(
        order=order,
        expected_version=None,
        by=by,
        lines=lines,
        tax_regime=agreement.tax_regime,
        stages=[s.as_tuple() for s in agreement.stages.all()],
    )
