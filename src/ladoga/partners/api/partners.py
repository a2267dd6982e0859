"""The partners API: partners."""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from ninja import Query, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.core.api import expected_version, with_etag
from ladoga.core.middleware import problem_http_response

from .. import queries, services
from ..duplicates import duplicates_find
from ..errors import DuplicatesFound
from ..models import (
    Partner,
    PartnerGroup,
    Segment,
)
from ..schemas import (
    CandidateOut,
    ContactInfoIn,
    ContactInfoOut,
    MergeIn,
    MergeOut,
    PartnerDetailOut,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
    PropertiesSetIn,
    PropertyValueOut,
    RegistrationIn,
)
from ._common import (
    _if_match,
    _lookup,
    _lookup_many,
    _manager,
    _partner_detail,
    _properties,
    _require,
    router,
)

# Partners


@router.get("/partners", response=list[PartnerOut])
@paginate(LimitOffsetPagination)
def partners_list(
    request: HttpRequest,
    q: str = "",
    role: str = "",
    segment: int | None = None,
    manager: int | None = None,
    group: int | None = None,
    status: str = "",
    property: list[str] | None = Query(None),  # noqa: B008 -- a repeatable filter
):
    """Partners the caller may see. `property=ID:VALUE` (or ID:FROM..TO) filters by an
    additional property; repeat it to combine."""
    found = queries.partners_filter(
        queries.partners_visible_to(user=request.user),
        q=q, role=role, segment=segment, manager=manager, group=group, status=status,
        properties=property or [],
    )  # fmt: skip
    # PartnerOut shows the manager's and the group's ids, not the records: no joins, and
    # only the segments' ids.
    return found.select_related(None).prefetch_related(
        Prefetch("segments", queryset=Segment.objects.only("id"))
    )


@router.post("/partners", response={201: PartnerDetailOut})
def partner_create(request: HttpRequest, payload: PartnerIn, response: HttpResponse):
    """Create a partner without the wizard (no duplicate check: see /partners/register)."""
    _require(request, "partners.add_partner")
    partner = services.partner_create(
        name=payload.name,
        kind=payload.kind,
        roles=payload.roles,
        is_potential_client=payload.is_potential_client,
        group=_lookup(PartnerGroup, payload.group_id, "group_id"),
        manager=_manager(payload.manager_id) or request.user,
        segments=_lookup_many(Segment, payload.segment_ids, "segment_ids"),
        comment=payload.comment,
        by=request.user,
    )
    partner = Partner.objects.prefetch_related("segments").get(pk=partner.pk)
    with_etag(response, partner)
    return Status(201, partner)


@router.post("/partners/register", response={201: PartnerDetailOut, 409: dict})
def partner_register(request: HttpRequest, payload: RegistrationIn, response: HttpResponse):
    """The registration wizard (P8): partner, counterparty, contacts, contact information,
    bank account and properties, all or nothing, after the duplicate check. 409 lists the
    candidates (`candidates`) unless `confirm_duplicates` is true."""
    _require(request, "partners.add_partner")
    data = payload.partner
    partner = {
        "name": data.name,
        "kind": data.kind,
        "roles": data.roles,
        "is_potential_client": data.is_potential_client,
        "group": _lookup(PartnerGroup, data.group_id, "partner.group_id"),
        "manager": _lookup(User, data.manager_id, "partner.manager_id") or request.user,
        "segments": _lookup_many(Segment, data.segment_ids, "partner.segment_ids"),
        "comment": data.comment,
    }
    contacts = []
    for contact in payload.contacts:
        fields = contact.dict(exclude={"contact_info", "properties"})
        fields["contact_info"] = [i.dict() for i in contact.contact_info]
        fields["properties"] = _properties(contact.properties)
        contacts.append(fields)
    try:
        created = services.partner_register(
            partner=partner,
            counterparty=payload.counterparty.dict() if payload.counterparty else None,
            contacts=contacts,
            contact_info=[i.dict() for i in payload.contact_info],
            bank_account=payload.bank_account.dict() if payload.bank_account else None,
            properties=_properties(payload.properties),
            confirm_duplicates=payload.confirm_duplicates,
            by=request.user,
        )
    except DuplicatesFound as error:
        return problem_http_response(
            error.status,
            str(error.title),
            error.detail,
            errors=[v.as_dict() for v in error.violations],
            candidates=[c.dict() for c in _candidates(request, error.candidates)],
        )
    partner = _partner_detail(request, created.pk)
    with_etag(response, partner)
    return Status(201, partner)


def _candidates(request, candidates) -> list[CandidateOut]:
    visible = set(
        queries.partners_visible_to(user=request.user)
        .filter(pk__in=[c.partner.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    return [
        CandidateOut(
            partner_id=c.partner.pk,
            name=c.partner.name,
            status=c.partner.status,
            manager=str(c.partner.manager) if c.partner.manager else None,
            visible=c.partner.pk in visible,
            score=c.score,
            reasons=[{"code": r.code, "message": r.message, "score": r.score} for r in c.reasons],
        )
        for c in candidates
    ]


@router.get("/partners/duplicates", response=list[CandidateOut])
def partners_duplicates(
    request: HttpRequest,
    name: str = "",
    inn: str = "",
    phone: str = "",
    email: str = "",
    exclude: int | None = None,
):
    """Active partners that may be the one described, best first, with the reasons (P9).

    Partners the caller cannot open are listed too (visible=false), with their manager, so
    nobody registers a colleague's client twice."""
    _require(request, "partners.view_partner")
    candidates = duplicates_find(
        name=name, inn=inn, phone=phone, email=email, exclude=[exclude] if exclude else ()
    )
    return _candidates(request, candidates)


@router.get("/partners/{partner_id}", response=PartnerDetailOut)
def partner_get(request: HttpRequest, partner_id: int, response: HttpResponse):
    partner = _partner_detail(request, partner_id)
    with_etag(response, partner)
    return partner


@router.patch("/partners/{partner_id}", response=PartnerDetailOut)
def partner_update(
    request: HttpRequest, partner_id: int, payload: PartnerPatch, response: HttpResponse
):
    """Change a partner (If-Match: the ETag read)."""
    _require(request, "partners.change_partner")
    partner = access.get_visible_or_404(Partner, request.user, pk=partner_id)
    changes = payload.dict(exclude_unset=True)
    if "group_id" in changes:
        changes["group"] = _lookup(PartnerGroup, changes.pop("group_id"), "group_id")
    if "manager_id" in changes:
        changes["manager"] = _manager(changes.pop("manager_id"))
    if "segment_ids" in changes:
        changes["segments"] = _lookup_many(Segment, changes.pop("segment_ids") or [], "segment_ids")
    services.partner_update(
        partner=partner, expected_version=expected_version(request), by=request.user, **changes
    )
    partner = _partner_detail(request, partner_id)
    with_etag(response, partner)
    return partner


@router.delete("/partners/{partner_id}", response=PartnerOut)
def partner_archive(request: HttpRequest, partner_id: int, response: HttpResponse):
    """Archive a partner (nothing is deleted); If-Match is checked when sent."""
    _require(request, "partners.change_partner")
    partner = access.get_visible_or_404(Partner, request.user, pk=partner_id)
    partner = services.partner_archive(
        partner=partner, expected_version=_if_match(request), by=request.user
    )
    with_etag(response, partner)
    return Partner.objects.prefetch_related("segments").get(pk=partner.pk)


@router.post("/partners/{partner_id}/merge", response=MergeOut)
def partner_merge(request: HttpRequest, partner_id: int, payload: MergeIn):
    """Merge the partner `duplicate_id` into this one: every reference moves here, the
    duplicate is archived (P9). The caller must see both."""
    _require(request, "partners.change_partner")
    survivor = access.get_visible_or_404(Partner, request.user, pk=partner_id)
    duplicate = access.get_visible_or_404(Partner, request.user, pk=payload.duplicate_id)
    return services.partner_merge(survivor=survivor, duplicate=duplicate, by=request.user)


@router.put("/partners/{partner_id}/contact-info", response=list[ContactInfoOut])
def partner_contact_info_set(request: HttpRequest, partner_id: int, payload: list[ContactInfoIn]):
    """Replace the partner's own contact information with the list sent (P4)."""
    _require(request, "partners.change_partner")
    partner = access.get_visible_or_404(Partner, request.user, pk=partner_id)
    return services.contact_info_set(
        owner=partner, items=[i.dict() for i in payload], by=request.user
    )


@router.put("/partners/{partner_id}/properties", response=list[PropertyValueOut])
def partner_properties_set(request: HttpRequest, partner_id: int, payload: PropertiesSetIn):
    """Set additional properties {"<property id>": value}; null or "" removes one (P6)."""
    _require(request, "partners.change_partner")
    partner = access.get_visible_or_404(Partner, request.user, pk=partner_id)
    services.property_values_set(owner=partner, values=_properties(payload.values), by=request.user)
    return partner.property_values.select_related("definition", "value_choice")
