"""Document endpoints: proposals, customer orders (with posting), invoices, shipments,
payments, supplier orders, and the own company's requisites."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts.access import get_visible_or_404
from ladoga.core.api import expected_version, with_etag
from ladoga.core.errors import ValidationFailed
from ladoga.loyalty.models import LoyaltyCard
from ladoga.partners.models import Counterparty, Partner

from .. import queries, services
from ..errors import SalesCode
from ..models import (
    Agreement,
    Contract,
    CustomerOrder,
    Invoice,
    OwnCompany,
    Proposal,
    Shipment,
    SupplierOrder,
)
from ..services._common import DOCUMENTS
from ._common import lines_in, ref, require, stages_in
from .schemas import (
    CompanyOut,
    CompanyPatch,
    InvoiceDetailOut,
    InvoiceIn,
    InvoiceOut,
    OrderDetailOut,
    OrderIn,
    OrderOut,
    OrderPatch,
    PaymentIn,
    PaymentOut,
    ProposalDetailOut,
    ProposalIn,
    ProposalOut,
    ProposalPatch,
    ShipmentDetailOut,
    ShipmentIn,
    ShipmentOut,
    SupplierOrderDetailOut,
    SupplierOrderIn,
    SupplierOrderOut,
    UnpostIn,
)

router = Router(tags=["sales documents"])


def _document_refs(request: HttpRequest, changes: dict) -> dict:
    """Service arguments for the references and lines a document request gives."""
    for field, model in (
        ("counterparty_id", Counterparty),
        ("agreement_id", Agreement),
        ("contract_id", Contract),
        ("loyalty_card_id", LoyaltyCard),
    ):
        if field in changes:
            changes[field.removesuffix("_id")] = ref(request, model, changes.pop(field), field)
    if changes.get("lines") is not None:
        changes["lines"] = lines_in(request, changes["lines"])
    if changes.get("stages") is not None:
        changes["stages"] = stages_in(changes["stages"])
    return changes


def _patch(payload) -> dict:
    """The fields a PATCH sends; null clears only the references that may be empty."""
    nullable = {"agreement_id", "contract_id", "deal_id", "valid_until", "loyalty_card_id"}
    return {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in nullable
    }


# Proposals


def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    return get_visible_or_404(
        Proposal.objects.prefetch_related("lines"), request.user, pk=proposal_id
    )


@router.get("/proposals", response=list[ProposalOut])
@paginate(LimitOffsetPagination)
def proposals(
    request: HttpRequest, partner: int | None = None, deal_id: int | None = None, status: str = ""
):
    found = queries.proposals_visible_to(user=request.user)
    if partner is not None:
        found = found.filter(partner_id=partner)
    if deal_id is not None:
        found = found.filter(deal_id=deal_id)
    if status:
        found = found.filter(status=status)
    return found


@router.post("/proposals", response={201: ProposalDetailOut})
def proposal_create(request: HttpRequest, payload: ProposalIn, response: HttpResponse):
    require(request, DOCUMENTS)
    data = payload.dict()
    data["partner"] = ref(request, Partner, data.pop("partner_id"), "partner_id")
    data["lines"] = payload.lines
    created = services.proposal_create(**_document_refs(request, data), by=request.user)
    found = _proposal(request, created.pk)
    with_etag(response, found)
    return Status(201, found)


@router.get("/proposals/{proposal_id}", response=ProposalDetailOut)
def proposal(request: HttpRequest, proposal_id: int, response: HttpResponse):
    found = _proposal(request, proposal_id)
    with_etag(response, found)
    return found


@router.patch("/proposals/{proposal_id}", response=ProposalDetailOut)
def proposal_update(
    request: HttpRequest, proposal_id: int, payload: ProposalPatch, response: HttpResponse
):
    """Change a draft proposal (lines are replaced when given) and/or move its `status`:
    draft → sent → accepted or rejected, or sent back to draft (otherwise 422
    `proposal_transition_invalid`). A proposal that is not a draft changes only its
    status: any other field answers 409 `proposal_not_draft` and nothing is written."""
    found = _proposal(request, proposal_id)
    require(request, DOCUMENTS)
    changes = _patch(payload)
    if "lines" in changes:
        changes["lines"] = payload.lines
    services.proposal_update(
        proposal=found,
        expected_version=expected_version(request),
        by=request.user,
        **_document_refs(request, changes),
    )
    found = _proposal(request, proposal_id)
    with_etag(response, found)
    return found


# Customer orders


def _order(request: HttpRequest, order_id: int) -> CustomerOrder:
    return get_visible_or_404(
        CustomerOrder.objects.prefetch_related("lines", "stages", "events"),
        request.user,
        pk=order_id,
    )


@router.get("/orders", response=list[OrderOut])
@paginate(LimitOffsetPagination)
def orders(
    request: HttpRequest,
    partner: int | None = None,
    status: str = "",
    deal_id: int | None = None,
    q: str = "",
):
    found = queries.orders_visible_to(user=request.user)
    if partner is not None:
        found = found.filter(partner_id=partner)
    if status:
        found = found.filter(status=status)
    if deal_id is not None:
        found = found.filter(deal_id=deal_id)
    if q:
        found = found.filter(number__icontains=q)
    return found


@router.post("/orders", response={201: OrderDetailOut})
def order_create(request: HttpRequest, payload: OrderIn, response: HttpResponse):
    """Create a draft order. Lines without a price, the payment schedule, the tax regime
    and the delivery date default to the agreement's."""
    require(request, DOCUMENTS)
    data = payload.dict()
    data["partner"] = ref(request, Partner, data.pop("partner_id"), "partner_id")
    data["lines"] = payload.lines
    data["stages"] = payload.stages
    created = services.order_create(**_document_refs(request, data), by=request.user)
    found = _order(request, created.pk)
    with_etag(response, found)
    return Status(201, found)


@router.get("/orders/{order_id}", response=OrderDetailOut)
def order(request: HttpRequest, order_id: int, response: HttpResponse):
    found = _order(request, order_id)
    with_etag(response, found)
    return found


@router.patch("/orders/{order_id}", response=OrderDetailOut)
def order_update(request: HttpRequest, order_id: int, payload: OrderPatch, response: HttpResponse):
    """Change a draft order (lines and stages are replaced when given). A posted order
    answers 409 `order_posted`: unpost it first."""
    found = _order(request, order_id)
    require(request, DOCUMENTS)
    changes = _patch(payload)
    for field in ("lines", "stages"):
        if field in changes:
            changes[field] = getattr(payload, field)
    services.order_update(
        order=found,
        expected_version=expected_version(request),
        by=request.user,
        **_document_refs(request, changes),
    )
    found = _order(request, order_id)
    with_etag(response, found)
    return found


@router.post("/orders/{order_id}/post", response=OrderDetailOut)
def order_post(request: HttpRequest, order_id: int, response: HttpResponse):
    """Post the order. When it breaks its agreement the answer is 422 listing every
    violation with its code (agreement_not_active, agreement_price_mismatch, …), and the
    order stays a draft."""
    found = _order(request, order_id)
    services.order_post(order=found, by=request.user)
    found = _order(request, order_id)
    with_etag(response, found)
    return found


@router.post("/orders/{order_id}/unpost", response=OrderDetailOut)
def order_unpost(request: HttpRequest, order_id: int, payload: UnpostIn, response: HttpResponse):
    """Make a posted order a draft again (recorded with the reason)."""
    found = _order(request, order_id)
    services.order_unpost(order=found, by=request.user, reason=payload.reason)
    found = _order(request, order_id)
    with_etag(response, found)
    return found


# Invoices, shipments, payments


def _invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    return get_visible_or_404(
        Invoice.objects.prefetch_related("stages"), request.user, pk=invoice_id
    )


@router.get("/invoices", response=list[InvoiceOut])
@paginate(LimitOffsetPagination)
def invoices(request: HttpRequest, order: int | None = None, partner: int | None = None):
    found = queries.invoices_visible_to(user=request.user)
    if order is not None:
        found = found.filter(order_id=order)
    if partner is not None:
        found = found.filter(partner_id=partner)
    return found


@router.post("/invoices", response={201: InvoiceDetailOut})
def invoice_create(request: HttpRequest, payload: InvoiceIn):
    """Invoice a posted order: one stage per payment-schedule stage, with due dates."""
    require(request, DOCUMENTS)
    order = ref(request, CustomerOrder, payload.order_id, "order_id")
    invoice = services.invoice_create(order=order, date=payload.date, by=request.user)
    return Status(201, _invoice(request, invoice.pk))


@router.get("/invoices/{invoice_id}", response=InvoiceDetailOut)
def invoice(request: HttpRequest, invoice_id: int, response: HttpResponse):
    found = _invoice(request, invoice_id)
    with_etag(response, found)
    return found


@router.get("/shipments", response=list[ShipmentOut])
@paginate(LimitOffsetPagination)
def shipments(request: HttpRequest, order: int | None = None, partner: int | None = None):
    found = queries.shipments_visible_to(user=request.user)
    if order is not None:
        found = found.filter(order_id=order)
    if partner is not None:
        found = found.filter(partner_id=partner)
    return found


@router.post("/shipments", response={201: ShipmentDetailOut})
def shipment_create(request: HttpRequest, payload: ShipmentIn):
    """Ship a posted order: the lines given (order line id and quantity), or everything
    not yet shipped."""
    require(request, DOCUMENTS)
    order = ref(request, CustomerOrder, payload.order_id, "order_id")
    quantities = None
    if payload.lines is not None:
        quantities = {}
        for line in payload.lines:
            if line.order_line_id in quantities:
                raise ValidationFailed.single(
                    SalesCode.SHIPMENT_LINE_UNKNOWN, _("A line is named twice."), "lines"
                )
            quantities[line.order_line_id] = line.quantity
    shipment = services.shipment_create(
        order=order, quantities=quantities, date=payload.date, by=request.user
    )
    return Status(
        201,
        get_visible_or_404(
            Shipment.objects.prefetch_related("lines"), request.user, pk=shipment.pk
        ),
    )


@router.get("/shipments/{shipment_id}", response=ShipmentDetailOut)
def shipment(request: HttpRequest, shipment_id: int, response: HttpResponse):
    found = get_visible_or_404(
        Shipment.objects.prefetch_related("lines"), request.user, pk=shipment_id
    )
    with_etag(response, found)
    return found


@router.get("/payments", response=list[PaymentOut])
@paginate(LimitOffsetPagination)
def payments(request: HttpRequest, invoice: int | None = None, partner: int | None = None):
    found = queries.payments_visible_to(user=request.user)
    if invoice is not None:
        found = found.filter(invoice_id=invoice)
    if partner is not None:
        found = found.filter(partner_id=partner)
    return found


@router.post("/payments", response={201: PaymentOut})
def payment_create(request: HttpRequest, payload: PaymentIn):
    """Register an incoming payment against an invoice (not more than its balance)."""
    require(request, DOCUMENTS)
    invoice = ref(request, Invoice, payload.invoice_id, "invoice_id")
    payment = services.payment_create(
        invoice=invoice, amount=payload.amount, date=payload.date, by=request.user
    )
    return Status(201, payment)


# Supplier orders


@router.get("/supplier-orders", response=list[SupplierOrderOut])
@paginate(LimitOffsetPagination)
def supplier_orders(request: HttpRequest, order: int | None = None, deal_id: int | None = None):
    found = queries.supplier_orders_visible_to(user=request.user)
    if order is not None:
        found = found.filter(customer_order_id=order)
    if deal_id is not None:
        found = found.filter(deal_id=deal_id)
    return found


@router.post("/supplier-orders", response={201: SupplierOrderDetailOut})
def supplier_order_create(request: HttpRequest, payload: SupplierOrderIn):
    """Order from a supplier: the lines given, or everything of the customer order
    `order_id`; `deal_id` links it to a deal."""
    require(request, DOCUMENTS)
    supplier = ref(request, Partner, payload.supplier_id, "supplier_id")
    order = ref(request, CustomerOrder, payload.order_id, "order_id")
    if payload.lines is None:
        if order is None:
            raise ValidationFailed.single(
                SalesCode.LINES_EMPTY,
                _("Give the lines, or the customer order to take them from."),
                "lines",
            )
        created = services.supplier_order_from_order(
            order=order,
            supplier=supplier,
            date=payload.date,
            deal_id=payload.deal_id,
            by=request.user,
        )
    else:
        created = services.supplier_order_create(
            supplier=supplier,
            lines=lines_in(request, payload.lines),
            customer_order=order,
            deal_id=payload.deal_id,
            date=payload.date,
            comment=payload.comment,
            by=request.user,
        )
    return Status(
        201,
        get_visible_or_404(
            SupplierOrder.objects.prefetch_related("lines"), request.user, pk=created.pk
        ),
    )


@router.get("/supplier-orders/{supplier_order_id}", response=SupplierOrderDetailOut)
def supplier_order(request: HttpRequest, supplier_order_id: int, response: HttpResponse):
    found = get_visible_or_404(
        SupplierOrder.objects.prefetch_related("lines"), request.user, pk=supplier_order_id
    )
    with_etag(response, found)
    return found


# The own company


@router.get("/company", response=CompanyOut, tags=["settings"])
def company(request: HttpRequest, response: HttpResponse):
    """The own organisation's requisites, printed on proposals and invoices."""
    services.own_company()
    found = get_visible_or_404(OwnCompany, request.user, pk=1)
    with_etag(response, found)
    return found


@router.patch("/company", response=CompanyOut, tags=["settings"])
def company_update(request: HttpRequest, payload: CompanyPatch, response: HttpResponse):
    services.own_company()
    get_visible_or_404(OwnCompany, request.user, pk=1)
    require(request, "sales.change_owncompany")
    found = services.company_update(
        expected_version=expected_version(request),
        by=request.user,
        **{k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None},
    )
    with_etag(response, found)
    return found
