"""What hangs off a partner: counterparties and bank accounts, the registry check, contact
information and additional properties (of partners and of contact persons)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.core.errors import DomainError
from ladoga.web.forms import form_errors_from

from .. import queries, services
from ..forms import (
    BankAccountForm,
    ContactInfoFormSet,
    CounterpartyEditForm,
    CounterpartyForm,
    PropertiesForm,
    contact_info_items,
)
from ..models import BankAccount, ContactPerson, Partner, PropertyAppliesTo
from ._common import (
    contact_or_404,
    counterparty_or_404,
    int_or_none,
    partner_or_404,
    registry_configured,
    registry_refusal_for,
    require,
)

COUNTERPARTY_FIELDS = (
    "kind", "short_name", "full_name", "inn", "kpp", "ogrn", "country", "foreign_tax_number",
    "legal_address", "comment",
)  # fmt: skip


def _requisites_url(partner_id: int) -> str:
    return reverse("partners:detail", args=[partner_id]) + "?tab=requisites"


@login_required
def counterparty_create(request, pk: int):
    require(request, "partners.add_counterparty")
    partner = partner_or_404(request, pk)
    form = CounterpartyForm(
        request.POST or None, initial={"short_name": partner.name, "country": "RU"}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in COUNTERPARTY_FIELDS}
        try:
            services.counterparty_create(partner=partner, by=request.user, **data)
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The counterparty is added."))
            return redirect(_requisites_url(partner.pk))
    return render(
        request,
        "partners/counterparty_form.html",
        {
            "form": form,
            "partner": partner,
            "counterparty": None,
            "registry_configured": registry_configured(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def counterparty_edit(request, pk: int):
    require(request, "partners.change_counterparty")
    counterparty = counterparty_or_404(request, pk)
    initial = {k: getattr(counterparty, k) for k in (*COUNTERPARTY_FIELDS, "status", "version")}
    form = CounterpartyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in (*COUNTERPARTY_FIELDS, "status")}
        try:
            services.counterparty_update(
                counterparty=counterparty,
                expected_version=form.cleaned_data.get("version"),
                by=request.user,
                **data,
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The counterparty is saved."))
            return redirect(_requisites_url(counterparty.partner_id))
    return render(
        request,
        "partners/counterparty_form.html",
        {
            "form": form,
            "partner": counterparty.partner,
            "counterparty": counterparty,
            "registry_configured": registry_configured(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def counterparty_registry_check(request, pk: int):
    require(request, "partners.change_counterparty")
    counterparty = counterparty_or_404(request, pk)
    try:
        checked = services.counterparty_registry_check(counterparty=counterparty, by=request.user)
    except DomainError as error:
        messages.error(request, registry_refusal_for(error, request.user))
    else:
        if checked.is_flagged:
            messages.warning(
                request,
                _("The state registry says %(name)s is: %(status)s.")
                % {"name": checked.short_name, "status": checked.get_registry_status_display()},
            )
        else:
            messages.success(
                request,
                _("The state registry says %(name)s is: %(status)s.")
                % {"name": checked.short_name, "status": checked.get_registry_status_display()},
            )
    return redirect(_requisites_url(counterparty.partner_id))


@login_required
def bank_account_add(request, pk: int):
    require(request, "partners.add_bankaccount")
    counterparty = counterparty_or_404(request, pk)
    form = BankAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_account_add(
                counterparty=counterparty, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The bank account is added."))
            return redirect(_requisites_url(counterparty.partner_id))
    return render(
        request,
        "partners/bank_account_form.html",
        {"form": form, "counterparty": counterparty, "partner": counterparty.partner},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def bank_account_delete(request, pk: int):
    require(request, "partners.change_bankaccount")
    account = access.get_visible_or_404(
        BankAccount.objects.select_related("counterparty"), request.user, pk=pk
    )
    partner_id = account.counterparty.partner_id
    services.bank_account_delete(account=account, by=request.user)
    messages.success(request, _("The bank account is removed."))
    return redirect(_requisites_url(partner_id))


def _owner(request, owner_type: str, pk: int) -> tuple[Partner | ContactPerson, str]:
    if owner_type == "contact":
        contact = contact_or_404(request, pk)
        return contact, reverse("partners:contact", args=[contact.pk])
    partner = partner_or_404(request, pk)
    return partner, reverse("partners:detail", args=[partner.pk])


@login_required
def contact_info_edit(request, owner_type: str, pk: int):
    """Replace the whole contact information of a partner or a contact person."""
    owner, back = _owner(request, owner_type, pk)
    require(request, "partners.change_contactinfo")
    back += "?tab=contact-info" if owner_type == "partner" else ""
    current = [
        {"kind": i.kind, "value": i.value, "label": i.label, "is_primary": i.is_primary}
        for i in services.contact_info_of(owner)
    ]
    formset = ContactInfoFormSet(request.POST or None, initial=current, prefix="info")
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        items = contact_info_items(formset)
        try:
            services.contact_info_set(owner=owner, items=items, by=request.user)
        except DomainError as error:
            errors = _indexed_errors(error, items)
        else:
            messages.success(request, _("Contact information is saved."))
            return redirect(back)
    return render(
        request,
        "partners/contact_info_form.html",
        {"formset": formset, "owner": owner, "back": back, "errors": errors},
        status=400 if errors or (formset.errors and any(formset.errors)) else 200,
    )


def _indexed_errors(error: DomainError, items: list[dict]) -> list[str]:
    """Messages for "2.value"-style fields, naming the row's value."""
    found = []
    for violation in error.violations:
        index = int_or_none((violation.field or "").split(".")[0])
        if index is not None and index < len(items):
            found.append(f"{items[index]['value']}: {violation.message}")
        else:
            found.append(str(violation.message))
    return found


def properties_context(owner, applies_to: str) -> dict:
    definitions = queries.property_definitions_all().filter(applies_to=applies_to)
    values = {v.definition_id: v for v in owner.property_values.all()}
    return {"property_rows": [(d, values.get(d.pk)) for d in definitions]}


@login_required
def properties_edit(request, owner_type: str, pk: int):
    owner, back = _owner(request, owner_type, pk)
    require(request, "partners.change_propertyvalue")
    applies_to = PropertyAppliesTo.CONTACT if owner_type == "contact" else PropertyAppliesTo.PARTNER
    back += "?tab=properties" if owner_type == "partner" else ""
    definitions = queries.property_definitions_all().filter(applies_to=applies_to)
    values = {v.definition_id: v.value for v in owner.property_values.select_related(
        "definition", "value_choice"
    )}  # fmt: skip
    form = PropertiesForm(request.POST or None, definitions=definitions, values=values)
    if request.method == "POST" and form.is_valid():
        try:
            services.property_values_set(owner=owner, values=form.values(), by=request.user)
        except DomainError as error:
            for violation in error.violations:
                name = f"p{violation.field}"
                form.add_error(name if name in form.fields else None, str(violation.message))
        else:
            messages.success(request, _("Properties are saved."))
            return redirect(back)
    return render(
        request,
        "partners/properties_form.html",
        {"form": form, "owner": owner, "back": back},
        status=400 if form.errors else 200,
    )
