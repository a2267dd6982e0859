""" "Create based on" a deal (D6): a customer order, a commercial proposal or a supplier
order made for the deal, through the sales domain's own commands (the deal's id goes into
their `deal_id`)."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed
from ladoga.partners.models import Counterparty, Partner
from ladoga.sales import services as sales
from ladoga.sales.models import CustomerOrder, Proposal, SupplierOrder

from ..errors import DealsCode as C
from ..models import Deal


def _counterparty_of(deal: Deal) -> Counterparty:
    counterparty = (
        Counterparty.objects.filter(partner_id=deal.partner_id, status="active")
        .order_by("pk")
        .first()
    )
    if counterparty is None:
        raise ValidationFailed.single(
            C.DOCUMENT_INVALID,
            _("The client has no active counterparty to issue documents to."),
            "partner_id",
        )
    return counterparty


@transaction.atomic
def deal_order_create(*, deal: Deal, by, lines: Sequence = ()) -> CustomerOrder:
    """A draft customer order for the deal's client, on the deal's agreement."""
    return sales.order_create(
        partner=deal.partner,
        counterparty=_counterparty_of(deal),
        agreement=deal.agreement,
        lines=lines,
        deal_id=deal.pk,
        manager=deal.manager,
        by=by,
    )


@transaction.atomic
def deal_proposal_create(*, deal: Deal, lines: Sequence, by) -> Proposal:
    """A commercial proposal for the deal's client, priced from the deal's agreement."""
    counterparty = (
        Counterparty.objects.filter(partner_id=deal.partner_id, status="active")
        .order_by("pk")
        .first()
    )
    return sales.proposal_create(
        partner=deal.partner,
        counterparty=counterparty,
        agreement=deal.agreement,
        lines=lines,
        deal_id=deal.pk,
        manager=deal.manager,
        by=by,
    )


@transaction.atomic
def deal_supplier_order_create(
    *, deal: Deal, supplier: Partner, lines: Sequence, by
) -> SupplierOrder:
    """An order to a supplier for what the deal needs (S9)."""
    return sales.supplier_order_create(supplier=supplier, lines=lines, deal_id=deal.pk, by=by)
