from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.accounts.access import get_visible_or_404, visible
from ladoga.core.errors import DomainError
from ladoga.partners.queries import partners_visible_to
from ladoga.web.forms import form_errors_from
from ladoga.web.prg import form_keep, form_restore

from .. import pricing, queries, services
from ..forms import CompanyForm, IndividualAgreementForm
from ..models import Agreement, AgreementKind, AgreementStatus, OwnCompany, PriceType
from ..services._common import APPROVE, CATALOGUE, DOCUMENTS
from ..services.agreements import TRANSITIONS
from ..services.company import COMPANY_FIELDS
from ._common import page_of, transition_run
from .partner_card import listed_for_partner


@login_required
def agreement_list(request):
    found = queries.agreements_visible_to(user=request.user)
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in AgreementKind.values:
        found = found.filter(kind=kind)
    if status in AgreementStatus.values:
        found = found.filter(status=status)
    found, partner = listed_for_partner(request, found)
    return render(
        request,
        "sales/agreement_list.html",
        {
            "page": page_of(request, found),
            "filters": {"kind": kind, "status": status},
            "kinds": AgreementKind.choices,
            "statuses": AgreementStatus.choices,
            "filtered": bool(kind or status or partner),
            "listed_partner": partner,
        },
    )


def _agreement(request, agreement_id: int) -> Agreement:
    return get_visible_or_404(
        Agreement.objects.select_related("price_type", "partner", "typical", "approved_by"),
        request.user,
        pk=agreement_id,
    )


def _agreement_context(request, agreement: Agreement, **extra) -> dict:
    user = request.user
    may_change = user.has_perm(CATALOGUE if agreement.is_typical else DOCUMENTS)
    moves = [
        (status, AgreementStatus(status).label)
        for status in (
            AgreementStatus.AGREED,
            AgreementStatus.ACTIVE,
            AgreementStatus.DRAFT,
            AgreementStatus.CLOSED,
        )
        if status in TRANSITIONS[agreement.status]
        and (user.has_perm(APPROVE) if status == AgreementStatus.ACTIVE else may_change)
    ]
    context = {
        "agreement": agreement,
        "stages": agreement.stages.all(),
        "segments": agreement.segments.all(),
        "transitions": agreement.transitions.select_related("by"),
        "moves": moves,
        "individual": queries.agreements_visible_to(user=user).filter(typical=agreement),
        "can_edit": may_change and agreement.status == AgreementStatus.DRAFT,
    }
    if agreement.is_typical and user.has_perm(DOCUMENTS):
        context["individual_form"] = extra.pop("individual_form", None) or IndividualAgreementForm(
            initial={"valid_from": agreement.valid_from, "valid_to": agreement.valid_to},
            partners=partners_visible_to(user=user).filter(status="active"),
        )
    return {**context, **extra}


@login_required
def agreement_detail(request, agreement_id: int):
    agreement = _agreement(request, agreement_id)
    kept = form_restore(
        request,
        f"agreement-individual:{agreement.pk}",
        IndividualAgreementForm,
        partners=partners_visible_to(user=request.user).filter(status="active"),
    )
    extra = {"individual_form": kept} if kept is not None else {}
    context = _agreement_context(request, agreement, **extra)
    return render(request, "sales/agreement_detail.html", context)


@login_required
@require_POST
def agreement_transition(request, agreement_id: int):
    agreement = _agreement(request, agreement_id)
    transition_run(
        request,
        agreement,
        lambda status: services.agreement_transition(
            agreement=agreement, status=status, by=request.user
        ),
        AgreementStatus,
        _("Agreement %(number)s is %(status)s now."),
    )
    return redirect("sales:agreement_detail", agreement.pk)


@login_required
@require_POST
def agreement_individual(request, agreement_id: int):
    typical = _agreement(request, agreement_id)
    form = IndividualAgreementForm(
        request.POST, partners=partners_visible_to(user=request.user).filter(status="active")
    )
    if form.is_valid():
        data = form.cleaned_data
        overrides = {"valid_from": data["valid_from"], "valid_to": data["valid_to"]}
        if data["discount_percent"] is not None:
            overrides["discount_percent"] = data["discount_percent"]
        try:
            made = services.agreement_individual_create(
                typical=typical, partner=data["partner"], by=request.user, **overrides
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Agreement %(number)s is made.") % {"number": made.number})
            return redirect("sales:agreement_detail", made.pk)
    form_keep(request, f"agreement-individual:{typical.pk}", form)
    return redirect("sales:agreement_detail", typical.pk)


@login_required
def product_list(request):
    found = queries.products_visible_to(user=request.user)
    q = request.GET.get("q", "").strip()
    show = request.GET.get("show", "")
    if q:
        found = found.filter(name__icontains=q) | found.filter(code__icontains=q)
    if show != "archived":
        found = found.filter(is_archived=False)
    page = page_of(request, found.order_by("name", "id"))
    today = timezone.localdate()
    price_types = list(queries.price_types_visible_to(user=request.user).filter(is_archived=False))
    ids = [p.pk for p in page.object_list]
    columns = {
        price_type.pk: pricing.prices_on(price_type=price_type, product_ids=ids, on=today)
        for price_type in price_types
    }
    rows = [
        (product, [columns[pt.pk].get(product.pk) for pt in price_types])
        for product in page.object_list
    ]
    return render(
        request,
        "sales/product_list.html",
        {
            "page": page,
            "rows": rows,
            "price_types": price_types,
            "today": today,
            "filters": {"q": q, "show": show},
            "filtered": bool(q or show),
        },
    )


@login_required
def proposal_list(request):
    found, partner = listed_for_partner(request, queries.proposals_visible_to(user=request.user))
    return render(
        request,
        "sales/proposal_list.html",
        {"page": page_of(request, found), "listed_partner": partner},
    )


@login_required
def company(request):
    services.own_company()
    record = get_visible_or_404(OwnCompany, request.user, pk=1)
    may_change = request.user.has_perm("sales.change_owncompany")
    if request.method == "POST" and not may_change:
        return HttpResponseForbidden()
    initial = {field: getattr(record, field) for field in COMPANY_FIELDS}
    form = CompanyForm(request.POST or None, initial={**initial, "version": record.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.company_update(expected_version=data.pop("version"), by=request.user, **data)
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The company's requisites are saved."))
            return redirect("sales:company")
    return render(
        request,
        "sales/company.html",
        {"form": form, "may_change": may_change, "company": record},
        status=400 if form.errors else 200,
    )


@login_required
def price_types_page(request):
    """Kept for links from the catalogue: price types with their base and percentage."""
    found = visible(PriceType.objects.select_related("base"), request.user)
    return render(request, "sales/price_types.html", {"price_types": found})
