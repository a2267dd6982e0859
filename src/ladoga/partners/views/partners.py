"""Partner pages: the list (with export), the card with its tabs, create, edit, archive."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ladoga.accounts.queries import colleagues_visible_to
from ladoga.core.errors import DomainError
from ladoga.core.exports import Column, export_response
from ladoga.web.forms import form_errors_from
from ladoga.web.listing import listing_of

from .. import queries, services
from ..cards import partner_card_actions, partner_card_tabs
from ..classes import class_of
from ..errors import DuplicatesFound
from ..forms import PartnerEntryForm, PartnerForm
from ..models import (
    BankAccount,
    ContactInfo,
    Counterparty,
    PartnerKind,
    PartnerRole,
    PartnerStatus,
    PropertyAppliesTo,
)
from ..models.counterparty import FLAGGED_REGISTRY_STATUSES
from ._common import int_or_none, local_time, partner_or_404, require

SORTS = {
    "name": ("name", "id"),
    "created": ("created_at", "id"),
    "manager": ("manager__last_name", "manager__username", "name", "id"),
}
TABS = [
    ("requisites", gettext_lazy("Requisites")),
    ("contacts", gettext_lazy("Contact persons")),
    ("contact-info", gettext_lazy("Contact information")),
    ("relations", gettext_lazy("Relations")),
    ("properties", gettext_lazy("Properties")),
    ("history", gettext_lazy("History")),
]


def _list_prefetch(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "counterparties",
            queryset=Counterparty.objects.filter(status=PartnerStatus.ACTIVE).only(
                "id", "partner_id", "inn", "kpp", "registry_status"
            ),
            to_attr="active_counterparties",
        ),
        # The partners' own contact information (the template and the export pick the
        # kinds). Written so that SQLite, which keeps no statistics, looks the rows up by
        # partner: a `counterparty_id IS NULL` or `kind IN (…)` term would send it down an
        # index that matches most of the table (a second instead of a millisecond).
        Prefetch(
            "contact_info",
            queryset=ContactInfo.objects.alias(owner=Coalesce("counterparty", "contact"))
            .filter(owner=None)
            .only("id", "partner_id", "kind", "value", "is_primary"),
            to_attr="channels",
        ),
    )


def _values_of(partner, kind: str) -> list[str]:
    return [i.value for i in partner.channels if i.kind == kind]


EXPORT_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Name"), "name"),
    Column(gettext_lazy("Kind"), "get_kind_display"),
    Column(
        gettext_lazy("Roles"),
        lambda p: [str(PartnerRole(r).label) for r in p.roles],
    ),
    Column(gettext_lazy("INN"), lambda p: [c.inn for c in p.active_counterparties if c.inn]),
    Column(gettext_lazy("Phone"), lambda p: _values_of(p, "phone")),
    Column(gettext_lazy("E-mail"), lambda p: _values_of(p, "email")),
    Column(gettext_lazy("Responsible manager"), lambda p: p.manager and str(p.manager)),
    Column(gettext_lazy("Group"), "group"),
    Column(gettext_lazy("Segments"), lambda p: [s.name for s in p.segments.all()]),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Created"), "created_at"),
]


def _filters(request) -> dict:
    params = request.GET
    role = params.get("role", "")
    status = params.get("status", PartnerStatus.ACTIVE)
    return {
        "q": params.get("q", "").strip()[:200],
        "role": role if role in PartnerRole.values else "",
        "segment": int_or_none(params.get("segment")),
        "manager": request.user.pk
        if params.get("manager") == "me"
        else int_or_none(params.get("manager")),
        "status": status if status in PartnerStatus.values else "",
        "group": int_or_none(params.get("group")),
    }


def _property_specs(request) -> list[str]:
    specs = [s for s in request.GET.getlist("property") if s]
    prop, value = int_or_none(request.GET.get("prop")), request.GET.get("prop_value", "").strip()
    if prop and value:
        specs.append(f"{prop}:{value}")
    return specs


@login_required
@local_time
def partner_list(request):
    filters = _filters(request)
    specs = _property_specs(request)
    found = queries.partners_visible_to(user=request.user)
    error = None
    try:
        found = queries.partners_filter(found, properties=specs, **filters)
    except DomainError as problem:
        error, found = problem.detail, found.none()
    listing = listing_of(request, _list_prefetch(found), sorts=SORTS, default="name")
    found = listing.page.paginator.object_list
    if request.GET.get("format"):
        try:
            return export_response(
                request,
                rows=found.prefetch_related("segments"),
                columns=EXPORT_COLUMNS,
                filename="partners",
                title=_("Partners"),
            )
        except DomainError as problem:
            error = problem.detail
    query = request.GET.copy()
    query.pop("page", None)
    export_query = query.copy()
    export_query.pop("format", None)
    filtered = any(v for k, v in filters.items() if k != "status") or bool(specs)
    return render(
        request,
        "partners/list.html",
        {
            "page": listing.page,
            "listing": listing,
            "filters": filters,
            "manager_param": request.GET.get("manager", ""),
            "status_param": request.GET.get("status", PartnerStatus.ACTIVE),
            "prop": int_or_none(request.GET.get("prop")),
            "prop_value": request.GET.get("prop_value", ""),
            "sort": listing.sort,
            "sorts": [
                ("name", _("Name A–Z")),
                ("-name", _("Name Z–A")),
                ("-created", _("Newest first")),
                ("created", _("Oldest first")),
                ("manager", _("Manager")),
            ],
            "query": query.urlencode(),
            "export_query": export_query.urlencode(),
            "filtered": filtered,
            "error": error,
            "roles": PartnerRole.choices,
            "statuses": PartnerStatus.choices,
            "segments": queries.segments_all(),
            "groups": queries.groups_all(),
            "managers": colleagues_visible_to(user=request.user).order_by(
                "last_name", "first_name"
            ),
            "properties": queries.property_definitions_all().filter(
                applies_to=PropertyAppliesTo.PARTNER
            ),
        },
        status=400 if error else 200,
    )


def _tab_context(request, partner, tab: str) -> dict:
    """What one tab of the card shows, read in a fixed number of queries."""
    if tab == "requisites":
        counterparties = list(
            partner.counterparties.order_by("status", "short_name", "id").prefetch_related(
                Prefetch("bank_accounts", queryset=BankAccount.objects.order_by("-is_primary"))
            )
        )
        return {"counterparties": counterparties}
    if tab == "contacts":
        contacts = partner.contacts.order_by("status", "last_name", "first_name", "id")
        # All their contact information (the template shows phones and e-mails): a
        # `kind IN (…)` term would lead SQLite to the (kind, key) index, a scan of most of
        # the table, instead of looking the rows up by contact.
        return {
            "contacts": contacts.prefetch_related(
                Prefetch("contact_info", queryset=ContactInfo.objects.all(), to_attr="channels")
            )
        }
    if tab == "relations":
        from .relations import relation_context

        return relation_context(request, partner)
    if tab == "properties":
        from .records import properties_context

        return properties_context(partner, PropertyAppliesTo.PARTNER)
    return {}


@login_required
@local_time
def partner_detail(request, pk: int):
    partner = partner_or_404(request, pk, queries.partner_detail_queryset(user=request.user))
    # The later domains' tabs, each with the count of the records the user may see there.
    extra_tabs = partner_card_tabs(partner, request.user)
    keys = [key for key, _title in TABS] + [tab.key for tab in extra_tabs]
    tab = request.GET.get("tab", "requisites")
    if tab not in keys:
        raise Http404
    flagged = list(
        partner.counterparties.filter(
            status=PartnerStatus.ACTIVE, registry_status__in=FLAGGED_REGISTRY_STATUSES
        ).only("id", "partner_id", "short_name", "registry_status")  # partner_id: no query each
    )
    context = {
        "partner": partner,
        "tab": tab,
        "tabs": TABS,
        "extra_tabs": extra_tabs,
        "actions": partner_card_actions(partner, request.user) if not partner.is_archived else [],
        "flagged": flagged,
        "client_class": class_of(partner.pk),
        "can_change": request.user.has_perm("partners.change_partner"),
        **_tab_context(request, partner, tab),
    }
    return render(request, "partners/detail.html", context)


def _partner_form_initial(partner) -> dict:
    return {
        "version": partner.version,
        "name": partner.name,
        "kind": partner.kind,
        "roles": partner.roles,
        "is_potential_client": partner.is_potential_client,
        "manager": partner.manager_id,
        "group": partner.group_id,
        "segments": [s.pk for s in partner.segments.all()],
        "comment": partner.comment,
    }


def _partner_fields(data: dict, user) -> dict:
    data = dict(data)
    data.pop("version", None)
    data["roles"] = data.get("roles") or []
    data["manager"] = data.get("manager") or user
    data["segments"] = list(data.get("segments") or [])
    return data


# Where quick create's fields are in partner_quick_create's errors.
QUICK_ERROR_FIELDS = {"counterparty": "inn", "contact_info": "phone"}


def _quick_errors(form, error: DomainError) -> None:
    for violation in error.violations:
        head, _dot, rest = (violation.field or "").partition(".")
        field = rest if head == "partner" else QUICK_ERROR_FIELDS.get(head)
        form.add_error(field if field in form.fields else None, str(violation.message))


@login_required
def partner_create(request):
    """Quick create: the partner and, optionally, its INN and phone. The same duplicate
    check as the wizard's and the import's runs (live while typing, and on saving): the
    suspects are shown, each a link to its card, until the user creates anyway."""
    require(request, "partners.add_partner")
    form = PartnerEntryForm(
        request.POST or None,
        user=request.user,
        initial={"kind": PartnerKind.COMPANY, "roles": [PartnerRole.CLIENT]},
    )
    suspects, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_quick_create(
                partner=_partner_fields(form.partner_fields(), request.user),
                inn=form.cleaned_data["inn"],
                phone=form.cleaned_data["phone"],
                confirm_duplicates=form.cleaned_data["confirm_duplicates"],
                by=request.user,
            )
        except DuplicatesFound as found:
            suspects = queries.duplicate_suspects_of(user=request.user, candidates=found.candidates)
            status = 409
        except DomainError as error:
            _quick_errors(form, error)
        else:
            messages.success(request, _("Partner %(name)s is created.") % {"name": partner.name})
            return redirect("partners:detail", pk=partner.pk)
    return render(
        request,
        "partners/partner_form.html",
        {"form": form, "partner": None, "suspects": suspects},
        status=400 if form.errors else status,
    )


@login_required
def duplicate_check(request):
    """htmx: the partners that look like the one being typed (?name=&inn=&phone=), only
    those the user may open named, each a link to its card."""
    require(request, "partners.add_partner")
    suspects = queries.duplicate_suspects(
        user=request.user,
        name=request.GET.get("name", "")[:255],
        inn=request.GET.get("inn", "")[:20],
        phone=request.GET.get("phone", "")[:50],
    )
    return render(request, "partners/_duplicate_suspects.html", {"suspects": suspects})


@login_required
def partner_edit(request, pk: int):
    require(request, "partners.change_partner")
    partner = partner_or_404(request, pk)
    form = PartnerForm(
        request.POST or None, user=request.user, initial=_partner_form_initial(partner)
    )
    if request.method == "POST" and form.is_valid():
        data = _partner_fields(form.cleaned_data, request.user)
        try:
            services.partner_update(
                partner=partner,
                expected_version=form.cleaned_data.get("version"),
                by=request.user,
                **data,
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The partner is saved."))
            return redirect("partners:detail", pk=partner.pk)
    return render(
        request,
        "partners/partner_form.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


@login_required
def partner_archive(request, pk: int):
    """GET asks for confirmation; POST archives."""
    require(request, "partners.change_partner")
    partner = partner_or_404(request, pk)
    if request.method == "POST":
        try:
            services.partner_archive(
                partner=partner,
                expected_version=int_or_none(request.POST.get("version")),
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Partner %(name)s is archived.") % {"name": partner.name})
        return redirect("partners:detail", pk=partner.pk)
    return render(request, "partners/archive_confirm.html", {"partner": partner})


@login_required
@require_POST
def partner_restore(request, pk: int):
    require(request, "partners.change_partner")
    partner = partner_or_404(request, pk)
    try:
        services.partner_restore(partner=partner, by=request.user)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Partner %(name)s is active again.") % {"name": partner.name})
    return redirect(reverse("partners:detail", args=[partner.pk]))
