"""The classification API (SPEC A7): current classes, recomputation, settings, and a
partner's class. Handlers parse, call a query or service, and answer."""

import datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.core.numbers import money
from ladoga.partners.queries import partners_visible_to

from . import classification_services as services
from .classification_queries import classes_visible_to, current_classes

router = Router(tags=["analytics"])


class ClassOut(Schema):
    partner_id: int
    partner_name: str
    abc: str
    xyz: str
    label: str
    value: Decimal
    revenue: Decimal
    share: Decimal
    cumulative_share: Decimal
    cv: Decimal | None
    since: datetime.date
    previous: str
    rfm: str
    recency: int
    frequency: int
    monetary: int

    @staticmethod
    def resolve_partner_name(row) -> str:
        return row.partner.name

    @staticmethod
    def resolve_revenue(row) -> Decimal:
        return money(row.revenue)

    @staticmethod
    def resolve_value(row) -> Decimal:
        return money(row.value)


class PartnerClassOut(Schema):
    partner_id: int
    abc: str
    xyz: str
    label: str
    since: datetime.date | None
    previous: str


class RunOut(Schema):
    id: int
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    scheduled: bool
    basis: str
    months: int
    period_start: datetime.date
    period_end: datetime.date
    clients: int


class SettingsIO(Schema):
    basis: str = "revenue"
    a_share: Decimal
    b_share: Decimal
    c_share: Decimal
    months: int
    x_limit: Decimal
    y_limit: Decimal
    stopped_factor: Decimal = Decimal("3")


@router.get("/analytics/classification", response=list[ClassOut])
@paginate(LimitOffsetPagination)
def classification_list(request: HttpRequest, abc: str = "", xyz: str = "", rfm: str = ""):
    """The current class of every client the caller may see; filter by `abc`, `xyz`
    ("-" for unmeasured demand) or `rfm` segment."""
    rows = classes_visible_to(user=request.user)
    if abc:
        rows = rows.filter(abc=abc.upper())
    if xyz:
        rows = rows.filter(xyz="" if xyz == "-" else xyz.upper())
    if rfm:
        rows = rows.filter(rfm=rfm)
    return rows.order_by("-value", "partner_id")


@router.post("/analytics/classification/recompute", response={201: RunOut})
def classification_recompute(request: HttpRequest):
    return 201, services.classification_recompute(by=request.user)


@router.get("/analytics/classification/settings", response=SettingsIO)
def settings_get(request: HttpRequest):
    return services.settings_current()


@router.put("/analytics/classification/settings", response=SettingsIO)
def settings_put(request: HttpRequest, payload: SettingsIO):
    return services.classification_settings_update(by=request.user, **payload.dict())


@router.get("/partners/{partner_id}/class", response=PartnerClassOut)
def partner_class(request: HttpRequest, partner_id: int):
    """The partner's current class; 404 for a partner the caller may not see or one that
    has no class yet."""
    partner = get_object_or_404(partners_visible_to(user=request.user), pk=partner_id)
    found = current_classes([partner.pk]).get(partner.pk)
    if found is None:
        raise Http404
    return {
        "partner_id": partner.pk,
        "abc": found.abc,
        "xyz": found.xyz,
        "label": found.label,
        "since": found.since,
        "previous": found.previous,
    }
