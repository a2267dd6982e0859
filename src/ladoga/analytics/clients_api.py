"""The API of deal monitoring (A11), contact norms overdue (A10) and the dossier (A9).
A filter naming a manager the user may not see, or a partner they may not see, is 404."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from ladoga.core.reports import staff

from . import dossier, monitoring, strategy
from .forms import OnDayManagerForm

router = Router(tags=["analytics"])


def _staff(request: HttpRequest) -> None:
    if not staff(request.user):
        raise PermissionDenied(_("Your role may not do this."))


def _filters(request: HttpRequest) -> dict:
    return OnDayManagerForm(request.GET, user=request.user).filters()


class MonitoringLineOut(Schema):
    signal: str
    deal_id: int
    deal_number: str
    deal_name: str
    partner_name: str
    manager_id: int
    manager_name: str
    detail: str
    due_on: datetime.date
    days_overdue: int
    url: str


class MonitoringOut(Schema):
    on: datetime.date
    counts: dict[str, int]
    lines: list[MonitoringLineOut]


class OverdueClientOut(Schema):
    partner_id: int
    partner_name: str
    manager_id: int
    manager_name: str
    norm_id: int
    norm_name: str
    norm_days: int
    last_contact_on: datetime.date | None
    last_contact_kind: str
    due_on: datetime.date
    days_overdue: int
    url: str


class OverdueOut(Schema):
    on: datetime.date
    count: int
    items: list[OverdueClientOut]


class DossierCardOut(Schema):
    number: str
    kind: str
    holder: str
    status: str
    percent: Decimal
    valid_to: datetime.date | None


class DossierOut(Schema):
    partner_id: int
    partner_name: str
    manager: str
    on: datetime.date
    classification: str
    segments: list[str]
    counterparties: list[dict]
    contacts: list[dict]
    relations: list[dict]
    agreements: list[dict]
    contracts: list[dict]
    open_deals: list[dict]
    closed_deals: list[dict]
    documents: list[dict]
    files: list[dict]
    timeline: list[dict]
    interactions_total: int
    claims: list[dict]
    revenue_by_month: list[dict]
    revenue_total: Decimal
    payments: dict
    loyalty_cards: list[DossierCardOut]


@router.get("/analytics/deal-monitoring", response=MonitoringOut)
def deal_monitoring(
    request: HttpRequest, on: datetime.date | None = None, manager: int | None = None
):
    """Stalled deals, stages past their norm, overdue tasks and deals past their expected
    close date, among the deals the user sees; `on` defaults to today."""
    _staff(request)
    result = monitoring.monitoring_report(user=request.user, **_filters(request))
    return {
        "on": result.on,
        "counts": {signal: result.count(signal) for signal in monitoring.SIGNAL_ORDER},
        "lines": [{**line.__dict__, "url": line.url} for line in result.lines],
    }


@router.get("/analytics/contact-norms/overdue", response=OverdueOut)
def contact_norms_overdue(
    request: HttpRequest, on: datetime.date | None = None, manager: int | None = None
):
    """The clients past their contact norm, per manager, with the last counted contact
    and the days overdue."""
    _staff(request)
    result = strategy.contact_norm_report(user=request.user, **_filters(request))
    return {
        "on": result.on,
        "count": len(result.rows),
        "items": [{**row.__dict__, "url": row.url} for row in result.rows],
    }


@router.get("/partners/{partner_id}/dossier", response=DossierOut, tags=["analytics", "partners"])
def partner_dossier(request: HttpRequest, partner_id: int):
    """Everything about one partner the user may see (A9), its loyalty cards included."""
    _staff(request)
    found = dossier.dossier_of(partner_id=partner_id, user=request.user)
    data = {k: v for k, v in found.__dict__.items() if k not in ("partner", "class_since")}
    manager = found.partner.manager
    return {
        **data,
        "partner_id": found.partner.pk,
        "partner_name": found.partner.name,
        "manager": (manager.get_full_name() or manager.username) if manager else "",
        "revenue_total": found.revenue_total,
    }
