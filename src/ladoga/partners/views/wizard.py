"""The registration wizard (P8): partner → counterparty (with registry auto-fill) → contact
persons → contact information → bank account → properties → review.

What is typed is kept in the session between steps; each step checks its own fields with
the services' pure checks (so mistakes show where they are made), and the review saves
everything at once through `services.partner_register` — all or nothing, after showing the
partners that look like duplicates.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from ladoga.accounts.queries import colleagues_visible_to
from ladoga.core.errors import DomainError, ValidationFailed
from ladoga.web.forms import form_errors_from

from .. import queries, services
from ..duplicates import duplicates_find
from ..errors import DuplicatesFound
from ..forms import (
    ContactInfoFormSet,
    PartnerEntryForm,
    PropertiesForm,
    WizardBankAccountForm,
    WizardConfirmForm,
    WizardContactFormSet,
    WizardCounterpartyForm,
    contact_info_items,
)
from ..models import (
    ContactInfoKind,
    CounterpartyKind,
    PartnerGroup,
    PartnerKind,
    PartnerRole,
    PropertyAppliesTo,
    Segment,
)
from ..models.counterparty import FLAGGED_REGISTRY_STATUSES, RegistryStatus
from ..registry import registry_lookup
from ._common import registry_configured, registry_refusal_for, require

SESSION_KEY = "partners_wizard"
STEPS = [
    ("partner", gettext_lazy("Partner")),
    ("counterparty", gettext_lazy("Counterparty")),
    ("contacts", gettext_lazy("Contact persons")),
    ("contact-info", gettext_lazy("Contact information")),
    ("bank-account", gettext_lazy("Bank account")),
    ("properties", gettext_lazy("Properties")),
    ("review", pgettext_lazy("registration wizard step", "Review")),
]
KEYS = [key for key, _title in STEPS]
# Where an error of partner_register ("contacts.1.contact_info.0.value") is fixed.
ERROR_STEPS = {
    "partner": "partner",
    "counterparty": "counterparty",
    "contacts": "contacts",
    "contact_info": "contact-info",
    "bank_account": "bank-account",
    "properties": "properties",
}


def _state(request) -> dict:
    return request.session.get(SESSION_KEY) or {"reached": 0}


def _save(request, state: dict) -> None:
    request.session[SESSION_KEY] = state
    request.session.modified = True


def _url(step: str) -> str:
    return reverse("partners:wizard", args=[step])


def _definitions():
    return queries.property_definitions_all().filter(applies_to=PropertyAppliesTo.PARTNER)


# ---- forms of each step, bound to the POST or filled from the session ----


def _partner_form(request, state):
    initial = state.get("partner") or {
        "kind": PartnerKind.COMPANY,
        "roles": [PartnerRole.CLIENT],
    }
    initial = {**initial, **(state.get("evidence") or {})}
    return PartnerEntryForm(request.POST or None, user=request.user, initial=initial)


def _forms(request, step: str, state: dict):
    data = request.POST if request.method == "POST" else None
    if step == "partner":
        return _partner_form(request, state)
    evidence = state.get("evidence") or {}
    if step == "counterparty":
        initial = state.get("counterparty") or {
            "short_name": state.get("partner", {}).get("name", ""),
            "country": "RU",
            "inn": evidence.get("inn", ""),
            "kind": services.quick_counterparty_kind(
                partner_kind=state.get("partner", {}).get("kind", ""),
                inn=evidence.get("inn", ""),
            ),
        }
        return WizardCounterpartyForm(data, initial=initial)
    if step == "contacts":
        rows = state.get("contacts") or [{}]
        return WizardContactFormSet(data, initial=rows, prefix="contacts")
    if step == "contact-info":
        rows = state.get("contact_info") or [
            {"kind": ContactInfoKind.PHONE, "value": evidence.get("phone", "")},
            {"kind": ContactInfoKind.EMAIL},
        ]
        return ContactInfoFormSet(data, initial=rows, prefix="info")
    if step == "bank-account":
        return WizardBankAccountForm(data, initial=state.get("bank_account") or {})
    if step == "properties":
        values = {int(k): v for k, v in (state.get("properties") or {}).items()}
        return PropertiesForm(data, definitions=_definitions(), values=values)
    return WizardConfirmForm(data)


# ---- each step's own checks; they return the data to keep, or None ----


def _check_partner(form) -> dict | None:
    """The partner's own fields to keep; its INN and phone (form.evidence) go on to the
    counterparty and contact information steps as their first values."""
    if not form.is_valid():
        return None
    data = form.partner_fields()
    data.pop("version", None)
    if not data.get("roles"):
        form.add_error("roles", _("Choose at least one role."))
        return None
    inn, phone = form.cleaned_data["inn"].strip(), form.cleaned_data["phone"].strip()
    failed = bool(phone) and _info_error(form, "phone", ContactInfoKind.PHONE, phone)
    if inn:
        numbers, violations = services.requisites_check(
            kind=services.quick_counterparty_kind(partner_kind=data["kind"], inn=inn), inn=inn
        )
        for violation in violations:
            form.add_error("inn", str(violation.message))
            failed = True
        inn = numbers["inn"]
    if failed:
        return None
    form.evidence = {"inn": inn, "phone": phone}
    data["manager"] = data["manager"].pk if data.get("manager") else None
    data["group"] = data["group"].pk if data.get("group") else None
    data["segments"] = [s.pk for s in data.get("segments") or []]
    return data


def _check_counterparty(form) -> dict | None:
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    if data.get("none"):
        return {"none": True}
    data.pop("none", None)
    data["kind"] = data.get("kind") or CounterpartyKind.LEGAL_ENTITY
    numbers, violations = services.requisites_check(
        kind=data["kind"],
        inn=data["inn"],
        kpp=data["kpp"],
        ogrn=data["ogrn"],
        country=data["country"] or "RU",
        foreign_tax_number=data["foreign_tax_number"],
    )
    if violations:
        form_errors_from(form, ValidationFailed(violations))
        return None
    return {**data, **numbers}


def _info_error(form, field: str, kind: str, value: str) -> bool:
    try:
        services.contact_info_normalise(kind, value)
    except DomainError as error:
        form.add_error(field, error.detail)
        return True
    return False


def _check_contacts(formset) -> list | None:
    if not formset.is_valid():
        return None
    rows, failed = [], False
    for form in formset.forms:
        if not form.filled():
            continue
        data = form.cleaned_data
        if not (data["last_name"] or data["first_name"]):
            form.add_error("last_name", _("A contact person needs a last or a first name."))
            failed = True
        if data["phone"]:
            failed |= _info_error(form, "phone", ContactInfoKind.PHONE, data["phone"])
        if data["email"]:
            failed |= _info_error(form, "email", ContactInfoKind.EMAIL, data["email"])
        rows.append(dict(data))
    return None if failed else rows


def _check_contact_info(formset) -> list | None:
    if not formset.is_valid():
        return None
    failed = False
    for form in formset.forms:
        if form.cleaned_data.get("value"):
            failed |= _info_error(
                form, "value", form.cleaned_data["kind"], form.cleaned_data["value"]
            )
    return None if failed else contact_info_items(formset)


def _check_bank_account(form, state) -> dict | None:
    if not form.is_valid():
        return None
    if not form.filled():
        return {}
    if (state.get("counterparty") or {"none": True}).get("none"):
        form.add_error(
            None, _("A bank account belongs to a counterparty: fill the counterparty in.")
        )
        return None
    cleaned, violations = services.bank_requisites_check(
        bik=form.cleaned_data["bik"],
        number=form.cleaned_data["number"],
        correspondent_account=form.cleaned_data["correspondent_account"],
    )
    if violations:
        form_errors_from(form, ValidationFailed(violations))
        return None
    return {**form.cleaned_data, **cleaned}


def _check_properties(form) -> dict | None:
    if not form.is_valid():
        return None
    failed = False
    for definition in form.definitions:
        value = form.cleaned_data.get(f"p{definition.pk}")
        if not value:
            continue
        try:
            services.property_value_parse(definition, value)
        except DomainError as error:
            form.add_error(f"p{definition.pk}", error.detail)
            failed = True
    return None if failed else {str(k): v for k, v in form.values().items() if v}


CHECKS = {
    "partner": ("partner", lambda form, state: _check_partner(form)),
    "counterparty": ("counterparty", lambda form, state: _check_counterparty(form)),
    "contacts": ("contacts", lambda form, state: _check_contacts(form)),
    "contact-info": ("contact_info", lambda form, state: _check_contact_info(form)),
    "bank-account": ("bank_account", _check_bank_account),
    "properties": ("properties", lambda form, state: _check_properties(form)),
}


# ---- what partner_register is given ----


def register_arguments(state: dict, user) -> dict:
    partner = dict(state.get("partner") or {})
    manager_id, group_id = partner.pop("manager", None), partner.pop("group", None)
    partner["manager"] = (
        colleagues_visible_to(user=user).filter(pk=manager_id).first() if manager_id else None
    )
    partner["group"] = PartnerGroup.objects.filter(pk=group_id).first() if group_id else None
    partner["segments"] = list(Segment.objects.filter(pk__in=partner.get("segments") or []))
    counterparty = state.get("counterparty") or {"none": True}
    contacts = []
    for row in state.get("contacts") or []:
        row = dict(row)
        phone, email = row.pop("phone", ""), row.pop("email", "")
        row["contact_info"] = [
            *([{"kind": ContactInfoKind.PHONE, "value": phone}] if phone else []),
            *([{"kind": ContactInfoKind.EMAIL, "value": email}] if email else []),
        ]
        contacts.append(row)
    return {
        "partner": partner,
        "counterparty": None if counterparty.get("none") else counterparty,
        "contacts": contacts,
        "contact_info": state.get("contact_info") or [],
        "bank_account": state.get("bank_account") or None,
        "properties": {int(k): v for k, v in (state.get("properties") or {}).items()},
    }


def _candidates(arguments: dict):
    phones = [
        i["value"]
        for i in [
            *arguments["contact_info"],
            *(x for c in arguments["contacts"] for x in c["contact_info"]),
        ]
        if i["kind"] == ContactInfoKind.PHONE
    ]
    emails = [
        i["value"]
        for i in [
            *arguments["contact_info"],
            *(x for c in arguments["contacts"] for x in c["contact_info"]),
        ]
        if i["kind"] == ContactInfoKind.EMAIL
    ]
    try:
        return duplicates_find(
            name=arguments["partner"].get("name", ""),
            inn=(arguments["counterparty"] or {}).get("inn", ""),
            phone=phones,
            email=emails,
        )
    except DomainError:
        return []


def _error_links(error: DomainError) -> list[tuple[str, str, str]]:
    """(step, step title, message) for each violation of a refused registration."""
    titles = dict(STEPS)
    found = []
    for violation in error.violations:
        head = (violation.field or "").split(".")[0]
        step = ERROR_STEPS.get(head, "review")
        found.append((step, titles[step], str(violation.message)))
    return found


@login_required
def wizard(request, step: str = "partner"):
    require(request, "partners.add_partner")
    if step not in KEYS:
        raise Http404
    state = _state(request)
    index = KEYS.index(step)
    if index > state.get("reached", 0):
        return redirect(_url(KEYS[state.get("reached", 0)]))
    form = _forms(request, step, state)
    action = request.POST.get("action", "next")
    errors, candidates = [], []
    if request.method == "POST" and action == "cancel":
        request.session.pop(SESSION_KEY, None)
        return redirect("partners:list")
    if request.method == "POST" and step == "review":
        if action == "back":
            return redirect(_url(KEYS[index - 1]))
        arguments = register_arguments(state, request.user)
        confirmed = form.is_valid() and form.cleaned_data["confirm_duplicates"]
        try:
            partner = services.partner_register(
                **arguments, confirm_duplicates=confirmed, by=request.user
            )
        except DuplicatesFound as error:
            candidates = error.candidates
            form.add_error(None, error.detail)
        except DomainError as error:
            errors = _error_links(error)
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("Partner %(name)s is registered.") % {"name": partner.name})
            return redirect("partners:detail", pk=partner.pk)
    elif request.method == "POST":
        if action == "add" and step in ("contacts", "contact-info"):
            form = _grown(request, step, form)
        else:
            key, check = CHECKS[step]
            kept = check(form, state)
            if kept is not None:
                state[key] = kept
                if step == "partner":
                    state["evidence"] = form.evidence
                state["reached"] = max(state.get("reached", 0), index + 1)
                _save(request, state)
                target = KEYS[index - 1] if action == "back" and index else KEYS[index + 1]
                return redirect(_url(target))
            if action == "back" and index:
                return redirect(_url(KEYS[index - 1]))
    context = {
        "step": step,
        "steps": STEPS,
        "index": index,
        "reached": state.get("reached", 0),
        "form": form,
        "registry_configured": registry_configured(),
        "has_counterparty": not (state.get("counterparty") or {"none": True}).get("none"),
    }
    if step == "partner" and request.method == "GET" and state.get("partner"):
        # back on the first step: the suspects of what was typed before
        context["live_suspects"] = queries.duplicate_suspects(
            user=request.user,
            name=state["partner"].get("name", ""),
            **(state.get("evidence") or {}),
        )
    if step == "review":
        arguments = register_arguments(state, request.user)
        candidates = candidates or _candidates(arguments)
        suspects = queries.duplicate_suspects_of(user=request.user, candidates=candidates)
        context.update(
            arguments=arguments,
            state=state,
            candidates=candidates,
            openable={c.partner.pk for c in suspects.visible},
            errors=errors,
            role_labels=[str(PartnerRole(r).label) for r in arguments["partner"].get("roles", [])],
            property_list=[
                (d.name, arguments["properties"][d.pk])
                for d in _definitions()
                if d.pk in arguments["properties"]
            ],
        )
    invalid = request.method == "POST" and (errors or _has_errors(form))
    return render(request, "partners/wizard.html", context, status=400 if invalid else 200)


def _has_errors(form) -> bool:
    if hasattr(form, "forms"):
        return any(f.errors for f in form.forms) or bool(form.non_form_errors())
    return bool(form.errors)


def _grown(request, step: str, formset):
    """The same rows plus an empty one (the "add a row" button)."""
    rows = [f.cleaned_data for f in formset.forms if f.is_valid()] if formset.is_valid() else []
    rows.append({"kind": ContactInfoKind.PHONE} if step == "contact-info" else {})
    factory = WizardContactFormSet if step == "contacts" else ContactInfoFormSet
    return factory(initial=rows, prefix=formset.prefix)


@login_required
@require_POST
def registry_fill(request):
    """htmx: the counterparty fields filled from the state registry by the INN typed."""
    require(request, "partners.add_counterparty")
    form = WizardCounterpartyForm(request.POST)
    form.is_valid()
    data = {k: request.POST.get(k, "") for k in form.fields}
    notice, level, status, flagged = "", "info", None, False
    if not registry_configured():
        notice, level = (
            _("Registry auto-fill is not set up, so fill the fields in by hand."),
            "warning",
        )
    else:
        try:
            party = registry_lookup(inn=data.get("inn", ""), kpp=data.get("kpp", ""))
        except DomainError as error:
            notice, level = registry_refusal_for(error, request.user), "error"
        else:
            data.update(
                kind=party.kind,
                short_name=party.short_name,
                full_name=party.full_name,
                inn=party.inn,
                kpp=party.kpp,
                ogrn=party.ogrn,
                legal_address=party.legal_address,
                country="RU",
            )
            status = RegistryStatus(party.status).label
            flagged = party.status in FLAGGED_REGISTRY_STATUSES
            notice = _("Filled in from the state registry.")
    filled = WizardCounterpartyForm(initial=data)
    return render(
        request,
        "partners/_counterparty_fields.html",
        {
            "form": filled,
            "notice": notice,
            "notice_level": level,
            "registry_status": status,
            "registry_flagged": flagged,
            "registry_configured": registry_configured(),
            "wizard": request.POST.get("wizard") == "1",
        },
    )
