"""The pipeline board of a kind (kanban): a column per stage, cards dragged between them
(deals/static/deals/board.js posts the move; a refused move shows the unmet guards and the
card goes back). Columns show their first cards and load more on demand, so a kind with
thousands of open deals renders in a fixed number of queries."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from ladoga.accounts import access

from .. import queries
from ..models import DealKind, ProcessType, Stage
from ._common import staff_required

PER_COLUMN = 25


@staff_required("deals.view_deal")
def board(request):
    kind = (
        queries.kinds_visible_to(user=request.user, active_only=True)
        .order_by("name")
        .exclude(process_type=ProcessType.NON_PROCESS)
        .first()
        or queries.kinds_visible_to(user=request.user).order_by("name").first()
    )
    if kind is None:
        raise Http404
    return redirect("deals:board_kind", kind.pk)


@staff_required("deals.view_deal")
def board_kind(request, kind_id: int):
    kind = access.get_visible_or_404(
        queries.kinds_visible_to(user=request.user), request.user, pk=kind_id
    )
    manager = request.GET.get("manager", "")
    manager = int(manager) if manager.isdigit() else None
    columns = queries.board_of(kind, user=request.user, per_column=PER_COLUMN, manager=manager)
    stages = list(kind.stages.all())
    # The next stage in order of each column: the move its cards offer.
    following = queries.board_next_stages(stages)
    return render(
        request,
        "deals/board.html",
        {
            "kind": kind,
            "kinds": access.visible(DealKind, request.user)
            .filter(is_active=True)
            .only("id", "name")
            .order_by("name"),
            "deals_root": reverse("deals:list"),
            "currency": queries.BASE_CURRENCY,
            "columns": columns,
            "won_stage": next((s for s in stages if s.outcome == "won"), None),
            "blocked": queries.board_blocked_moves(kind, stages),
            "next_stages": following,
            "next_of": {after.pk: pk for pk, after in following.items()},
            "lost_stage": next((s for s in stages if s.outcome == "lost"), None),
            "closed": queries.recently_closed(kind, user=request.user),
            "loss_reasons": queries.loss_reasons_visible_to(user=request.user, active_only=True),
            "manager": manager,
        },
    )


@staff_required("deals.view_deal")
def board_column(request, kind_id: int, stage_id: int):
    """More cards of one column (htmx), `?offset=` past those already shown."""
    kind = access.get_visible_or_404(DealKind, request.user, pk=kind_id)
    stage = None if stage_id == 0 else Stage.objects.filter(kind=kind, pk=stage_id).first()
    if stage_id and stage is None:
        raise Http404
    offset = request.GET.get("offset", "0")
    offset = int(offset) if offset.isdigit() else 0
    deals = queries.column_page(kind, stage, user=request.user, offset=offset, limit=PER_COLUMN)
    return render(
        request,
        "deals/_column_more.html",
        {
            "deals": deals,
            "kind": kind,
            "stage": stage,
            "next_offset": offset + PER_COLUMN if len(deals) == PER_COLUMN else None,
            "next_stages": queries.board_next_stages(list(kind.stages.all())),
            "deals_root": reverse("deals:list"),
        },
    )
