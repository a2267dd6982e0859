"""The deal pages: the list, the card with its tabs, the form, and the actions the card
offers (move, win, lose, reopen, probability, environment, tasks, files, documents)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.core.errors import DomainError
from ladoga.core.exports import Column, export_response
from ladoga.core.services import attachment_add
from ladoga.interactions.queries import interactions_visible_to
from ladoga.partners.cards import partner_listed, partner_of_request
from ladoga.sales.services import LineIn
from ladoga.web.forms import form_errors_from
from ladoga.web.listing import listing_of

from .. import charts, queries, services
from ..forms import (
    DealFilterForm,
    DealForm,
    FileForm,
    LineForm,
    LoseForm,
    PartyForm,
    ProbabilityForm,
    TaskForm,
)
from ..models import DealParty, Stage
from ..services._common import is_head
from ._common import deal_or_404, error_messages, staff_required, version_of

PAGE_SIZE = 50
SORTS = {
    "name": ("name", "id"),
    "partner": ("partner__name", "id"),
    "amount": ("amount", "id"),
    "probability": ("probability", "id"),
    "close": ("expected_close_date", "id"),
    "manager": ("manager__last_name", "manager__username", "id"),
    "opened": ("opened_on", "id"),
}
LIST_COLUMNS = [
    Column(gettext_lazy("Number"), "number"),
    Column(gettext_lazy("Name"), "name"),
    Column(gettext_lazy("Client"), "partner.name"),
    Column(gettext_lazy("Deal kind"), "kind.name"),
    Column(gettext_lazy("Stage"), lambda deal: deal.stage.name if deal.stage_id else ""),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Amount"), "amount"),
    Column(gettext_lazy("Currency"), "currency"),
    Column(gettext_lazy("Probability, %"), "probability"),
    Column(gettext_lazy("Expected close date"), "expected_close_date"),
    Column(gettext_lazy("Manager"), lambda deal: str(deal.manager)),
]


@staff_required("deals.view_deal")
def deal_list(request):
    form = DealFilterForm(request.GET or None, user=request.user)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "kind": data["kind"].pk if data["kind"] else None,
            "status": data["status"],
            "manager": data["manager"].pk if data["manager"] else None,
        }
    # The partner card's "whole list" link narrows the list to its partner.
    filters["partner"], listed_partner = partner_listed(request)
    deals = queries.deals_filter(user=request.user, **filters)
    if request.GET.get("format"):
        return export_response(
            request, rows=deals, columns=LIST_COLUMNS, filename="deals", title=_("Deals")
        )
    listing = listing_of(request, deals, sorts=SORTS, default="-opened", per_page=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deals/list.html",
        {
            "form": form,
            "page": listing.page,
            "listing": listing,
            "filtered": any(filters.values()),
            "query": query.urlencode(),
            "listed_partner": listed_partner,
        },
    )


def _deal_args(data) -> dict:
    return {
        "name": data["name"],
        "manager": data["manager"],
        "contacts": list(data["contacts"]),
        "amount": data["amount"],
        "currency": (data["currency"] or "RUB").upper(),
        "expected_close_date": data["expected_close_date"],
        "agreement": data["agreement"],
        "source": data["source"] or "",
        "description": data["description"],
    }


@staff_required("deals.add_deal")
def deal_create(request):
    """A new deal; `?interaction=<id>` makes it "based on" that interaction (I3)."""
    interaction = None
    source_id = request.POST.get("interaction") or request.GET.get("interaction")
    if source_id and str(source_id).isdigit():
        interaction = interactions_visible_to(user=request.user).filter(pk=int(source_id)).first()
    initial = {"manager": request.user, "currency": "RUB"}
    if interaction is not None:
        initial |= {
            "name": interaction.title,
            "partner": interaction.partner_id,
            "interaction": interaction.pk,
            "source": "interaction",
        }
    # From the partner card: that partner (404 for one the user may not see).
    if (client := partner_of_request(request)) is not None:
        initial["partner"] = client.pk
    form = DealForm(
        request.POST or None,
        user=request.user,
        initial=initial,
        partner=interaction.partner if interaction else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        args = _deal_args(data)
        args["manager"] = args["manager"] or request.user
        try:
            deal = services.deal_create(
                partner=data["partner"],
                kind=data["kind"],
                interaction=interaction,
                by=request.user,
                **args,
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Deal %(number)s opened.") % {"number": deal.number})
            return redirect("deals:detail", deal.pk)
    return render(
        request,
        "deals/form.html",
        {"form": form, "deal": None, "interaction": interaction},
    )


@staff_required("deals.change_deal")
def deal_edit(request, pk: int):
    deal = deal_or_404(request, pk)
    initial = {
        "version": deal.version,
        "name": deal.name,
        "partner": deal.partner_id,
        "kind": deal.kind_id,
        "manager": deal.manager_id,
        "contacts": [c.pk for c in deal.contacts.all()],
        "amount": deal.amount,
        "currency": deal.currency,
        "expected_close_date": deal.expected_close_date,
        "agreement": deal.agreement_id,
        "source": deal.source,
        "description": deal.description,
    }
    form = DealForm(request.POST or None, user=request.user, deal=deal, initial=initial)
    if request.method == "POST" and form.is_valid():
        args = _deal_args(form.cleaned_data)
        args["manager"] = args["manager"] or deal.manager
        try:
            services.deal_update(
                deal=deal, expected_version=form.cleaned_data["version"], by=request.user, **args
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Deal saved."))
            return redirect("deals:detail", deal.pk)
    return render(request, "deals/form.html", {"form": form, "deal": deal})


@staff_required("deals.view_deal")
def deal_detail(request, pk: int):
    deal = deal_or_404(request, pk)
    stages = list(deal.kind.stages.all())
    tab = request.GET.get("tab", "overview")
    context = {
        "deal": deal,
        "tab": tab,
        "stages": stages,
        "lose_form": LoseForm(user=request.user, initial={"version": deal.version}),
        "probability_form": ProbabilityForm(
            initial={"version": deal.version, "probability": deal.probability_override}
        ),
        "tasks": queries.tasks_of_deal(deal, user=request.user),
        "task_form": TaskForm(user=request.user),
        "documents": queries.documents_of(deal, user=request.user),
        "file_form": FileForm(),
        "line_form": LineForm(user=request.user),
        "time_in_stages": queries.time_in_stages(deal),
        "can_reopen": is_head(request.user),
        "links": list(deal.kind.links.all()),
    }
    if tab == "environment":
        nodes, edges = queries.environment_of(deal, user=request.user)
        context |= {
            "parties": queries.parties_of(deal, user=request.user),
            "party_form": PartyForm(user=request.user, deal=deal),
            "graph": charts.environment_graph(nodes, edges),
        }
    if tab == "history":
        context["history"] = queries.history_of(deal)
    # The moves the guards allow now, the next one first; the others with the reason.
    context["moves"] = queries.deal_moves_available(deal, user=request.user)
    return render(request, "deals/detail.html", context)


def _after_action(request, deal, fallback_tab: str = ""):
    target = request.POST.get("next", "")
    if target.startswith("/deals/") and "//" not in target:
        return redirect(target)
    url = f"/deals/{deal.pk}/" + (f"?tab={fallback_tab}" if fallback_tab else "")
    return redirect(url)


def _board_card(request, pk: int):
    deal = deal_or_404(request, pk)
    return render(
        request,
        "deals/_card.html",
        {
            "deal": deal,
            "moved": True,
            "deals_root": reverse("deals:list"),
            "next_stages": queries.board_next_stages(list(deal.kind.stages.all())),
        },
    )


def _refused(request, deal, stage, error: DomainError):
    """The board's answer to a refused move: the unmet guards, shown in the board's message
    area instead of the card (the card goes back to its column). A 200 with HX-Retarget,
    not a 4xx, so the browser does not report a failed request."""
    response = render(
        request, "deals/_move_refused.html", {"deal": deal, "stage": stage, "error": error}
    )
    response["HX-Retarget"] = "[data-board-messages]"
    response["HX-Reswap"] = "innerHTML"
    response["HX-Trigger"] = "deal-move-refused"
    return response


@require_POST
@staff_required("deals.change_deal")
def deal_move(request, pk: int):
    """Move from the card's form, or from the board (htmx): a refused move answers 422
    with the unmet guards, and the board puts the card back."""
    deal = deal_or_404(request, pk)
    stage_id = request.POST.get("stage", "")
    stage = Stage.objects.filter(pk=int(stage_id)).first() if stage_id.isdigit() else None
    if stage is None:
        raise Http404
    try:
        deal = services.deal_move(
            deal=deal, stage=stage, by=request.user, expected_version=version_of(request)
        )
    except DomainError as error:
        if request.htmx:
            return _refused(request, deal, stage, error)
        error_messages(request, error)
        return _after_action(request, deal)
    if request.htmx:
        return _board_card(request, pk)
    if deal.is_closed:  # the won stage: moving there wins the deal
        messages.success(request, _("The deal is won."))
    else:
        messages.success(request, _("The deal moved to %(stage)s.") % {"stage": deal.stage.name})
    return _after_action(request, deal)


@require_POST
@staff_required("deals.change_deal")
def deal_win(request, pk: int):
    deal = deal_or_404(request, pk)
    try:
        services.deal_win(deal=deal, by=request.user, expected_version=version_of(request))
    except DomainError as error:
        if request.htmx:
            won = next((s for s in deal.kind.stages.all() if s.outcome == "won"), None)
            return _refused(request, deal, won or deal.stage, error)
        error_messages(request, error)
    else:
        if request.htmx:
            return _board_card(request, pk)
        messages.success(request, _("The deal is won."))
    return _after_action(request, deal)


@require_POST
@staff_required("deals.change_deal")
def deal_lose(request, pk: int):
    deal = deal_or_404(request, pk)
    form = LoseForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.deal_lose(
                deal=deal,
                reason=form.cleaned_data["reason"],
                competitor=form.cleaned_data["competitor"],
                comment=form.cleaned_data["comment"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The deal is closed as lost."))
    else:
        messages.error(request, _("Choose the reason from the list."))
    return _after_action(request, deal)


@require_POST
@staff_required("deals.view_deal")
def deal_reopen(request, pk: int):
    deal = deal_or_404(request, pk)
    try:
        services.deal_reopen(
            deal=deal,
            by=request.user,
            expected_version=version_of(request),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The deal is open again."))
    return _after_action(request, deal)


@require_POST
@staff_required("deals.change_deal")
def deal_probability(request, pk: int):
    deal = deal_or_404(request, pk)
    form = ProbabilityForm(request.POST)
    if form.is_valid():
        try:
            services.deal_update(
                deal=deal,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                probability_override=form.cleaned_data["probability"],
            )
        except DomainError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Probability saved."))
    else:
        messages.error(request, _("A probability is a whole number of per cent from 0 to 100."))
    return _after_action(request, deal)


@require_POST
@staff_required("deals.change_deal")
def party_add(request, pk: int):
    deal = deal_or_404(request, pk)
    form = PartyForm(request.POST, user=request.user, deal=deal)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.deal_party_add(
                deal=deal,
                role=data["role"],
                partner=data["partner"],
                contact=data["contact"],
                comment=data["comment"],
                by=request.user,
            )
        except DomainError as error:
            error_messages(request, error)
    else:
        messages.error(request, _("Choose a role and a partner or contact person."))
    return _after_action(request, deal, "environment")


@require_POST
@staff_required("deals.change_deal")
def party_remove(request, pk: int, party_id: int):
    deal = deal_or_404(request, pk)
    party = access.get_visible_or_404(
        DealParty.objects.filter(deal=deal), request.user, pk=party_id
    )
    try:
        services.deal_party_remove(party=party, by=request.user)
    except DomainError as error:
        error_messages(request, error)
    return _after_action(request, deal, "environment")


@require_POST
@staff_required("deals.change_deal")
def task_add(request, pk: int):
    deal = deal_or_404(request, pk)
    form = TaskForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.deal_task_create(
                deal=deal,
                title=data["title"],
                assignee=data["assignee"],
                due_date=data["due_date"],
                required=data["required"],
                by=request.user,
            )
        except DomainError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Task added to the work plan."))
    else:
        messages.error(request, _("Give the task a title."))
    return _after_action(request, deal, "tasks")


@require_POST
@staff_required("deals.change_deal")
def file_upload(request, pk: int):
    deal = deal_or_404(request, pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(target=deal, upload=form.cleaned_data["file"], by=request.user)
        except DomainError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("File attached."))
    return _after_action(request, deal, "documents")


@require_POST
@staff_required("deals.change_deal")
def document_create(request, pk: int, what: str):
    """ "Create based on" the deal (D6): a customer order, a proposal or a supplier order."""
    deal = deal_or_404(request, pk)
    try:
        if what == "order":
            order = services.deal_order_create(deal=deal, by=request.user)
            messages.success(request, _("Order %(number)s made.") % {"number": order.number})
            return redirect("sales:order_edit", order.pk)
        form = LineForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Choose a product and a quantity."))
            return _after_action(request, deal, "documents")
        data = form.cleaned_data
        line = LineIn(product=data["product"], quantity=data["quantity"], price=data["price"])
        if what == "proposal":
            made = services.deal_proposal_create(deal=deal, lines=[line], by=request.user)
        elif what == "supplier_order" and data["supplier"] is not None:
            made = services.deal_supplier_order_create(
                deal=deal, supplier=data["supplier"], lines=[line], by=request.user
            )
        else:
            messages.error(request, _("Choose the supplier."))
            return _after_action(request, deal, "documents")
        messages.success(request, _("%(number)s made.") % {"number": made.number})
    except DomainError as error:
        error_messages(request, error)
    return _after_action(request, deal, "documents")
