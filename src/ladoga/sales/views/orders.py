"""Customer order pages: the list, the card with posting, the draft's form (whose
counterparty and contract follow the chosen partner) and the one-button commands."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.accounts.access import get_visible_or_404, visible
from ladoga.core.errors import DomainError, ValidationFailed
from ladoga.loyalty.queries import card_lookup
from ladoga.partners.cards import partner_of_request
from ladoga.partners.models import Counterparty, Partner
from ladoga.partners.queries import partners_visible_to
from ladoga.web.listing import list_period, listing_of
from ladoga.web.prg import violations_keep, violations_take

from .. import queries, services
from ..forms import LineFormSet, OrderForm, UnpostForm
from ..models import (
    Agreement,
    Contract,
    CustomerOrder,
    OrderStatus,
)
from ..services._common import DOCUMENTS
from ._common import (
    PAGE_SIZE,
    agreements_accepted,
    command_run,
    form_submit,
    partner_options_page,
    partner_options_show,
    refused_redirect,
    refused_take,
)
from .partner_card import listed_for_partner

ORDER_SORTS = {
    "number": ("number", "id"),
    "date": ("date", "id"),
    "partner": ("partner__name", "-date", "-id"),
    "status": ("status", "-date", "-id"),
    "total": ("total", "id"),
}


def _order(request, order_id: int) -> CustomerOrder:
    return get_visible_or_404(
        CustomerOrder.objects.select_related(
            "partner", "counterparty", "agreement", "contract", "manager", "loyalty_card__kind"
        ),
        request.user,
        pk=order_id,
    )


@login_required
def order_list(request):
    found = queries.orders_visible_to(user=request.user)
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    if status in OrderStatus.values:
        found = found.filter(status=status)
    if q:
        found = found.filter(number__icontains=q) | found.filter(partner__name__icontains=q)
    period = list_period(request.GET)
    found = queries.orders_in_period(found, date_from=period.date_from, date_to=period.date_to)
    if period.error:
        found = found.none()
    found, partner = listed_for_partner(request, found)
    listing = listing_of(request, found, sorts=ORDER_SORTS, default="-date", per_page=PAGE_SIZE)
    return render(
        request,
        "sales/order_list.html",
        {
            "page": listing.page,
            "listing": listing,
            "filters": {"status": status, "q": q},
            "statuses": OrderStatus.choices,
            "period": period,
            "filtered": bool(status or q or partner or period.active or period.error),
            "listed_partner": partner,
        },
    )


def _detail_context(request, order: CustomerOrder, **extra) -> dict:
    return {
        "order": order,
        "lines": order.lines.select_related("product").order_by("position", "id"),
        "stages": order.stages.all(),
        "events": order.events.select_related("by"),
        "invoices": order.invoices.all(),
        "shipments": order.shipments.all(),
        "supplier_orders": order.supplier_orders.select_related("partner"),
        "can_edit": request.user.has_perm(DOCUMENTS),
        **extra,
    }


@login_required
def order_detail(request, order_id: int):
    order = _order(request, order_id)
    violations = violations_take(request, f"order-post:{order.pk}")
    context = _detail_context(request, order, violations=violations)
    return render(request, "sales/order_detail.html", context)


def _form_querysets(user, order: CustomerOrder | None = None) -> dict:
    """What the form accepts: every active partner, counterparty, non-closed agreement and
    contract the user may see (and the order's own, should they be archived or closed
    since). Only the chosen partner's are shown (`partner_options`); a choice of another
    partner's is the service's (or the posting control's) to refuse, with its message."""
    keep = Q(pk=order.counterparty_id) if order is not None else Q(pk__in=[])
    return {
        "partners": partners_visible_to(user=user).filter(status="active"),
        "counterparties": visible(Counterparty.objects.filter(Q(status="active") | keep), user),
        "agreements": agreements_accepted(user, order),
        "contracts": queries.contracts_visible_to(user=user),
    }


@login_required
def order_partner_options(request):
    """The counterparty, agreement and contract selects for the partner picked on the
    order form (htmx): that partner's only. A partner the user may not see is 404."""
    form = OrderForm(
        partners=Partner.objects.none(),
        counterparties=Counterparty.objects.none(),
        agreements=Agreement.objects.none(),
        contracts=Contract.objects.none(),
    )
    return partner_options_page(request, form, "sales:order_partner_options")


def _line(row: dict) -> services.LineIn:
    quantity = row.get("quantity")
    return services.LineIn(
        product=row["product"],
        quantity=0 if quantity is None else quantity,
        price=row.get("price"),
        discount_percent=row.get("discount_percent") or 0,
    )


def _card_of(user, number: str | None):
    """The loyalty card typed (or scanned) on the order form, if the user may see it."""
    if not (number or "").strip():
        return None
    card = card_lookup(number, user)
    if card is None:
        raise ValidationFailed.single(
            "not_found", _("No loyalty card with this number that you can see."), "loyalty_card"
        )
    return card


@login_required
def order_form(request, order_id: int | None = None):
    if not request.user.has_perm(DOCUMENTS):
        return HttpResponseForbidden()
    order = _order(request, order_id) if order_id else None
    if order is not None and order.is_posted:
        messages.error(request, _("A posted order is changed only after unposting it."))
        return redirect("sales:order_detail", order.pk)
    products = queries.products_visible_to(user=request.user).filter(is_archived=False)
    initial, lines_initial = {}, []
    if order is not None:
        initial = {
            "version": order.version,
            "counterparty": order.counterparty,
            "agreement": order.agreement,
            "contract": order.contract,
            "date": order.date,
            "delivery_date": order.delivery_date,
            "comment": order.comment,
            "loyalty_card": order.loyalty_card.number if order.loyalty_card_id else "",
        }
        lines_initial = [
            {
                "product": line.product_id,
                "quantity": line.quantity,
                "price": line.price,
                "discount_percent": line.discount_percent,
            }
            for line in order.lines.order_by("position", "id")
        ]
        products = products | queries.products_visible_to(user=request.user).filter(
            pk__in=[line["product"] for line in lines_initial]
        )
    else:
        initial = {"date": timezone.localdate()}
    # From the partner card: that partner, chosen (404 for one the user may not see).
    active_partners = partners_visible_to(user=request.user).filter(status="active")
    client = None if order else partner_of_request(request, active_partners)
    if client is not None:
        initial["partner"] = client.pk
    key = f"order-form:{order.pk if order else 'new'}"
    refused = refused_take(request, key)
    data = request.POST if request.method == "POST" else getattr(refused, "data", None)
    form = OrderForm(
        data,
        initial=initial,
        editing=order is not None,
        **_form_querysets(request.user, order),
    )
    formset = LineFormSet(
        data,
        initial=lines_initial,
        prefix="lines",
        form_kwargs={"products": products.order_by("name")},
    )
    if refused is not None:
        refused.show(form, formset)

    def save(data: dict, rows: list[dict]) -> CustomerOrder:
        lines = [_line(row) for row in rows]
        head = {k: data[k] for k in ("counterparty", "agreement", "contract", "date", "comment")}
        head["loyalty_card"] = _card_of(request.user, data.get("loyalty_card"))
        if order is None:
            return services.order_create(
                partner=data["partner"],
                delivery_date=data["delivery_date"],
                lines=lines,
                by=request.user,
                **head,
            )
        if data["delivery_date"]:
            head["delivery_date"] = data["delivery_date"]
        return services.order_update(
            order=order, expected_version=data["version"], by=request.user, lines=lines, **head
        )

    submitted = form_submit(request, form, save, formset=formset, filled_by="product")
    if submitted.saved is not None:
        messages.success(
            request, _("Order %(number)s is saved.") % {"number": submitted.saved.number}
        )
        return redirect("sales:order_detail", submitted.saved.pk)
    if request.method == "POST" and submitted.status == 400:
        return refused_redirect(request, key, form, formset, submitted)
    partner_options_show(form, request.user, order, partner=client)
    line_errors = refused.row_errors if refused is not None else submitted.row_errors
    return render(
        request,
        "sales/order_form.html",
        {"form": form, "formset": formset, "order": order, "line_errors": line_errors},
        status=submitted.status,
    )


@login_required
@require_POST
def order_post(request, order_id: int):
    order = _order(request, order_id)
    try:
        services.order_post(order=order, by=request.user)
    except DomainError as error:
        # The refusal stays on the order's page: shown by its next GET (web.prg).
        violations_keep(request, f"order-post:{order.pk}", error.violations)
        return redirect("sales:order_detail", order.pk)
    messages.success(request, _("Order %(number)s is posted.") % {"number": order.number})
    return redirect("sales:order_detail", order.pk)


def _command(request, order_id: int, command, success: str):
    """Run a one-button command on an order and come back to it with its result."""
    order = _order(request, order_id)
    command_run(request, lambda: command(order), lambda _result: success)
    return redirect("sales:order_detail", order.pk)


@login_required
@require_POST
def order_unpost(request, order_id: int):
    form = UnpostForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _command(
        request,
        order_id,
        lambda order: services.order_unpost(order=order, by=request.user, reason=reason),
        _("The order is a draft again."),
    )


@login_required
@require_POST
def order_refill(request, order_id: int):
    return _command(
        request,
        order_id,
        lambda order: services.order_refill_from_agreement(
            order=order, expected_version=order.version, by=request.user
        ),
        _("Prices, payment schedule and tax regime are taken from the agreement."),
    )


@login_required
@require_POST
def order_invoice(request, order_id: int):
    return _command(
        request,
        order_id,
        lambda order: services.invoice_create(order=order, by=request.user),
        _("The invoice is made."),
    )


@login_required
@require_POST
def order_ship(request, order_id: int):
    return _command(
        request,
        order_id,
        lambda order: services.shipment_create(order=order, by=request.user),
        _("Everything left is shipped."),
    )
