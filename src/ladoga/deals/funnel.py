"""Keeping the funnel's running totals (models.FunnelCell) in step with the deals (A1).

The funnel never grows from one stage to the next: a deal that reached a stage has passed
every earlier open stage of its kind's order (position, then id), so it counts as having
reached each of them — once per deal — even when it was opened at a later stage or skipped
one on a manual kind. The won stage counts only the deals that reached it; reaching the
lost stage passes nothing. StageReach itself stays literal (the probability estimate, D9,
reads "from the current stage").

A deal contributes one "reached" cell per stage it passed in that sense, and — when lost at
a stage — one "lost" cell for that stage and reason, each counting 1 and the deal's amount,
under its kind, opening day, manager and currency. The deal commands call `reached` when a
deal first reaches a stage, and `withdraw`/`contribute` around any change of the other keys
(amount, currency, manager, a loss or a reopening), inside their transaction and after
locking the deal, so the totals never drift. `rebuild` recomputes them from the facts
(StageReach and the deals) and is what bulk loaders (demo, benchmark data) call.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from .models import Deal, DealStatus, FunnelCell, FunnelMeasure, Stage, StageOutcome, StageReach


def passed(kind_id: int, reached_ids) -> list[int]:
    """The stages a deal that reached `reached_ids` counts at in the funnel: those it
    reached, and every open stage ordered at or before a non-lost stage it reached."""
    reached_ids = set(reached_ids)
    stages = list(
        Stage.objects.filter(kind_id=kind_id)
        .order_by("position", "id")
        .values_list("id", "outcome")
    )
    deepest = max(
        (
            index
            for index, (stage_id, outcome) in enumerate(stages)
            if stage_id in reached_ids and outcome != StageOutcome.LOST
        ),
        default=-1,
    )
    return [
        stage_id
        for index, (stage_id, outcome) in enumerate(stages)
        if stage_id in reached_ids or (outcome == StageOutcome.OPEN and index <= deepest)
    ]


def _add(*, deal: Deal, stage_id: int, measure: str, reason_id: int, sign: int) -> None:
    key = {
        "kind_id": deal.kind_id,
        "stage_id": stage_id,
        "day": deal.opened_on,
        "manager_id": deal.manager_id,
        "currency": deal.currency,
        "measure": measure,
        "reason_id": reason_id,
    }
    amount = (deal.amount or Decimal("0")) * sign
    cells = FunnelCell.objects.filter(**key)
    if cells.update(deals=F("deals") + sign, amount=F("amount") + amount):
        return
    try:
        with transaction.atomic():
            FunnelCell.objects.create(**key, deals=sign, amount=amount)
    except IntegrityError:
        # Another deal's transaction created the cell first: add to it.
        cells.update(deals=F("deals") + sign, amount=F("amount") + amount)


def opened(deal: Deal, stage_id: int) -> None:
    """`deal` has just been opened at `stage_id`."""
    _add(deal=deal, stage_id=stage_id, measure=FunnelMeasure.OPENED, reason_id=0, sign=1)


def reached(deal: Deal, stage_id: int) -> None:
    """`deal` has just reached `stage_id` for the first time (its StageReach is written):
    add it to every stage it now passes and did not before."""
    reach = set(StageReach.objects.filter(deal=deal).values_list("stage_id", flat=True))
    reach.add(stage_id)
    before = set(passed(deal.kind_id, reach - {stage_id}))
    for passed_id in passed(deal.kind_id, reach):
        if passed_id not in before:
            _add(deal=deal, stage_id=passed_id, measure=FunnelMeasure.REACHED, reason_id=0, sign=1)


def lost(deal: Deal, sign: int) -> None:
    """`deal` has just been lost (+1), or a lost deal reopened (-1)."""
    if deal.lost_at_stage_id is not None:
        _add(
            deal=deal,
            stage_id=deal.lost_at_stage_id,
            measure=FunnelMeasure.LOST,
            reason_id=deal.loss_reason_id or 0,
            sign=sign,
        )


def _apply(deal: Deal, sign: int) -> None:
    from .models import DealAction, StageTransition

    first = (
        StageTransition.objects.filter(deal=deal, action=DealAction.CREATED)
        .values_list("to_stage_id", flat=True)
        .first()
    )
    if first is not None:
        _add(deal=deal, stage_id=first, measure=FunnelMeasure.OPENED, reason_id=0, sign=sign)
    reach = StageReach.objects.filter(deal=deal).values_list("stage_id", flat=True)
    for stage_id in passed(deal.kind_id, reach):
        _add(deal=deal, stage_id=stage_id, measure=FunnelMeasure.REACHED, reason_id=0, sign=sign)
    if deal.status == DealStatus.LOST:
        lost(deal, sign)


def withdraw(deal: Deal) -> None:
    """Take the deal's contributions out (before its keys change)."""
    _apply(deal, -1)


def contribute(deal: Deal) -> None:
    """Put the deal's contributions in (after its keys changed)."""
    _apply(deal, 1)


@transaction.atomic
def rebuild(*, kind_ids=None) -> int:
    """Recompute the cells of the given kinds (all when None) from the facts. Idempotent."""
    from .models import DealAction, StageTransition

    cells = FunnelCell.objects.all()
    losses = Deal.objects.filter(status=DealStatus.LOST, lost_at_stage__isnull=False)
    starts = StageTransition.objects.filter(action=DealAction.CREATED, to_stage__isnull=False)
    if kind_ids is not None:
        cells = cells.filter(kind_id__in=kind_ids)
        losses = losses.filter(kind_id__in=kind_ids)
        starts = starts.filter(deal__kind_id__in=kind_ids)
    kinds = Stage.objects.values("kind_id")
    if kind_ids is not None:
        kinds = kinds.filter(kind_id__in=kind_ids)
    cells.delete()
    rows = [
        FunnelCell(
            kind_id=row["deal__kind_id"],
            stage_id=row["to_stage_id"],
            day=row["deal__opened_on"],
            manager_id=row["deal__manager_id"],
            currency=row["deal__currency"],
            measure=FunnelMeasure.OPENED,
            reason_id=0,
            deals=row["n"],
            amount=row["amount"] or 0,
        )
        for row in starts.values(
            "deal__kind_id", "to_stage_id", "deal__opened_on", "deal__manager_id", "deal__currency"
        )
        .annotate(n=Count("id"), amount=Sum("deal__amount"))
        .order_by()
        .iterator(chunk_size=5000)
    ]
    for stage in Stage.objects.filter(kind_id__in=kinds).order_by("kind_id", "position", "id"):
        rows += _reached_cells(stage)
    rows += [
        FunnelCell(
            kind_id=row["kind_id"],
            stage_id=row["lost_at_stage_id"],
            day=row["opened_on"],
            manager_id=row["manager_id"],
            currency=row["currency"],
            measure=FunnelMeasure.LOST,
            reason_id=row["loss_reason_id"] or 0,
            deals=row["n"],
            amount=row["amount"] or 0,
        )
        for row in losses.values(
            "kind_id", "lost_at_stage_id", "opened_on", "manager_id", "currency", "loss_reason_id"
        )
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
        .iterator(chunk_size=5000)
    ]
    FunnelCell.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _reached_cells(stage: Stage) -> list[FunnelCell]:
    """The "reached" cells of one stage, from the facts: for an open stage, the deals of its
    kind that reached it or a later non-lost stage; for the won and lost stages, the deals
    that reached them."""
    later = StageReach.objects.filter(deal=OuterRef("pk"))
    if stage.outcome == StageOutcome.OPEN:
        later = later.filter(
            Q(stage__position__gt=stage.position)
            | Q(stage__position=stage.position, stage__id__gte=stage.pk)
        ).exclude(stage__outcome=StageOutcome.LOST)
    else:
        later = later.filter(stage=stage)
    deals = Deal.objects.filter(Exists(later), kind_id=stage.kind_id)
    return [
        FunnelCell(
            kind_id=stage.kind_id,
            stage_id=stage.pk,
            day=row["opened_on"],
            manager_id=row["manager_id"],
            currency=row["currency"],
            measure=FunnelMeasure.REACHED,
            reason_id=0,
            deals=row["n"],
            amount=row["amount"] or 0,
        )
        for row in deals.values("opened_on", "manager_id", "currency")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
        .iterator(chunk_size=5000)
    ]
