"""Deal kinds with their stages, guards and task templates (D1, D3, D4), and the catalogue
of loss reasons (D10). Everyone on the staff reads them; heads and administrators
configure them."""

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts.access import get_visible_or_404
from ladoga.accounts.models import User
from ladoga.core.api import expected_version, with_etag

from .. import guards, queries, services
from ..models import DealKind
from ._common import MANAGE_KINDS, VIEW, ref, require
from .schemas import (
    DealKindIn,
    DealKindOut,
    DealKindPatch,
    GuardOut,
    LossReasonIn,
    LossReasonOut,
)

router = Router(tags=["deal kinds"])


def _stage_specs(request: HttpRequest, stages) -> list[services.StageSpec]:
    return [
        services.StageSpec(
            code=s.code,
            name=s.name,
            outcome=s.outcome,
            default_probability=s.default_probability,
            guards=list(s.guards),
            requires_tasks_done=s.requires_tasks_done,
            norm_days=s.norm_days,
            task_templates=[
                services.TemplateSpec(
                    title=t.title,
                    description=t.description,
                    assignee_kind=t.assignee_kind,
                    assignee_role=t.assignee_role,
                    assignee_user=ref(
                        request,
                        User,
                        t.assignee_user_id,
                        f"stages.{i}.task_templates.{j}.assignee_user_id",
                        checked=False,
                    ),
                    due_in_days=t.due_in_days,
                    required=t.required,
                )
                for j, t in enumerate(s.task_templates)
            ],
        )
        for i, s in enumerate(stages)
    ]


def _links(links) -> list[services.LinkSpec]:
    return [services.LinkSpec(title=link.title, url=link.url) for link in links]


def _kind(request: HttpRequest, kind_id: int) -> DealKind:
    return get_visible_or_404(queries.kinds_visible_to(user=request.user), request.user, pk=kind_id)


@router.get("/deal-kinds", response=list[DealKindOut])
@paginate(LimitOffsetPagination)
def kind_list(request: HttpRequest, active: bool = False):
    """Deal kinds with their stages (in order), guards, task templates and links."""
    require(request, VIEW)
    return queries.kinds_visible_to(user=request.user, active_only=active).order_by("name")


@router.get("/deal-kinds/guards", response=list[GuardOut])
def guard_list(request: HttpRequest):
    """The guard rules a stage of a strict kind may ask for (D3)."""
    require(request, VIEW)
    return [
        {"code": g.code, "label": str(g.label), "message": str(g.message)}
        for g in guards.guards_all()
    ]


@router.post("/deal-kinds", response={201: DealKindOut})
def kind_create(request: HttpRequest, payload: DealKindIn, response: HttpResponse):
    require(request, MANAGE_KINDS)
    kind = services.deal_kind_create(
        name=payload.name,
        process_type=payload.process_type,
        description=payload.description,
        default_probability=payload.default_probability,
        stall_days=payload.stall_days,
        stages=_stage_specs(request, payload.stages),
        links=_links(payload.links),
        by=request.user,
    )
    found = _kind(request, kind.pk)
    with_etag(response, found)
    return Status(201, found)


@router.get("/deal-kinds/{kind_id}", response=DealKindOut)
def kind_get(request: HttpRequest, kind_id: int, response: HttpResponse):
    require(request, VIEW)
    found = _kind(request, kind_id)
    with_etag(response, found)
    return found


@router.patch("/deal-kinds/{kind_id}", response=DealKindOut)
def kind_update(request: HttpRequest, kind_id: int, payload: DealKindPatch, response: HttpResponse):
    """Change a kind; `stages` replaces the whole list (matched by code), `links` too."""
    require(request, VIEW)
    found = _kind(request, kind_id)
    require(request, MANAGE_KINDS)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "stall_days" in payload.model_fields_set:
        changes["stall_days"] = payload.stall_days
    if "stages" in changes:
        changes["stages"] = _stage_specs(request, payload.stages)
    if "links" in changes:
        changes["links"] = _links(payload.links)
    services.deal_kind_update(
        kind=found, expected_version=expected_version(request), by=request.user, **changes
    )
    found = _kind(request, kind_id)
    with_etag(response, found)
    return found


@router.get("/deal-loss-reasons", response=list[LossReasonOut], tags=["deals"])
@paginate(LimitOffsetPagination)
def reason_list(request: HttpRequest, active: bool = False):
    require(request, VIEW)
    return queries.loss_reasons_visible_to(user=request.user, active_only=active)


@router.post("/deal-loss-reasons", response={201: LossReasonOut}, tags=["deals"])
def reason_create(request: HttpRequest, payload: LossReasonIn):
    require(request, MANAGE_KINDS)
    return Status(
        201,
        services.loss_reason_create(
            name=payload.name, description=payload.description, by=request.user
        ),
    )
