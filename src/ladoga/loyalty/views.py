"""The loyalty pages: cards (list, lookup, card, printable card), issuing, card kinds."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.core.errors import DomainError
from ladoga.core.exports import Column, export_response
from ladoga.partners.models import ContactPerson, Partner, PartnerStatus
from ladoga.web.forms import form_errors_from

from . import queries, services
from .barcodes import ean13_svg
from .forms import CardFilterForm, IssueForm, KindForm, LookupForm, ReasonForm
from .models import CheckDigit

PAGE_SIZE = 50
HOLDER_SEARCH_LIMIT = 20

# Titles translated when the export is written, in its language, not once at import.
EXPORT_COLUMNS = [
    Column(gettext_lazy("Number"), "number"),
    Column(gettext_lazy("Kind"), "kind.name"),
    Column(gettext_lazy("Holder"), "holder_name"),
    Column(gettext_lazy("Partner"), "partner.name"),
    Column(gettext_lazy("Issued on"), "issued_on"),
    Column(gettext_lazy("Valid to"), "valid_to"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(
        gettext_lazy("Discount, %"),
        lambda card: card.percent if card.kind.is_accumulative else card.kind.percent,
    ),
]


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


def _card_or_404(request, card_id: int):
    return access.get_visible_or_404(
        queries.cards_visible_to(user=request.user), request.user, pk=card_id
    )


@staff_required()
def card_list(request):
    kinds = queries.card_kinds_visible_to(user=request.user)
    form = CardFilterForm(request.GET or None, kinds=kinds)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "kind_id": data["kind"].pk if data["kind"] else None,
            "status": data["status"],
        }
    cards = queries.cards_search(user=request.user, **filters)
    if request.GET.get("format"):
        try:
            return export_response(
                request,
                rows=cards,
                columns=EXPORT_COLUMNS,
                filename="loyalty-cards",
                title=_("Loyalty cards"),
            )
        except DomainError as error:
            messages.error(request, error.detail)
    page = Paginator(cards, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "loyalty/card_list.html",
        {
            "form": form,
            "lookup": LookupForm(),
            "page": page,
            "filtered": any(filters.values()),
            "query": query.urlencode(),
        },
    )


@staff_required()
def card_lookup(request):
    """A scanner types the number and Enter: the card's page, or the form saying so."""
    form = LookupForm(request.GET or None)
    if form.is_valid():
        card = queries.card_lookup(form.cleaned_data["number"], request.user)
        if card is not None:
            return redirect("loyalty:card", card.pk)
        form.add_error("number", _("No card with this number that you can see."))
    return render(request, "loyalty/lookup.html", {"lookup": form}, status=200)


@staff_required()
def card_detail(request, card_id: int):
    card = _card_or_404(request, card_id)
    return render(
        request,
        "loyalty/card_detail.html",
        {
            "card": card,
            "percent": card.percent if card.kind.is_accumulative else card.kind.percent,
            "replaces": queries.cards_visible_to(user=request.user).filter(replaced_by=card),
            "reason_form": ReasonForm(),
        },
    )


@staff_required()
def card_print(request, card_id: int):
    card = _card_or_404(request, card_id)
    barcode = ean13_svg(card.number) if card.kind.check_digit == CheckDigit.EAN13 else None
    return render(request, "loyalty/card_print.html", {"card": card, "barcode": barcode})


@require_POST
@staff_required(services.ISSUE_CARDS)
def card_block(request, card_id: int):
    card = _card_or_404(request, card_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.card_block(card=card, reason=form.cleaned_data.get("reason", ""), by=request.user)
        messages.success(request, _("Card %(number)s is blocked.") % {"number": card.number})
    except DomainError as error:
        messages.error(request, error.detail)
    return redirect("loyalty:card", card.pk)


@require_POST
@staff_required(services.ISSUE_CARDS)
def card_replace(request, card_id: int):
    card = _card_or_404(request, card_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        new = services.card_replace(
            card=card, reason=form.cleaned_data.get("reason", ""), by=request.user
        )
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("loyalty:card", card.pk)
    messages.success(
        request,
        _("Card %(old)s is replaced by %(new)s.") % {"old": card.number, "new": new.number},
    )
    return redirect("loyalty:card", new.pk)


def _holders(user):
    partners = access.visible(Partner, user).filter(status=PartnerStatus.ACTIVE)
    return partners, access.visible(ContactPerson, user)


@staff_required(services.ISSUE_CARDS)
def card_issue(request):
    partners, contacts = _holders(request.user)
    kinds = queries.card_kinds_visible_to(user=request.user).filter(status="active")
    initial = {}
    if request.GET.get("partner", "").isdigit():
        initial["partner"] = request.GET["partner"]
    form = IssueForm(
        request.POST or None, initial=initial, kinds=kinds, partners=partners, contacts=contacts
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            card = services.card_issue(
                kind=data["kind"],
                partner=data["partner"],
                contact=data["contact"],
                number=data["number"] or None,
                issued_on=data["issued_on"],
                valid_to=data["valid_to"],
                by=request.user,
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Card %(number)s is issued.") % {"number": card.number})
            return redirect("loyalty:card", card.pk)
    picked = None
    value = form["partner"].value()
    if str(value or "").isdigit():
        picked = partners.filter(pk=int(value)).first()
    return render(request, "loyalty/card_issue.html", {"form": form, "picked": picked})


@staff_required()
def holder_search(request):
    """The holder picker (htmx): the active partners the user may see whose name matches,
    each with its contact persons, as radio buttons of the issue form."""
    q = request.GET.get("q", "").strip()[:100]
    found = []
    if len(q) >= 2:
        from ladoga.core.text import text_contains_q

        partners, _contacts = _holders(request.user)
        found = list(
            partners.filter(text_contains_q(("name",), q))
            .prefetch_related("contacts")
            .order_by("name", "id")[: HOLDER_SEARCH_LIMIT + 1]
        )
    return render(
        request,
        "loyalty/_holder_results.html",
        {"found": found[:HOLDER_SEARCH_LIMIT], "more": len(found) > HOLDER_SEARCH_LIMIT, "q": q},
    )


@staff_required()
def kind_list(request):
    kinds = queries.card_kinds_visible_to(user=request.user).prefetch_related("thresholds")
    return render(request, "loyalty/kind_list.html", {"kinds": kinds})


@staff_required(services.MANAGE_KINDS)
def kind_edit(request, kind_id: int | None = None):
    kind = None
    if kind_id is not None:
        kind = access.get_visible_or_404(
            queries.card_kinds_visible_to(user=request.user), request.user, pk=kind_id
        )
    initial = {}
    if kind is not None:
        initial = {field: getattr(kind, field) for field in services.KIND_FIELDS - {"thresholds"}}
        initial["version"] = kind.version
        initial["thresholds"] = "\n".join(f"{t.amount}: {t.percent}" for t in kind.thresholds.all())
    form = KindForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            if kind is None:
                kind = services.card_kind_create(by=request.user, **data)
            else:
                kind = services.card_kind_update(
                    kind=kind, expected_version=version, by=request.user, **data
                )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Card kind %(name)s is saved.") % {"name": kind.name})
            return redirect("loyalty:kinds")
    return render(request, "loyalty/kind_form.html", {"form": form, "kind": kind})
