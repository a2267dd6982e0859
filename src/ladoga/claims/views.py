from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.core.errors import DomainError
from ladoga.core.exports import table_response
from ladoga.core.services import attachment_add, attachments_of
from ladoga.partners.cards import partner_listed, partner_of_request
from ladoga.web.forms import form_errors_from
from ladoga.web.listing import listing_of
from ladoga.web.prg import form_keep, form_restore

from . import integrations, links, queries, services
from .forms import (
    ClaimFilterForm,
    ClaimForm,
    CommentForm,
    FileForm,
    ReasonForm,
    TaskForm,
    TransitionForm,
)
from .models import Claim, ClaimResolution, ClaimStatus
from .plan import plan_task_add, plan_task_complete

PAGE_SIZE = 50
SORTS = {
    "number": ("number", "id"),
    "date": ("date", "id"),
    "partner": ("partner__name", "-date", "-id"),
    "responsible": ("responsible__last_name", "responsible__username", "-date", "-id"),
    "status": ("status", "-date", "-id"),
}


def staff_required(permission: str | None = None):
    """Signed-in staff (portal users go to the portal), with `permission` when given."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if request.user.is_portal:
                return redirect("portal:home")
            if permission and not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _claim_or_404(request, claim_id: int) -> Claim:
    return access.get_visible_or_404(
        queries.claims_visible_to(user=request.user), request.user, pk=claim_id
    )


# --- List -----------------------------------------------------------------------------


@staff_required("claims.view_claim")
def claim_list(request):
    form = ClaimFilterForm(request.GET or None, user=request.user)
    claims = queries.claims_visible_to(user=request.user)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "status": data["status"],
            "reason": data["reason"].pk if data["reason"] else None,
            "department": data["department"].pk if data["department"] else None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
        claims = queries.claims_filter(claims, **filters)
    elif form.is_bound:  # a bad filter (an inverted period) lists nothing, with the error
        claims = claims.none()
    if request.GET.get("mine"):
        claims = claims.filter(responsible=request.user)
    partner_id, listed_partner = partner_listed(request)  # the card's "whole list" link
    if partner_id is not None:
        claims = claims.filter(partner_id=partner_id)
    export = request.GET.get("format")
    if export:
        headers = [
            _("Number"),
            _("Date"),
            _("Partner"),
            _("Essence"),
            _("Reason"),
            _("Culprit department"),
            _("Responsible"),
            _("Status"),
            _("Resolution"),
            _("Compensation"),
        ]
        rows = [
            [
                c.number,
                c.date.isoformat(),
                c.partner.name,
                c.essence,
                c.reason.name if c.reason else "",
                c.culprit_department.name if c.culprit_department else "",
                str(c.responsible or ""),
                c.get_status_display(),
                c.get_resolution_display(),
                c.compensation,
            ]
            for c in claims.iterator(chunk_size=2000)
        ]
        try:
            return table_response(
                name="claims", title=_("Claims"), headers=headers, rows=rows, fmt=export
            )
        except DomainError as error:
            messages.error(request, error.detail)
    listing = listing_of(request, claims, sorts=SORTS, default="-date", per_page=PAGE_SIZE)
    page = listing.page
    progress = integrations.plan_progress_of(c.pk for c in page.object_list)
    for claim in page.object_list:
        claim.plan_progress = progress.get(claim.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/list.html",
        {
            "form": form,
            "page": page,
            "listing": listing,
            "filtered": any(v for v in filters.values())
            or bool(request.GET.get("mine") or partner_id or form.errors),
            "query": query.urlencode(),
            "listed_partner": listed_partner,
        },
    )


# --- Create and edit ------------------------------------------------------------------


@staff_required("claims.add_claim")
def claim_create(request):
    user = request.user
    interaction = integrations.interaction_for_claim(
        interaction_id=request.POST.get("interaction") or request.GET.get("interaction"),
        user=user,
    )
    initial = {"responsible": user.pk}
    if interaction is not None:
        initial.update(
            interaction=interaction.pk,
            partner=interaction.partner_id,
            essence="\n\n".join(part for part in (interaction.title, interaction.body) if part),
        )
    elif (
        partner := partner_of_request(request, queries.partners_for_claims(user=user))
    ) is not None:
        initial["partner"] = partner.pk  # from the partner card (404: one the user may not see)
    form = ClaimForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = _order_from(data["partner"], data["order_number"])
            claim = services.claim_create(
                partner=data["partner"],
                essence=data["essence"],
                date=data["date"],
                counterparty=data["counterparty"],
                order=order,
                deal=_deal_from(data["partner"], data["deal_number"]),
                reason=data["reason"],
                culprit_department=data["culprit_department"],
                culprit_employee=data["culprit_employee"],
                responsible=data["responsible"],
                compensation=data["compensation"] or 0,
                interaction=interaction,
                by=user,
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, _("Claim %(number)s is registered.") % {"number": claim.number}
            )
            return redirect("claims:detail", claim_id=claim.pk)
    return render(
        request,
        "claims/form.html",
        {"form": form, "interaction": interaction, "claim": None},
        status=400 if form.errors else 200,
    )


def _order_from(partner, number: str):
    if not number:
        return None
    order = links.order_by_number(number, partner_id=partner.pk) if partner else None
    if order is None:
        raise DomainError.single(
            "claim_order_unknown",
            _("The partner has no order numbered %(number)s.") % {"number": number},
            "order_number",
        )
    return order


def _deal_from(partner, number: str):
    if not number:
        return None
    deal = links.deal_by_number(number, partner_id=partner.pk) if partner else None
    if deal is None:
        raise DomainError.single(
            "claim_deal_unknown",
            _("The partner has no deal numbered %(number)s.") % {"number": number},
            "deal_number",
        )
    return deal


@staff_required("claims.change_claim")
def claim_edit(request, claim_id: int):
    claim = _claim_or_404(request, claim_id)
    if claim.status == ClaimStatus.CLOSED:
        messages.error(request, _("A closed claim can no longer be changed."))
        return redirect("claims:detail", claim_id=claim.pk)
    initial = {
        "version": claim.version,
        "partner": claim.partner_id,
        "date": claim.date,
        "essence": claim.essence,
        "counterparty": claim.counterparty_id,
        "order_number": links.order_number(claim.order) if claim.order_id else "",
        "deal_number": claim.deal.number if claim.deal_id else "",
        "reason": claim.reason_id,
        "culprit_department": claim.culprit_department_id,
        "culprit_employee": claim.culprit_employee_id,
        "responsible": claim.responsible_id,
        "compensation": claim.compensation,
        "result": claim.result,
    }
    form = ClaimForm(request.POST or None, initial=initial, user=request.user, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.claim_update(
                claim=claim,
                expected_version=data["version"],
                by=request.user,
                date=data["date"] or claim.date,
                essence=data["essence"],
                counterparty=data["counterparty"],
                order=_order_from(claim.partner, data["order_number"]),
                deal=_deal_from(claim.partner, data["deal_number"]),
                reason=data["reason"],
                culprit_department=data["culprit_department"],
                culprit_employee=data["culprit_employee"],
                responsible=data["responsible"],
                compensation=data["compensation"] or 0,
                result=data["result"],
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The claim is saved."))
            return redirect("claims:detail", claim_id=claim.pk)
    return render(
        request,
        "claims/form.html",
        {"form": form, "claim": claim, "interaction": None},
        status=400 if form.errors else 200,
    )


# --- The card -------------------------------------------------------------------------


def _card(request, claim, **forms):
    user = request.user
    next_status = services.flow.NEXT_STATUS.get(claim.status)
    context = {
        "claim": claim,
        "next_status": next_status,
        "next_label": ClaimStatus(next_status).label if next_status else "",
        "resolving": next_status == ClaimStatus.RESOLVED,
        "transition_form": forms.get("transition_form")
        or TransitionForm(
            initial={
                "version": claim.version,
                "status": next_status,
                "result": claim.result,
                "compensation": claim.compensation,
            }
        ),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "file_form": forms.get("file_form") or FileForm(),
        "task_form": forms.get("task_form") or TaskForm(user=user),
        "plan": queries.claim_plan(claim=claim),
        "interactions": [
            {"record": record, "url": integrations.interaction_url(record)}
            for record in queries.claim_interactions(claim=claim, user=user)[:50]
        ],
        "files": attachments_of(claim),
        "comments": queries.claim_comments(claim=claim, user=user),
        "transitions": queries.claim_transitions(claim=claim),
        "order": claim.order if claim.order_id else None,
        "deal_url": integrations.url_or_blank("deals:detail", claim.deal_id),
        "resolutions": ClaimResolution,
        "can_change": user.has_perm("claims.change_claim") and claim.status != ClaimStatus.CLOSED,
    }
    return render(request, "claims/detail.html", context)


@staff_required("claims.view_claim")
def claim_detail(request, claim_id: int):
    """The card; a form refused on the last POST comes back with its input and errors."""
    claim = _claim_or_404(request, claim_id)
    forms = {
        "transition_form": form_restore(request, f"claim-transition:{claim.pk}", TransitionForm),
        "comment_form": form_restore(request, f"claim-comment:{claim.pk}", CommentForm),
        "file_form": form_restore(request, f"claim-file:{claim.pk}", FileForm),
        "task_form": form_restore(request, f"claim-task:{claim.pk}", TaskForm, user=request.user),
    }
    return _card(request, claim, **{name: form for name, form in forms.items() if form})


@require_POST
@staff_required("claims.change_claim")
def claim_transition(request, claim_id: int):
    claim = _claim_or_404(request, claim_id)
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.claim_transition(
                claim=claim,
                status=data["status"],
                by=request.user,
                expected_version=data["version"],
                resolution=data["resolution"] or None,
                result=data["result"] if data["status"] == ClaimStatus.RESOLVED else None,
                compensation=data["compensation"],
                comment=data["comment"],
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("The claim is %(status)s.")
                % {"status": ClaimStatus(data["status"]).label.lower()},
            )
            return redirect("claims:detail", claim_id=claim.pk)
    form_keep(request, f"claim-transition:{claim.pk}", form)
    return redirect("claims:detail", claim_id=claim.pk)


@require_POST
@staff_required("claims.add_claimcomment")
def comment_add(request, claim_id: int):
    claim = _claim_or_404(request, claim_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.claim_comment_add(
                claim=claim,
                text=form.cleaned_data["text"],
                is_public=form.cleaned_data["is_public"],
                by=request.user,
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The comment is added."))
            return redirect("claims:detail", claim_id=claim.pk)
    form_keep(request, f"claim-comment:{claim.pk}", form)
    return redirect("claims:detail", claim_id=claim.pk)


@require_POST
@staff_required("claims.change_claim")
def file_add(request, claim_id: int):
    claim = _claim_or_404(request, claim_id)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(target=claim, upload=form.cleaned_data["file"], by=request.user)
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("claims:detail", claim_id=claim.pk)
    form_keep(request, f"claim-file:{claim.pk}", form)
    return redirect("claims:detail", claim_id=claim.pk)


@require_POST
@staff_required("claims.change_claim")
def task_add(request, claim_id: int):
    claim = _claim_or_404(request, claim_id)
    form = TaskForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            plan_task_add(claim=claim, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The task is added to the plan."))
            return redirect("claims:detail", claim_id=claim.pk)
    form_keep(request, f"claim-task:{claim.pk}", form)
    return redirect("claims:detail", claim_id=claim.pk)


@require_POST
@staff_required("claims.change_claim")
def task_complete(request, claim_id: int, task_id: int):
    claim = _claim_or_404(request, claim_id)
    task = integrations.tasks_of(claim).filter(pk=task_id).first()
    if task is None:
        raise Http404
    try:
        plan_task_complete(claim=claim, task=task, by=request.user)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The task is done."))
    return redirect("claims:detail", claim_id=claim.pk)


# --- Reasons --------------------------------------------------------------------------


@staff_required("claims.view_claimreason")
def reason_list(request):
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("claims.add_claimreason"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.claim_reason_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("The reason is added."))
                return redirect("claims:reasons")
    return render(
        request,
        "claims/reasons.html",
        {
            "form": form,
            "reasons": queries.reasons_visible_to(user=request.user),
            "can_add": request.user.has_perm("claims.add_claimreason"),
        },
        status=400 if form.errors else 200,
    )


# --- Reports (C5) ---------------------------------------------------------------------
# The generic report page (analytics, `/reports/<name>/`) shows them now; the old
# addresses keep bookmarks and links working.


def _to_report(request, name: str):
    query = request.GET.urlencode()
    return redirect(reverse("analytics:report", args=[name]) + (f"?{query}" if query else ""))


def report_dynamics(request):
    return _to_report(request, "claims-dynamics")


def report_satisfaction(request):
    return _to_report(request, "claims-satisfaction")


def report_structure(request):
    return _to_report(request, "claims-structure")
