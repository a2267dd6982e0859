"""Commercial proposal pages: the card with its lines, totals and status buttons, and the
form of a new or draft proposal whose lines the service prices from the agreement. Which
proposals may be changed, and where a status may go, is the service's decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ladoga.accounts.access import get_visible_or_404
from ladoga.core.errors import DomainError
from ladoga.partners.models import Partner
from ladoga.partners.queries import partners_visible_to

from .. import queries, services
from ..forms import ProposalForm, ProposalLineFormSet
from ..models import Agreement, Proposal, ProposalStatus
from ..services._common import DOCUMENTS
from ..services.proposals import PROPOSAL_TRANSITIONS
from ._common import (
    agreements_accepted,
    form_submit,
    partner_options_page,
    partner_options_show,
    refused_redirect,
    refused_take,
    transition_run,
)


def _proposal(request, proposal_id: int) -> Proposal:
    return get_visible_or_404(
        Proposal.objects.select_related("partner", "counterparty", "agreement", "manager"),
        request.user,
        pk=proposal_id,
    )


# The status buttons: label, and the question asked first when the move is final.
MOVES = {
    ProposalStatus.SENT: (gettext_lazy("Mark as sent"), ""),
    ProposalStatus.ACCEPTED: (
        gettext_lazy("Accepted by the client"),
        gettext_lazy("Mark the proposal accepted? This cannot be undone."),
    ),
    ProposalStatus.REJECTED: (
        gettext_lazy("Rejected by the client"),
        gettext_lazy("Mark the proposal rejected? This cannot be undone."),
    ),
    ProposalStatus.DRAFT: (gettext_lazy("Back to draft"), ""),
}


def _editable(proposal: Proposal) -> bool:
    try:
        services.proposal_edit_check(proposal)
    except DomainError:
        return False
    return True


@login_required
def proposal_detail(request, proposal_id: int):
    proposal = _proposal(request, proposal_id)
    may_change = request.user.has_perm(DOCUMENTS)
    moves = [
        (status, *MOVES[status]) for status in PROPOSAL_TRANSITIONS[proposal.status] if may_change
    ]
    return render(
        request,
        "sales/proposal_detail.html",
        {
            "proposal": proposal,
            "lines": proposal.lines.select_related("product").order_by("position", "id"),
            "can_edit": may_change and _editable(proposal),
            "moves": moves,
        },
    )


@login_required
@require_POST
def proposal_transition(request, proposal_id: int):
    proposal = _proposal(request, proposal_id)
    transition_run(
        request,
        proposal,
        lambda status: services.proposal_transition(
            proposal=proposal, status=status, by=request.user
        ),
        ProposalStatus,
        _("Proposal %(number)s is %(status)s now."),
    )
    return redirect("sales:proposal_detail", proposal.pk)


@login_required
def proposal_partner_options(request):
    """The agreement select for the partner picked on the proposal form (htmx): the
    agreements offered to that partner. A partner the user may not see is 404."""
    form = ProposalForm(partners=Partner.objects.none(), agreements=Agreement.objects.none())
    return partner_options_page(request, form, "sales:proposal_partner_options")


def _line(row: dict) -> services.LineIn:
    """A line without a price: the agreement's is taken."""
    quantity = row.get("quantity")
    return services.LineIn(product=row["product"], quantity=0 if quantity is None else quantity)


@login_required
def proposal_form(request, proposal_id: int | None = None):
    user = request.user
    proposal = _proposal(request, proposal_id) if proposal_id else None
    if proposal is not None:
        try:
            services.proposal_edit_check(proposal)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("sales:proposal_detail", proposal.pk)
    products = queries.products_visible_to(user=user).filter(is_archived=False)
    lines_initial: list[dict] = []
    if proposal is not None:
        initial = {
            "version": proposal.version,
            "agreement": proposal.agreement,
            "date": proposal.date,
            "valid_until": proposal.valid_until,
            "comment": proposal.comment,
        }
        lines_initial = [
            {"product": line.product_id, "quantity": line.quantity}
            for line in proposal.lines.order_by("position", "id")
        ]
        products = products | queries.products_visible_to(user=user).filter(
            pk__in=[line["product"] for line in lines_initial]
        )
    else:
        initial = {"date": timezone.localdate()}
    key = f"proposal-form:{proposal.pk if proposal else 'new'}"
    refused = refused_take(request, key)
    data = request.POST if request.method == "POST" else getattr(refused, "data", None)
    form = ProposalForm(
        data,
        initial=initial,
        partners=partners_visible_to(user=user).filter(status="active"),
        agreements=agreements_accepted(user, proposal),
        editing=proposal is not None,
    )
    formset = ProposalLineFormSet(
        data,
        initial=lines_initial,
        prefix="lines",
        form_kwargs={"products": products.order_by("name", "id")},
    )
    if refused is not None:
        refused.show(form, formset)

    def save(data: dict, rows: list[dict]) -> Proposal:
        lines = [_line(row) for row in rows]
        head = {k: data[k] for k in ("agreement", "date", "valid_until", "comment")}
        if proposal is None:
            return services.proposal_create(partner=data["partner"], lines=lines, by=user, **head)
        return services.proposal_update(
            proposal=proposal, expected_version=data["version"], by=user, lines=lines, **head
        )

    submitted = form_submit(request, form, save, formset=formset, filled_by="product")
    if submitted.saved is not None:
        messages.success(
            request, _("Proposal %(number)s is saved.") % {"number": submitted.saved.number}
        )
        return redirect("sales:proposal_detail", submitted.saved.pk)
    if request.method == "POST" and submitted.status == 400:
        return refused_redirect(request, key, form, formset, submitted)
    partner_options_show(form, user, proposal)
    return render(
        request,
        "sales/proposal_form.html",
        {
            "form": form,
            "formset": formset,
            "line_errors": refused.row_errors if refused is not None else submitted.row_errors,
            "proposal": proposal,
            "may_change": user.has_perm(DOCUMENTS),
        },
        status=submitted.status,
    )
