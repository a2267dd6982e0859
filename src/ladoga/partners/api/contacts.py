"""The partners API: contacts."""

from django.http import HttpRequest, HttpResponse
from ninja import Query, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts import access
from ladoga.core.api import expected_version, with_etag

from .. import queries, services
from ..models import (
    ContactPerson,
    Partner,
)
from ..schemas import (
    ContactDetailOut,
    ContactIn,
    ContactInfoIn,
    ContactInfoOut,
    ContactOut,
    ContactPatch,
    PropertiesSetIn,
    PropertyValueOut,
)
from ._common import (
    _properties,
    _require,
    router,
)

# Contact persons


@router.get("/contacts", response=list[ContactOut])
@paginate(LimitOffsetPagination)
def contacts_list(
    request: HttpRequest,
    partner: int | None = None,
    q: str = "",
    property: list[str] | None = Query(None),  # noqa: B008 -- a repeatable filter
):
    found = queries.contacts_visible_to(user=request.user)
    if partner:
        found = found.filter(partner_id=partner)
    if q.strip():
        found = queries.contacts_matching(found, q)
    for spec in property or []:
        found = found.filter(queries.property_filter_q(spec=spec))
    return found


@router.post("/contacts", response={201: ContactDetailOut})
def contact_create(request: HttpRequest, payload: ContactIn, response: HttpResponse):
    _require(request, "partners.add_contactperson")
    partner = access.get_visible_or_404(Partner, request.user, pk=payload.partner_id)
    contact = services.contact_create(
        partner=partner, by=request.user, **payload.dict(exclude={"partner_id"})
    )
    with_etag(response, contact)
    return Status(201, contact)


@router.get("/contacts/{contact_id}", response=ContactDetailOut)
def contact_get(request: HttpRequest, contact_id: int, response: HttpResponse):
    contact = access.get_visible_or_404(
        queries.contact_detail_queryset(user=request.user), request.user, pk=contact_id
    )
    with_etag(response, contact)
    return contact


@router.patch("/contacts/{contact_id}", response=ContactDetailOut)
def contact_update(
    request: HttpRequest, contact_id: int, payload: ContactPatch, response: HttpResponse
):
    _require(request, "partners.change_contactperson")
    contact = access.get_visible_or_404(ContactPerson, request.user, pk=contact_id)
    contact = services.contact_update(
        contact=contact,
        expected_version=expected_version(request),
        by=request.user,
        **payload.dict(exclude_unset=True),
    )
    with_etag(response, contact)
    return contact


@router.put("/contacts/{contact_id}/contact-info", response=list[ContactInfoOut])
def contact_contact_info_set(request: HttpRequest, contact_id: int, payload: list[ContactInfoIn]):
    _require(request, "partners.change_contactperson")
    contact = access.get_visible_or_404(ContactPerson, request.user, pk=contact_id)
    return services.contact_info_set(
        owner=contact, items=[i.dict() for i in payload], by=request.user
    )


@router.put("/contacts/{contact_id}/properties", response=list[PropertyValueOut])
def contact_properties_set(request: HttpRequest, contact_id: int, payload: PropertiesSetIn):
    _require(request, "partners.change_contactperson")
    contact = access.get_visible_or_404(ContactPerson, request.user, pk=contact_id)
    services.property_values_set(owner=contact, values=_properties(payload.values), by=request.user)
    return contact.property_values.select_related("definition", "value_choice")
