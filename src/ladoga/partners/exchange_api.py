"""The partners API's exchange endpoints (P12): vCard export and import of contact persons.

GET  /api/v1/contacts/{id}/vcard?version=3.0|4.0      one card (text/vcard)
GET  /api/v1/contacts/vcard?partner=ID&id=…&version=  several cards in one file
POST /api/v1/contacts/import-vcard                    multipart: file, partner_id,
                                                      dry_run, skip_invalid
"""

from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from ladoga.accounts import access
from ladoga.core.errors import ValidationFailed

from . import queries
from .exchange import vcard
from .models import Partner

router = Router(tags=["partners"])
RecordId = Annotated[int, Field(gt=0, lt=2**63)]
VCARD_TYPE = "text/vcard; charset=utf-8"
MAX_VCF_BYTES = 5 * 1024 * 1024


class VcardCardOut(Schema):
    card: int
    name: str
    action: str  # create, duplicate, error
    messages: list[str]
    contact_id: int | None = None


class VcardImportOut(Schema):
    dry_run: bool
    refused: bool
    counts: dict[str, int]
    cards: list[VcardCardOut]


def vcard_response(contacts: list, version: str) -> HttpResponse:
    response = HttpResponse(vcard.vcards_serialize(contacts, version=version), VCARD_TYPE)
    response["Content-Disposition"] = vcard.vcard_disposition(contacts)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/contacts/vcard", response={200: None})
def contacts_vcard(
    request: HttpRequest,
    partner: RecordId | None = None,
    id: list[RecordId] | None = Query(None),  # noqa: B008 -- a repeatable filter
    version: str = "3.0",
):
    """Several contact persons as one .vcf file: those of `partner`, or those named by `id`
    (repeatable); only contacts the caller can see are included."""
    version = vcard.version_check(version)
    found = queries.contacts_visible_to(user=request.user).filter(status="active")
    if partner is None and not id:
        raise ValidationFailed.single(
            "vcard_selection_empty", _("Name a partner or contact persons to export."), "id"
        )
    if partner is not None:
        found = found.filter(partner_id=partner)
    if id:
        found = found.filter(pk__in=id)
    return vcard_response(list(vcard.contacts_for_vcard(found)[:5000]), version)


@router.get("/contacts/{contact_id}/vcard", response={200: None})
def contact_vcard(request: HttpRequest, contact_id: RecordId, version: str = "3.0"):
    """One contact person as a vCard 3.0 (default) or 4.0 file."""
    version = vcard.version_check(version)
    contact = access.get_visible_or_404(
        vcard.contacts_for_vcard(queries.contacts_visible_to(user=request.user)),
        request.user,
        pk=contact_id,
    )
    return vcard_response([contact], version)


@router.post("/contacts/import-vcard", response=VcardImportOut)
def contacts_import_vcard(
    request: HttpRequest,
    partner_id: Form[RecordId],
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    skip_invalid: Form[bool] = False,
):
    """Import the cards of a .vcf file as contact persons of a partner, each checked for
    duplicates. 422 for a file that is not a vCard, and — unless `skip_invalid` — when a
    card is broken (nothing is written then); duplicates are skipped and listed."""
    if not request.user.has_perm("partners.add_contactperson"):
        raise PermissionDenied(_("Your role may not do this."))
    partner = access.get_visible_or_404(Partner, request.user, pk=partner_id)
    if file.size > MAX_VCF_BYTES:
        raise ValidationFailed.single(
            "vcard_too_large",
            _("A .vcf file is at most %(mb)d MB.") % {"mb": MAX_VCF_BYTES // 1024 // 1024},
            "file",
        )
    report = vcard.vcards_import(
        partner=partner,
        data=file.read(),
        by=request.user,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    if report.refused:
        raise vcard.report_error(report)
    return report.as_dict()
