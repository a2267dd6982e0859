"""The loyalty API (L1, L2): card kinds, cards, lookup by number, block and replace."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts import access
from ladoga.core.api import expected_version, with_etag
from ladoga.core.errors import ValidationFailed
from ladoga.partners.models import ContactPerson, Partner

from . import queries, services
from .errors import LoyaltyCode as C
from .models import CardKind, LoyaltyCard

router = Router(tags=["loyalty"])


class ThresholdIO(Schema):
    amount: Decimal
    percent: Decimal


class CardKindOut(Schema):
    id: int
    name: str
    discount_type: str
    percent: Decimal
    thresholds: list[ThresholdIO]
    period_days: int
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    is_personal: bool
    prefix: str
    length: int
    check_digit: str
    combine_rule: str
    status: str
    version: int

    @staticmethod
    def resolve_thresholds(obj):
        return [{"amount": t.amount, "percent": t.percent} for t in obj.thresholds.all()]


class CardKindIn(Schema):
    name: str = Field(..., max_length=150)
    discount_type: Literal["fixed", "accumulative"] = "fixed"
    percent: Decimal = Decimal("0")
    thresholds: list[ThresholdIO] = []
    period_days: int = 365
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    is_personal: bool = False
    prefix: str = Field("", max_length=12)
    length: int = 13
    check_digit: Literal["none", "ean13", "luhn"] = "ean13"
    combine_rule: Literal["larger", "both"] = "larger"
    status: Literal["active", "blocked"] = "active"


class CardKindPatch(Schema):
    name: str | None = Field(None, max_length=150)
    discount_type: Literal["fixed", "accumulative"] | None = None
    percent: Decimal | None = None
    thresholds: list[ThresholdIO] | None = None
    period_days: int | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    is_personal: bool | None = None
    prefix: str | None = Field(None, max_length=12)
    length: int | None = None
    check_digit: Literal["none", "ean13", "luhn"] | None = None
    combine_rule: Literal["larger", "both"] | None = None
    status: Literal["active", "blocked"] | None = None


class CardOut(Schema):
    id: int
    number: str
    kind_id: int
    kind_name: str = Field(..., alias="kind.name")
    partner_id: int
    partner_name: str = Field(..., alias="partner.name")
    contact_id: int | None
    holder_name: str
    issued_on: datetime.date
    valid_to: datetime.date | None
    status: str
    replaced_by_id: int | None
    percent: Decimal
    block_reason: str
    version: int

    @staticmethod
    def resolve_percent(obj):
        return obj.percent if obj.kind.is_accumulative else obj.kind.percent


class CardIn(Schema):
    kind_id: int
    partner_id: int | None = None
    contact_id: int | None = None
    number: str | None = Field(None, max_length=32)
    issued_on: datetime.date | None = None
    valid_to: datetime.date | None = None


class CardPatch(Schema):
    valid_to: datetime.date | None = None


class BlockIn(Schema):
    reason: str = Field("", max_length=255)


class ReplaceIn(Schema):
    number: str | None = Field(None, max_length=32)
    reason: str = Field("", max_length=255)


class CardFilters(Schema):
    q: str = Field("", max_length=100)
    kind: int | None = None
    status: str = Field("", max_length=16)
    partner: int | None = None


def _staff(request: HttpRequest, permission: str | None = None):
    """The acting staff member; portal clients, and users without `permission` when one is
    named, get 403 before any record is looked up."""
    user = request.user
    if user.is_portal:
        raise PermissionDenied(_("Portal users work in the client portal."))
    if permission and not user.has_perm(permission):
        raise PermissionDenied(_("You may not do this."))
    return user


def _card(request: HttpRequest, card_id: int) -> LoyaltyCard:
    return access.get_visible_or_404(
        queries.cards_visible_to(user=request.user), request.user, pk=card_id
    )


def _kind(request: HttpRequest, kind_id: int) -> CardKind:
    return access.get_visible_or_404(
        queries.card_kinds_visible_to(user=request.user), request.user, pk=kind_id
    )


def _thresholds(items) -> list[tuple[Decimal, Decimal]]:
    return [(t.amount, t.percent) for t in items]


# --- Card kinds -----------------------------------------------------------------------


@router.get("/loyalty-card-kinds", response=list[CardKindOut])
@paginate(LimitOffsetPagination)
def kind_list(request: HttpRequest):
    """The card kinds, by name."""
    _staff(request)
    return queries.card_kinds_visible_to(user=request.user).prefetch_related("thresholds")


@router.post("/loyalty-card-kinds", response={201: CardKindOut})
def kind_create(request: HttpRequest, payload: CardKindIn, response: HttpResponse):
    """Create a card kind: a fixed discount, or thresholds on purchase totals over a
    rolling period; the number format and the rule for the agreement's discount."""
    user = _staff(request, services.MANAGE_KINDS)
    data = payload.dict()
    data["thresholds"] = _thresholds(payload.thresholds)
    kind = services.card_kind_create(by=user, **data)
    with_etag(response, kind)
    return Status(201, kind)


@router.get("/loyalty-card-kinds/{kind_id}", response=CardKindOut)
def kind_get(request: HttpRequest, kind_id: int, response: HttpResponse):
    _staff(request)
    kind = _kind(request, kind_id)
    with_etag(response, kind)
    return kind


@router.patch("/loyalty-card-kinds/{kind_id}", response=CardKindOut)
def kind_patch(request: HttpRequest, kind_id: int, payload: CardKindPatch, response: HttpResponse):
    """Change a card kind (block it with `"status": "blocked"`); send its ETag in If-Match."""
    user = _staff(request)
    kind = _kind(request, kind_id)
    version = expected_version(request)
    changes = payload.dict(exclude_unset=True)
    if "thresholds" in changes:
        changes["thresholds"] = _thresholds(payload.thresholds or [])
    kind = services.card_kind_update(kind=kind, expected_version=version, by=user, **changes)
    with_etag(response, kind)
    return kind


# --- Cards ----------------------------------------------------------------------------


@router.get("/loyalty-cards", response=list[CardOut])
@paginate(LimitOffsetPagination)
def card_list(request: HttpRequest, filters: Query[CardFilters]):
    """The cards the caller may see (those of the clients they may see), newest first;
    `q` finds a number by its start or a holder by name."""
    _staff(request)
    return queries.cards_search(
        user=request.user,
        q=filters.q,
        kind_id=filters.kind,
        status=filters.status,
        partner_id=filters.partner,
    )


@router.get("/loyalty-cards/lookup", response=CardOut)
def card_lookup(request: HttpRequest, number: str = Query(..., max_length=64)):
    """The card with this number (spaces and dashes ignored, as a scanner types it); 404
    when there is none the caller may see."""
    _staff(request)
    card = queries.card_lookup(number, request.user)
    if card is None:
        raise Http404(_("No such card"))
    return card


@router.post("/loyalty-cards", response={201: CardOut})
def card_create(request: HttpRequest, payload: CardIn, response: HttpResponse):
    """Issue a card to a partner or a contact person; without `number` the kind's next
    number is given."""
    user = _staff(request, services.ISSUE_CARDS)
    kind = queries.card_kinds_visible_to(user=user).filter(pk=payload.kind_id).first()
    partner = contact = None
    if payload.partner_id is not None:
        partner = access.visible(Partner, user).filter(pk=payload.partner_id).first()
    if payload.contact_id is not None:
        contact = access.visible(ContactPerson, user).filter(pk=payload.contact_id).first()
    missing = [
        (field, value)
        for field, value, found in (
            ("kind_id", payload.kind_id, kind),
            ("partner_id", payload.partner_id, partner),
            ("contact_id", payload.contact_id, contact),
        )
        if value is not None and found is None
    ]
    if missing:
        raise ValidationFailed.single(
            C.CARD_HOLDER_REQUIRED if missing[0][0] != "kind_id" else C.KIND_VALUE_UNKNOWN,
            _("There is no record number %(id)s that you can see.") % {"id": missing[0][1]},
            missing[0][0],
        )
    card = services.card_issue(
        kind=kind,
        partner=partner,
        contact=contact,
        number=payload.number,
        issued_on=payload.issued_on,
        valid_to=payload.valid_to,
        by=user,
    )
    with_etag(response, card)
    return Status(201, card)


@router.get("/loyalty-cards/{card_id}", response=CardOut)
def card_get(request: HttpRequest, card_id: int, response: HttpResponse):
    _staff(request)
    card = _card(request, card_id)
    with_etag(response, card)
    return card


@router.patch("/loyalty-cards/{card_id}", response=CardOut)
def card_patch(request: HttpRequest, card_id: int, payload: CardPatch, response: HttpResponse):
    """Change a card's expiry date; send its ETag in If-Match."""
    user = _staff(request)
    card = _card(request, card_id)
    version = expected_version(request)
    card = services.card_update(
        card=card, expected_version=version, by=user, **payload.dict(exclude_unset=True)
    )
    with_etag(response, card)
    return card


@router.post("/loyalty-cards/{card_id}/block", response=CardOut)
def card_block(request: HttpRequest, card_id: int, payload: BlockIn, response: HttpResponse):
    """Block the card: it gives no discount and an order carrying it cannot be posted."""
    user = _staff(request)
    card = services.card_block(card=_card(request, card_id), reason=payload.reason, by=user)
    with_etag(response, card)
    return card


@router.post("/loyalty-cards/{card_id}/replace", response={201: CardOut})
def card_replace(request: HttpRequest, card_id: int, payload: ReplaceIn, response: HttpResponse):
    """Replace the card by a new one of the same kind and holder; answers the new card."""
    user = _staff(request)
    new = services.card_replace(
        card=_card(request, card_id), number=payload.number, reason=payload.reason, by=user
    )
    with_etag(response, new)
    return Status(201, new)
