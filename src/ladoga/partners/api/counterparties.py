"""The partners API: counterparties."""

from django.http import HttpRequest, HttpResponse
from ninja import Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts import access
from ladoga.core.api import expected_version, with_etag

from .. import queries, services
from ..models import (
    Counterparty,
    Partner,
)
from ..schemas import (
    BankAccountIn,
    BankAccountOut,
    ContactInfoIn,
    ContactInfoOut,
    CounterpartyDetailOut,
    CounterpartyIn,
    CounterpartyOut,
    CounterpartyPatch,
)
from ._common import (
    _require,
    router,
)

# Counterparties


@router.get("/counterparties", response=list[CounterpartyOut])
@paginate(LimitOffsetPagination)
def counterparties_list(
    request: HttpRequest,
    partner: int | None = None,
    inn: str = "",
    q: str = "",
    flagged: bool | None = None,
):
    """Counterparties the caller may see; `flagged=true`: liquidated, liquidating, bankrupt."""
    found = queries.counterparties_visible_to(user=request.user)
    if partner:
        found = found.filter(partner_id=partner)
    if inn:
        found = found.filter(inn=inn.strip())
    if q:
        found = found.filter(short_name__icontains=q.strip())
    if flagged is not None:
        from ..models.counterparty import FLAGGED_REGISTRY_STATUSES

        statuses = sorted(FLAGGED_REGISTRY_STATUSES)
        found = (
            found.filter(registry_status__in=statuses)
            if flagged
            else found.exclude(registry_status__in=statuses)
        )
    return found


@router.post("/counterparties", response={201: CounterpartyDetailOut})
def counterparty_create(request: HttpRequest, payload: CounterpartyIn, response: HttpResponse):
    _require(request, "partners.add_counterparty")
    partner = access.get_visible_or_404(Partner, request.user, pk=payload.partner_id)
    counterparty = services.counterparty_create(
        partner=partner, by=request.user, **payload.dict(exclude={"partner_id"})
    )
    with_etag(response, counterparty)
    return Status(201, counterparty)


@router.get("/counterparties/{counterparty_id}", response=CounterpartyDetailOut)
def counterparty_get(request: HttpRequest, counterparty_id: int, response: HttpResponse):
    counterparty = access.get_visible_or_404(
        queries.counterparty_detail_queryset(user=request.user), request.user, pk=counterparty_id
    )
    with_etag(response, counterparty)
    return counterparty


@router.patch("/counterparties/{counterparty_id}", response=CounterpartyDetailOut)
def counterparty_update(
    request: HttpRequest, counterparty_id: int, payload: CounterpartyPatch, response: HttpResponse
):
    _require(request, "partners.change_counterparty")
    counterparty = access.get_visible_or_404(Counterparty, request.user, pk=counterparty_id)
    counterparty = services.counterparty_update(
        counterparty=counterparty,
        expected_version=expected_version(request),
        by=request.user,
        **{k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None},
    )
    with_etag(response, counterparty)
    return counterparty


@router.post("/counterparties/{counterparty_id}/bank-accounts", response={201: BankAccountOut})
def bank_account_add(request: HttpRequest, counterparty_id: int, payload: BankAccountIn):
    _require(request, "partners.change_counterparty")
    counterparty = access.get_visible_or_404(Counterparty, request.user, pk=counterparty_id)
    return Status(
        201, services.bank_account_add(counterparty=counterparty, by=request.user, **payload.dict())
    )


@router.put("/counterparties/{counterparty_id}/contact-info", response=list[ContactInfoOut])
def counterparty_contact_info_set(
    request: HttpRequest, counterparty_id: int, payload: list[ContactInfoIn]
):
    _require(request, "partners.change_counterparty")
    counterparty = access.get_visible_or_404(Counterparty, request.user, pk=counterparty_id)
    return services.contact_info_set(
        owner=counterparty, items=[i.dict() for i in payload], by=request.user
    )


@router.post("/counterparties/{counterparty_id}/registry-check", response=CounterpartyOut)
def counterparty_registry_check(request: HttpRequest, counterparty_id: int, response: HttpResponse):
    """Ask the state registry about the counterparty and store its status (P11)."""
    _require(request, "partners.change_counterparty")
    counterparty = access.get_visible_or_404(Counterparty, request.user, pk=counterparty_id)
    counterparty = services.counterparty_registry_check(counterparty=counterparty, by=request.user)
    with_etag(response, counterparty)
    return counterparty
