"""Deals (D2–D10): the list, the card, changes, moves through the stages, winning, losing,
reopening, the history, the environment and the documents. What the caller cannot see
answers 404; a role that may not act at all gets 403; rule errors are problem documents
with their codes — a refused move lists every unmet guard."""

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts.access import get_visible_or_404
from ladoga.accounts.models import User
from ladoga.core.api import expected_version, with_etag
from ladoga.interactions.models import Interaction
from ladoga.partners.models import ContactPerson, Partner
from ladoga.sales.models import Agreement

from .. import queries, services
from ..models import Deal, DealKind, DealParty, LossReason, Stage
from ._common import ADD, CHANGE, VIEW, if_match, ref, refs, require
from .schemas import (
    DealDocumentOut,
    DealIn,
    DealOut,
    DealPatch,
    LoseIn,
    MoveIn,
    PartyIn,
    PartyOut,
    ReopenIn,
    TransitionOut,
    WinIn,
)

router = Router(tags=["deals"])


def _deal(request: HttpRequest, deal_id: int) -> Deal:
    return get_visible_or_404(
        queries.deal_detail_queryset(user=request.user), request.user, pk=deal_id
    )


def _visible(request: HttpRequest, deal_id: int) -> Deal:
    """The deal if the caller may see it, read lightly: the command re-reads it locked."""
    return get_visible_or_404(Deal.objects.only("pk", "version"), request.user, pk=deal_id)


def _answer(request: HttpRequest, response: HttpResponse, deal_id: int) -> Deal:
    """The deal as it is after a command the caller was allowed to run (no second access
    check: the command has just been run on a deal the caller sees)."""
    found = (
        Deal.objects.select_related("partner", "stage", "kind")
        .prefetch_related("contacts")
        .get(pk=deal_id)
    )
    with_etag(response, found)
    return found


@router.get("/deals", response=list[DealOut])
@paginate(LimitOffsetPagination)
def deal_list(
    request: HttpRequest,
    q: str = "",
    kind: int | None = None,
    stage: int | None = None,
    status: str = "",
    manager: int | None = None,
    partner: int | None = None,
):
    """Deals you may see, newest first; filters: text, kind, stage, status, manager,
    partner."""
    require(request, VIEW)
    return queries.deals_filter(
        user=request.user,
        q=q,
        kind=kind,
        stage=stage,
        status=status,
        manager=manager,
        partner=partner,
    ).prefetch_related("contacts")


@router.post("/deals", response={201: DealOut})
def deal_create(request: HttpRequest, payload: DealIn, response: HttpResponse):
    require(request, ADD)
    partner = ref(request, Partner, payload.partner_id, "partner_id")
    deal = services.deal_create(
        name=payload.name,
        partner=partner,
        kind=ref(request, DealKind, payload.kind_id, "kind_id"),
        manager=ref(request, User, payload.manager_id, "manager_id", checked=False),
        stage=ref(request, Stage, payload.stage_id, "stage_id"),
        contacts=refs(request, ContactPerson, payload.contact_ids, "contact_ids"),
        amount=payload.amount,
        currency=payload.currency,
        expected_close_date=payload.expected_close_date,
        probability_override=payload.probability_override,
        agreement=ref(request, Agreement, payload.agreement_id, "agreement_id"),
        source=payload.source,
        interaction=ref(request, Interaction, payload.interaction_id, "interaction_id"),
        description=payload.description,
        opened_on=payload.opened_on,
        by=request.user,
    )
    return Status(201, _answer(request, response, deal.pk))


@router.get("/deals/{deal_id}", response=DealOut)
def deal_get(request: HttpRequest, deal_id: int, response: HttpResponse):
    require(request, VIEW)
    found = _deal(request, deal_id)
    with_etag(response, found)
    return found


NULLABLE = {"probability_override", "agreement_id", "expected_close_date", "amount"}


@router.patch("/deals/{deal_id}", response=DealOut)
def deal_update(request: HttpRequest, deal_id: int, payload: DealPatch, response: HttpResponse):
    """Change a deal in progress (If-Match required). `"probability_override": null`
    clears the manual probability; a closed deal answers 409."""
    require(request, VIEW)
    found = _deal(request, deal_id)
    require(request, CHANGE)
    changes = {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in NULLABLE
    }
    if "manager_id" in changes:
        changes["manager"] = ref(
            request, User, changes.pop("manager_id"), "manager_id", checked=False
        )
    if "agreement_id" in changes:
        changes["agreement"] = ref(request, Agreement, changes.pop("agreement_id"), "agreement_id")
    if "contact_ids" in changes:
        changes["contacts"] = refs(
            request, ContactPerson, changes.pop("contact_ids"), "contact_ids"
        )
    services.deal_update(
        deal=found, expected_version=expected_version(request), by=request.user, **changes
    )
    return _answer(request, response, deal_id)


@router.post("/deals/{deal_id}/move", response=DealOut)
def deal_move(request: HttpRequest, deal_id: int, payload: MoveIn, response: HttpResponse):
    """Move the deal to a stage of its kind. 422 `deal_stage_blocked`-style problem lists
    every unmet guard; an If-Match header, when sent, must name the current version (412);
    a move that another one beat answers 409 or 412."""
    require(request, VIEW)
    found = _visible(request, deal_id)
    require(request, CHANGE)
    stage = ref(request, Stage, payload.stage, "stage")
    services.deal_move(
        deal=found,
        stage=stage,
        by=request.user,
        expected_version=if_match(request),
        comment=payload.comment,
    )
    return _answer(request, response, deal_id)


@router.post("/deals/{deal_id}/win", response=DealOut)
def deal_win(request: HttpRequest, deal_id: int, response: HttpResponse, payload: WinIn = None):
    """Close the deal as won (a strict kind checks the won stage's guards)."""
    require(request, VIEW)
    found = _visible(request, deal_id)
    require(request, CHANGE)
    services.deal_win(
        deal=found,
        by=request.user,
        expected_version=if_match(request),
        comment=payload.comment if payload else "",
    )
    return _answer(request, response, deal_id)


@router.post("/deals/{deal_id}/lose", response=DealOut)
def deal_lose(request: HttpRequest, deal_id: int, payload: LoseIn, response: HttpResponse):
    """Close the deal as lost: `reason` (a loss reason's id) is required, `competitor_id`
    names the competitor that won."""
    require(request, VIEW)
    found = _visible(request, deal_id)
    require(request, CHANGE)
    services.deal_lose(
        deal=found,
        reason=ref(request, LossReason, payload.reason, "reason"),
        competitor=ref(request, Partner, payload.competitor_id, "competitor_id", checked=False),
        comment=payload.comment,
        by=request.user,
        expected_version=if_match(request),
    )
    return _answer(request, response, deal_id)


@router.post("/deals/{deal_id}/reopen", response=DealOut)
def deal_reopen(
    request: HttpRequest, deal_id: int, response: HttpResponse, payload: ReopenIn = None
):
    """Reopen a won or lost deal (heads and administrators)."""
    require(request, VIEW)
    found = _visible(request, deal_id)
    services.deal_reopen(
        deal=found,
        by=request.user,
        expected_version=if_match(request),
        comment=payload.comment if payload else "",
    )
    return _answer(request, response, deal_id)


@router.get("/deals/{deal_id}/history", response=list[TransitionOut])
def deal_history(request: HttpRequest, deal_id: int):
    """Every step of the deal (D8), with the time it then spent there."""
    require(request, VIEW)
    deal = _deal(request, deal_id)
    return [
        {
            **{
                f: getattr(row.transition, f)
                for f in (
                    "id",
                    "action",
                    "from_stage_id",
                    "to_stage_id",
                    "from_status",
                    "to_status",
                    "by_id",
                    "at",
                    "loss_reason_id",
                    "comment",
                )
            },
            "seconds_in_stage": int(row.duration.total_seconds()),
        }
        for row in queries.history_of(deal)
    ]


@router.get("/deals/{deal_id}/documents", response=list[DealDocumentOut])
def deal_documents(request: HttpRequest, deal_id: int):
    """Everything linked to the deal that you may see (D6): interactions about it,
    proposals, customer orders, invoices, shipments, supplier orders and files."""
    require(request, VIEW)
    return queries.documents_of(_deal(request, deal_id), user=request.user)


@router.get("/deals/{deal_id}/parties", response=list[PartyOut])
def party_list(request: HttpRequest, deal_id: int):
    """The deal's environment (D7): partners and contact persons with their roles."""
    require(request, VIEW)
    return list(queries.parties_of(_deal(request, deal_id), user=request.user))


@router.post("/deals/{deal_id}/parties", response={201: PartyOut})
def party_add(request: HttpRequest, deal_id: int, payload: PartyIn):
    require(request, VIEW)
    deal = _deal(request, deal_id)
    require(request, CHANGE)
    partner = None
    if payload.partner_id is not None:
        partner = queries.party_candidates(user=request.user).filter(pk=payload.partner_id).first()
        if partner is None:
            ref(request, Partner, payload.partner_id, "partner_id")  # 422 not_found
    party = services.deal_party_add(
        deal=deal,
        role=payload.role,
        partner=partner,
        contact=ref(request, ContactPerson, payload.contact_id, "contact_id"),
        comment=payload.comment,
        by=request.user,
    )
    return Status(201, party)


@router.delete("/deals/{deal_id}/parties/{party_id}", response={204: None})
def party_remove(request: HttpRequest, deal_id: int, party_id: int):
    require(request, VIEW)
    deal = _deal(request, deal_id)
    require(request, CHANGE)
    party = get_visible_or_404(DealParty.objects.filter(deal=deal), request.user, pk=party_id)
    services.deal_party_remove(party=party, by=request.user)
    return Status(204, None)
