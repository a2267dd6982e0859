"""Contact person pages: the card, create, edit; vCard download and .vcf import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ladoga.core.errors import DomainError
from ladoga.web.forms import form_errors_from

from .. import queries, services
from ..exchange import vcard
from ..forms import ContactEditForm, ContactForm, VcardImportForm
from ..models import ContactInfo, PropertyAppliesTo, PropertyValue
from ._common import contact_or_404, local_time, partner_or_404, require
from .records import properties_context
from .relations import relation_context

CONTACT_FIELDS = (
    "last_name", "first_name", "middle_name", "position", "decision_role", "birthday", "comment",
)  # fmt: skip


@login_required
@local_time
def contact_detail(request, pk: int):
    contact = contact_or_404(
        request,
        pk,
        queries.contacts_visible_to(user=request.user).prefetch_related(
            Prefetch("contact_info", queryset=ContactInfo.objects.order_by("kind", "-is_primary")),
            Prefetch(
                "property_values",
                queryset=PropertyValue.objects.select_related("definition", "value_choice"),
            ),
        ),
    )
    return render(
        request,
        "partners/contact_detail.html",
        {
            "contact": contact,
            "partner": contact.partner,
            **properties_context(contact, PropertyAppliesTo.CONTACT),
            **relation_context(request, contact),
        },
    )


@login_required
def contact_create(request, pk: int):
    require(request, "partners.add_contactperson")
    partner = partner_or_404(request, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                partner=partner,
                by=request.user,
                **{k: form.cleaned_data[k] for k in CONTACT_FIELDS},
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, _("Contact person %(name)s is added.") % {"name": contact.full_name}
            )
            return redirect("partners:contact", pk=contact.pk)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "partner": partner, "contact": None},
        status=400 if form.errors else 200,
    )


@login_required
def contact_edit(request, pk: int):
    require(request, "partners.change_contactperson")
    contact = contact_or_404(request, pk)
    initial = {k: getattr(contact, k) for k in (*CONTACT_FIELDS, "status", "version")}
    form = ContactEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                contact=contact,
                expected_version=form.cleaned_data.get("version"),
                by=request.user,
                **{k: form.cleaned_data[k] for k in (*CONTACT_FIELDS, "status")},
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The contact person is saved."))
            return redirect("partners:contact", pk=contact.pk)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "partner": contact.partner, "contact": contact},
        status=400 if form.errors else 200,
    )


def _vcard_download(contacts: list, version: str) -> HttpResponse:
    response = HttpResponse(
        vcard.vcards_serialize(contacts, version=version), "text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = vcard.vcard_disposition(contacts)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _version(request) -> str:
    version = request.GET.get("version", "3.0")
    return version if version in vcard.VERSIONS else "3.0"


@login_required
def contact_vcard(request, pk: int):
    contact = contact_or_404(
        request, pk, vcard.contacts_for_vcard(queries.contacts_visible_to(user=request.user))
    )
    return _vcard_download([contact], _version(request))


@login_required
def partner_vcards(request, pk: int):
    """Every active contact person of a partner in one .vcf file."""
    partner = partner_or_404(request, pk)
    contacts = vcard.contacts_for_vcard(
        queries.contacts_visible_to(user=request.user).filter(partner=partner, status="active")
    )
    return _vcard_download(list(contacts), _version(request))


@login_required
def vcard_import(request, pk: int):
    require(request, "partners.add_contactperson")
    partner = partner_or_404(request, pk)
    form = VcardImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 5 * 1024 * 1024:
                raise vcard.ImportFileError.single(
                    "vcard_too_large", _("A .vcf file is at most 5 MB."), "file"
                )
            report = vcard.vcards_import(
                partner=partner,
                data=upload.read(),
                by=request.user,
                dry_run=form.cleaned_data["dry_run"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            if not report.dry_run and not report.refused and report.counts["create"]:
                messages.success(
                    request,
                    _("%(count)d contact person(s) imported.") % {"count": report.counts["create"]},
                )
    return render(
        request,
        "partners/vcard_import.html",
        {
            "form": form,
            "partner": partner,
            "report": report,
            "back": reverse("partners:detail", args=[partner.pk]) + "?tab=contacts",
        },
        status=400 if form.errors or (report and report.refused) else 200,
    )
