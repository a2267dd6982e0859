"""The claims API (C1–C3, C5): claims, their transitions, comments and plan, the reason
catalogue and the three claim reports. Portal clients use the portal, not this API."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts import access
from ladoga.accounts.models import Department, User
from ladoga.accounts.queries import colleagues_visible_to
from ladoga.core.api import Money, expected_version, with_etag
from ladoga.core.errors import ValidationFailed, Violation
from ladoga.core.exports import table_response
from ladoga.partners.models import Counterparty, Partner

from . import links, queries, reports, services
from .errors import ClaimsCode
from .models import Claim
from .plan import plan_task_add

router = Router(tags=["claims"])


# --- Schemas --------------------------------------------------------------------------


class ClaimOut(Schema):
    id: int
    number: str
    date: datetime.date
    partner_id: int
    partner_name: str = Field(..., alias="partner.name")
    counterparty_id: int | None
    order_id: int | None
    deal_id: int | None
    interaction_id: int | None
    essence: str
    reason_id: int | None
    culprit_department_id: int | None
    culprit_employee_id: int | None
    responsible_id: int | None
    status: str
    resolution: str
    result: str
    compensation: Money
    currency: str
    resolved_on: datetime.date | None
    source: str
    version: int
    created_at: datetime.datetime


class ClaimTransitionOut(Schema):
    from_status: str
    to_status: str
    resolution: str
    comment: str
    at: datetime.datetime
    by_id: int | None


class PlanTaskOut(Schema):
    id: int
    title: str
    assignee_id: int
    due_date: datetime.date | None
    status: str
    completed_at: datetime.datetime | None


class PlanOut(Schema):
    total: int
    done: int
    progress: int
    tasks: list[PlanTaskOut]


class ClaimDetailOut(ClaimOut):
    transitions: list[ClaimTransitionOut]
    plan: PlanOut

    @staticmethod
    def resolve_transitions(obj):
        return list(queries.claim_transitions(claim=obj))

    @staticmethod
    def resolve_plan(obj):
        return queries.claim_plan(claim=obj)


class ClaimIn(Schema):
    partner_id: int
    essence: str = Field(..., max_length=10_000)
    date: datetime.date | None = None
    counterparty_id: int | None = None
    order_id: int | None = None
    deal_id: int | None = None
    interaction_id: int | None = None
    reason_id: int | None = None
    culprit_department_id: int | None = None
    culprit_employee_id: int | None = None
    responsible_id: int | None = None
    compensation: Decimal = Decimal("0")


class ClaimPatch(Schema):
    date: datetime.date | None = None
    essence: str | None = Field(None, max_length=10_000)
    counterparty_id: int | None = None
    order_id: int | None = None
    deal_id: int | None = None
    reason_id: int | None = None
    culprit_department_id: int | None = None
    culprit_employee_id: int | None = None
    responsible_id: int | None = None
    result: str | None = Field(None, max_length=10_000)
    compensation: Decimal | None = None


class ClaimTransitionIn(Schema):
    status: str = Field(..., max_length=16)
    resolution: str | None = Field(None, max_length=16)
    result: str | None = Field(None, max_length=10_000)
    compensation: Decimal | None = None
    comment: str = Field("", max_length=2000)


class CommentOut(Schema):
    id: int
    text: str
    is_public: bool
    from_client: bool
    author_id: int | None
    created_at: datetime.datetime


class CommentIn(Schema):
    text: str = Field(..., max_length=5000)
    is_public: bool = False


class PlanTaskIn(Schema):
    title: str = Field(..., max_length=255)
    assignee_id: int
    due_date: datetime.date | None = None
    description: str = Field("", max_length=5000)


class ClaimInteractionOut(Schema):
    id: int
    kind: str
    title: str
    start: datetime.datetime | None
    responsible_id: int


class ClaimReasonOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool


class ReasonIn(Schema):
    name: str = Field(..., max_length=150)
    description: str = Field("", max_length=2000)


class ClaimFilters(Schema):
    q: str = ""
    status: str = ""
    resolution: str = ""
    partner: int | None = None
    reason: int | None = None
    department: int | None = None
    responsible: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    open_only: bool = False


class ReportFilters(Schema):
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    department: int | None = None
    reason: int | None = None
    format: Literal["json", "csv", "xlsx"] = "json"


class DynamicsRowOut(Schema):
    month: str
    department_id: int | None
    department: str
    registered: int
    resolved: int
    open: int

    @staticmethod
    def resolve_month(obj) -> str:
        return f"{obj.month:%Y-%m}"


class DynamicsOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    rows: list[DynamicsRowOut]
    totals: list[DynamicsRowOut]


class SatisfactionRowOut(Schema):
    reason_id: int | None
    reason: str
    total: int
    satisfied: int
    partly: int
    rejected: int
    satisfied_share: Decimal
    partly_share: Decimal
    rejected_share: Decimal


class SatisfactionOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    rows: list[SatisfactionRowOut]
    total: SatisfactionRowOut


class NamedOut(Schema):
    id: int | None
    name: str


class CellOut(Schema):
    department_id: int | None
    reason_id: int | None
    count: int


class StructureOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    departments: list[NamedOut]
    reasons: list[NamedOut]
    cells: list[CellOut]
    total: int


# --- Helpers --------------------------------------------------------------------------


def _staff(request: HttpRequest, permission: str) -> User:
    """The acting staff member; portal clients and users without `permission` get 403."""
    user = request.user
    if user.is_portal:
        raise PermissionDenied(_("Portal users work in the client portal."))
    if not user.has_perm(permission):
        raise PermissionDenied(_("You may not do this."))
    return user


def _claim(request: HttpRequest, claim_id: int) -> Claim:
    return access.get_visible_or_404(
        queries.claims_visible_to(user=request.user), request.user, pk=claim_id
    )


def _refs(user: User, data: dict, *, partner: Partner) -> dict:
    """Turn the `*_id` fields of a payload into records the user may use: the partner's
    own counterparties and orders, reasons, departments, staff. An unknown id is a 422 on
    its field (and tells nothing about others' records)."""
    staff = colleagues_visible_to(user=user)
    lookups = {
        "counterparty_id": Counterparty.objects.filter(partner=partner),
        "order_id": links.orders_of(partner=partner),
        "deal_id": links.deals_of(partner=partner),
        "reason_id": queries.reasons_visible_to(user=user),
        "culprit_department_id": Department.objects.all(),
        "culprit_employee_id": staff,
        "responsible_id": staff,
    }
    found, violations = {}, []
    for key, value in data.items():
        if key not in lookups:
            found[key] = value
            continue
        name = key.removesuffix("_id")
        if value is None:
            found[name] = None
            continue
        record = lookups[key].filter(pk=value).first()
        if record is None:
            violations.append(
                Violation(
                    f"claim_{name}_unknown",
                    _("There is no %(what)s number %(id)s that you can see.")
                    % {"what": Claim._meta.get_field(name).verbose_name, "id": value},
                    key,
                )
            )
        found[name] = record
    if violations:
        raise ValidationFailed(violations)
    return found


# --- Claims ---------------------------------------------------------------------------


@router.get("/claims", response=list[ClaimOut])
@paginate(LimitOffsetPagination)
def claim_list(request: HttpRequest, filters: Query[ClaimFilters]):
    """Claims the caller may see, newest first, with filters."""
    _staff(request, "claims.view_claim")
    return queries.claims_filter(queries.claims_visible_to(user=request.user), **filters.dict())


@router.post("/claims", response={201: ClaimOut})
def claim_create(request: HttpRequest, payload: ClaimIn, response: HttpResponse):
    """Register a claim; its number (CL-YYYY-NNNNNN) is given on saving."""
    user = _staff(request, "claims.add_claim")
    data = payload.dict(exclude_unset=True)
    partner = queries.partners_for_claims(user=user).filter(pk=data.pop("partner_id")).first()
    if partner is None:
        raise ValidationFailed.single(
            ClaimsCode.PARTNER_REQUIRED,
            _("There is no partner with this number that you can see."),
            "partner_id",
        )
    interaction = None
    if data.get("interaction_id"):
        from .integrations import interaction_for_claim

        interaction = interaction_for_claim(interaction_id=data["interaction_id"], user=user)
        if interaction is None:
            raise ValidationFailed.single(
                ClaimsCode.INTERACTION_UNKNOWN,
                _("There is no interaction with this number that you can see."),
                "interaction_id",
            )
    data.pop("interaction_id", None)
    claim = services.claim_create(
        partner=partner, interaction=interaction, by=user, **_refs(user, data, partner=partner)
    )
    with_etag(response, claim)
    return Status(201, claim)


@router.get("/claims/{claim_id}", response=ClaimDetailOut)
def claim_get(request: HttpRequest, claim_id: int, response: HttpResponse):
    _staff(request, "claims.view_claim")
    claim = _claim(request, claim_id)
    with_etag(response, claim)
    return claim


@router.patch("/claims/{claim_id}", response=ClaimOut)
def claim_patch(request: HttpRequest, claim_id: int, payload: ClaimPatch, response: HttpResponse):
    """Change a claim's details; send its ETag in If-Match."""
    user = _staff(request, "claims.change_claim")
    claim = _claim(request, claim_id)
    version = expected_version(request)
    changes = _refs(user, payload.dict(exclude_unset=True), partner=claim.partner)
    claim = services.claim_update(claim=claim, expected_version=version, by=user, **changes)
    with_etag(response, claim)
    return claim


@router.post("/claims/{claim_id}/transition", response=ClaimOut)
def claim_transition(
    request: HttpRequest, claim_id: int, payload: ClaimTransitionIn, response: HttpResponse
):
    """Move the claim one step: registered → investigating → resolved → closed. Resolving
    needs `resolution` (satisfied, partly, rejected) and `result`. If-Match is optional."""
    user = _staff(request, "claims.change_claim")
    claim = _claim(request, claim_id)
    version = expected_version(request) if request.headers.get("If-Match") else None
    claim = services.claim_transition(
        claim=claim,
        status=payload.status,
        by=user,
        expected_version=version,
        resolution=payload.resolution,
        result=payload.result,
        compensation=payload.compensation,
        comment=payload.comment,
    )
    with_etag(response, claim)
    return claim


@router.get("/claims/{claim_id}/comments", response=list[CommentOut])
@paginate(LimitOffsetPagination)
def claim_comments(request: HttpRequest, claim_id: int):
    user = _staff(request, "claims.view_claimcomment")
    return queries.claim_comments(claim=_claim(request, claim_id), user=user)


@router.post("/claims/{claim_id}/comments", response={201: CommentOut})
def claim_comment_add(request: HttpRequest, claim_id: int, payload: CommentIn):
    """Comment on a claim; `is_public` comments are shown to the client on the portal."""
    user = _staff(request, "claims.add_claimcomment")
    claim = _claim(request, claim_id)
    return Status(
        201,
        services.claim_comment_add(
            claim=claim, text=payload.text, is_public=payload.is_public, by=user
        ),
    )


@router.get("/claims/{claim_id}/plan", response=PlanOut)
def claim_plan(request: HttpRequest, claim_id: int):
    """The investigation plan: the claim's tasks and the share done."""
    _staff(request, "claims.view_claim")
    return queries.claim_plan(claim=_claim(request, claim_id))


@router.post("/claims/{claim_id}/plan", response={201: PlanTaskOut})
def claim_plan_add(request: HttpRequest, claim_id: int, payload: PlanTaskIn):
    """Add a task to the investigation plan (complete it with POST /tasks/{id}/complete)."""
    user = _staff(request, "claims.change_claim")
    claim = _claim(request, claim_id)
    assignee = colleagues_visible_to(user=user).filter(pk=payload.assignee_id).first()
    if assignee is None:
        raise ValidationFailed.single(
            ClaimsCode.TASK_ASSIGNEE_INVALID,
            _("A task is assigned to an active member of staff."),
            "assignee_id",
        )
    task = plan_task_add(
        claim=claim,
        title=payload.title,
        assignee=assignee,
        due_date=payload.due_date,
        description=payload.description,
        by=user,
    )
    return Status(201, task)


@router.get("/claims/{claim_id}/interactions", response=list[ClaimInteractionOut])
@paginate(LimitOffsetPagination)
def claim_interactions(request: HttpRequest, claim_id: int):
    """Interactions about the claim (and the one it was based on) that the caller may see."""
    user = _staff(request, "claims.view_claim")
    return queries.claim_interactions(claim=_claim(request, claim_id), user=user)


# --- Reasons --------------------------------------------------------------------------


@router.get("/claim-reasons", response=list[ClaimReasonOut], tags=["claims"])
@paginate(LimitOffsetPagination)
def reason_list(request: HttpRequest, active: bool = False):
    user = _staff(request, "claims.view_claimreason")
    return queries.reasons_visible_to(user=user, active_only=active)


@router.post("/claim-reasons", response={201: ClaimReasonOut}, tags=["claims"])
def reason_create(request: HttpRequest, payload: ReasonIn):
    user = _staff(request, "claims.add_claimreason")
    return Status(
        201,
        services.claim_reason_create(name=payload.name, description=payload.description, by=user),
    )


# --- Reports (C5) ---------------------------------------------------------------------


def _report(request: HttpRequest, name: str, filters: ReportFilters):
    user = _staff(request, "claims.view_claim")
    params = filters.dict()
    fmt = params.pop("format")
    report = reports.REPORTS[name](user=user, **params)
    if fmt != "json":
        headers, rows = report.table()
        return report, table_response(name=name, title=name, headers=headers, rows=rows, fmt=fmt)
    return report, None


@router.get("/reports/claims-dynamics", response=DynamicsOut, tags=["reports"])
def report_dynamics(request: HttpRequest, filters: Query[ReportFilters]):
    """Claims registered, resolved and open by month and culprit department.
    `?format=csv|xlsx` downloads the table."""
    report, download = _report(request, "claims-dynamics", filters)
    if download is not None:
        return download
    return {
        "date_from": report.period.date_from,
        "date_to": report.period.date_to,
        "rows": report.rows,
        "totals": report.totals,
    }


@router.get("/reports/claims-satisfaction", response=SatisfactionOut, tags=["reports"])
def report_satisfaction(request: HttpRequest, filters: Query[ReportFilters]):
    """Resolved claims by reason: satisfied, partly satisfied, rejected (counts, %)."""
    report, download = _report(request, "claims-satisfaction", filters)
    if download is not None:
        return download
    return {
        "date_from": report.period.date_from,
        "date_to": report.period.date_to,
        "rows": report.rows,
        "total": report.total,
    }


@router.get("/reports/claims-structure", response=StructureOut, tags=["reports"])
def report_structure(request: HttpRequest, filters: Query[ReportFilters]):
    """Claims registered in the period, culprit department × reason."""
    report, download = _report(request, "claims-structure", filters)
    if download is not None:
        return download
    return {
        "date_from": report.period.date_from,
        "date_to": report.period.date_to,
        "departments": [{"id": i, "name": n} for i, n in report.departments],
        "reasons": [{"id": i, "name": n} for i, n in report.reasons],
        "cells": [
            {"department_id": d, "reason_id": r, "count": n}
            for (d, r), n in sorted(
                report.cells.items(), key=lambda c: (str(c[0][0]), str(c[0][1]))
            )
        ],
        "total": report.total,
    }
