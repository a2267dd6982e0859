"""Agreement and contract endpoints."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts.access import get_visible_or_404
from ladoga.core.api import expected_version, with_etag
from ladoga.core.errors import ValidationFailed
from ladoga.partners.models import Counterparty, Partner, Segment

from .. import queries, services
from ..errors import SalesCode
from ..models import Agreement, Contract, PriceType
from ..services._common import CATALOGUE, DOCUMENTS
from ._common import ref, require
from .schemas import (
    AgreementDetailOut,
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AgreementTransitionIn,
    ContractIn,
    ContractOut,
    ContractPatch,
)

router = Router(tags=["agreements"])


def _agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    return get_visible_or_404(
        Agreement.objects.prefetch_related("stages", "segments"), request.user, pk=agreement_id
    )


def _detail(agreement: Agreement) -> dict:
    data = AgreementOut.from_orm(agreement).dict()
    data["stages"] = [s.as_tuple() for s in agreement.stages.all()]
    data["stages"] = [{"basis": b, "percent": p, "days": d} for b, p, d in data["stages"]]
    data["segment_ids"] = sorted(s.pk for s in agreement.segments.all())
    return data


def _conditions(request: HttpRequest, data: dict) -> dict:
    """Service arguments from the agreement fields a request gives."""
    changes = {k: v for k, v in data.items() if v is not None}
    if "price_type_id" in changes:
        changes["price_type"] = ref(
            request, PriceType, changes.pop("price_type_id"), "price_type_id"
        )
    if "stages" in changes:
        changes["stages"] = [
            (s["basis"], s["percent"], s.get("days", 0)) for s in changes["stages"]
        ]
    if "segment_ids" in changes:
        ids = changes.pop("segment_ids")
        found = Segment.objects.in_bulk(ids)
        if len(found) != len(set(ids)):
            raise ValidationFailed.single("not_found", _("No such segment."), "segment_ids")
        changes["segments"] = list(found.values())
    if "valid_to" in data and data["valid_to"] is None:
        changes["valid_to"] = None
    return changes


@router.get("/agreements", response=list[AgreementOut])
@paginate(LimitOffsetPagination)
def agreements(
    request: HttpRequest,
    kind: str = "",
    status: str = "",
    partner: int | None = None,
    typical: int | None = None,
):
    found = queries.agreements_visible_to(user=request.user)
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    if partner is not None:
        found = found.filter(partner_id=partner)
    if typical is not None:
        found = found.filter(typical_id=typical)
    return found


@router.post("/agreements", response={201: AgreementDetailOut})
def agreement_create(request: HttpRequest, payload: AgreementIn, response: HttpResponse):
    """A typical agreement, or with `typical_id` and `partner_id` an individual one made
    from it. Created as a draft."""
    data = payload.dict(exclude_unset=True)
    typical_id, partner_id = data.pop("typical_id", None), data.pop("partner_id", None)
    if typical_id is not None or partner_id is not None:
        require(request, DOCUMENTS)
        if typical_id is None or partner_id is None:
            raise ValidationFailed.single(
                SalesCode.AGREEMENT_PARTNER_REQUIRED,
                _("An individual agreement names its typical agreement and its partner."),
                "partner_id" if partner_id is None else "typical_id",
            )
        typical = ref(request, Agreement, typical_id, "typical_id")
        partner = ref(request, Partner, partner_id, "partner_id")
        data.pop("segment_ids", None)
        agreement = services.agreement_individual_create(
            typical=typical, partner=partner, by=request.user, **_conditions(request, data)
        )
    else:
        require(request, CATALOGUE)
        changes = _conditions(request, data)
        missing = [f for f in ("name", "price_type", "valid_from") if f not in changes]
        if missing:
            raise ValidationFailed.single(
                SalesCode.AGREEMENT_NAME_REQUIRED,
                _("A typical agreement needs a name, a price type and a start date."),
                {"price_type": "price_type_id"}.get(missing[0], missing[0]),
            )
        agreement = services.agreement_create(**changes, by=request.user)
    agreement = _agreement(request, agreement.pk)
    with_etag(response, agreement)
    return Status(201, _detail(agreement))


@router.get("/agreements/{agreement_id}", response=AgreementDetailOut)
def agreement(request: HttpRequest, agreement_id: int, response: HttpResponse):
    found = _agreement(request, agreement_id)
    with_etag(response, found)
    return _detail(found)


@router.patch("/agreements/{agreement_id}", response=AgreementDetailOut)
def agreement_update(
    request: HttpRequest, agreement_id: int, payload: AgreementPatch, response: HttpResponse
):
    found = _agreement(request, agreement_id)
    require(request, CATALOGUE if found.is_typical else DOCUMENTS)
    updated = services.agreement_update(
        agreement=found,
        expected_version=expected_version(request),
        by=request.user,
        **_conditions(request, payload.dict(exclude_unset=True)),
    )
    found = _agreement(request, updated.pk)
    with_etag(response, found)
    return _detail(found)


@router.post("/agreements/{agreement_id}/approve", response=AgreementDetailOut)
def agreement_approve(request: HttpRequest, agreement_id: int, response: HttpResponse):
    """Make an agreed agreement active (needs the approve permission: heads, admins)."""
    found = _agreement(request, agreement_id)
    services.agreement_approve(agreement=found, by=request.user)
    found = _agreement(request, agreement_id)
    with_etag(response, found)
    return _detail(found)


@router.post("/agreements/{agreement_id}/transition", response=AgreementDetailOut)
def agreement_transition(
    request: HttpRequest, agreement_id: int, payload: AgreementTransitionIn, response: HttpResponse
):
    """Move an agreement to another status: draft → agreed → active → closed."""
    found = _agreement(request, agreement_id)
    services.agreement_transition(agreement=found, status=payload.status, by=request.user)
    found = _agreement(request, agreement_id)
    with_etag(response, found)
    return _detail(found)


@router.get("/contracts", response=list[ContractOut])
@paginate(LimitOffsetPagination)
def contracts(request: HttpRequest, partner: int | None = None, counterparty: int | None = None):
    found = queries.contracts_visible_to(user=request.user)
    if partner is not None:
        found = found.filter(partner_id=partner)
    if counterparty is not None:
        found = found.filter(counterparty_id=counterparty)
    return found


@router.post("/contracts", response={201: ContractOut})
def contract_create(request: HttpRequest, payload: ContractIn, response: HttpResponse):
    require(request, DOCUMENTS)
    data = payload.dict()
    data["counterparty"] = ref(
        request, Counterparty, data.pop("counterparty_id"), "counterparty_id"
    )
    data["agreement"] = ref(request, Agreement, data.pop("agreement_id"), "agreement_id")
    contract = services.contract_create(**data, by=request.user)
    with_etag(response, contract)
    return Status(201, contract)


@router.get("/contracts/{contract_id}", response=ContractOut)
def contract(request: HttpRequest, contract_id: int, response: HttpResponse):
    found = get_visible_or_404(Contract, request.user, pk=contract_id)
    with_etag(response, found)
    return found


@router.patch("/contracts/{contract_id}", response=ContractOut)
def contract_update(
    request: HttpRequest, contract_id: int, payload: ContractPatch, response: HttpResponse
):
    found = get_visible_or_404(Contract, request.user, pk=contract_id)
    require(request, DOCUMENTS)
    changes = payload.dict(exclude_unset=True)
    if "agreement_id" in changes:
        changes["agreement"] = ref(request, Agreement, changes.pop("agreement_id"), "agreement_id")
    found = services.contract_update(
        contract=found, expected_version=expected_version(request), by=request.user, **changes
    )
    with_etag(response, found)
    return found
