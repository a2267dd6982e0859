"""Keeping the funnel's running totals (models.FunnelCell) in step with the deals (A1).

A deal contributes one "reached" cell per stage it reached, and — when lost at a stage —
one "lost" cell for that stage and reason, each counting 1 and the deal's amount, under its
kind, opening day, manager and currency. The deal commands call `reached` when a deal first
reaches a stage, and `withdraw`/`contribute` around any change of the other keys (amount,
currency, manager, a loss or a reopening), inside their transaction and after locking the
deal, so the totals never drift. `rebuild` recomputes them from the facts (StageReach and
the deals) and is what bulk loaders (demo, benchmark data) call.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum

from .models import Deal, DealStatus, FunnelCell, FunnelMeasure, StageReach


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
    """`deal` has just reached `stage_id` for the first time."""
    _add(deal=deal, stage_id=stage_id, measure=FunnelMeasure.REACHED, reason_id=0, sign=1)


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
    for stage_id in StageReach.objects.filter(deal=deal).values_list("stage_id", flat=True):
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
    reach = StageReach.objects.all()
    losses = Deal.objects.filter(status=DealStatus.LOST, lost_at_stage__isnull=False)
    starts = StageTransition.objects.filter(action=DealAction.CREATED, to_stage__isnull=False)
    if kind_ids is not None:
        cells = cells.filter(kind_id__in=kind_ids)
        reach = reach.filter(deal__kind_id__in=kind_ids)
        losses = losses.filter(kind_id__in=kind_ids)
        starts = starts.filter(deal__kind_id__in=kind_ids)
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
    rows += [
        FunnelCell(
            kind_id=row["deal__kind_id"],
            stage_id=row["stage_id"],
            day=row["deal__opened_on"],
            manager_id=row["deal__manager_id"],
            currency=row["deal__currency"],
            measure=FunnelMeasure.REACHED,
            reason_id=0,
            deals=row["n"],
            amount=row["amount"] or 0,
        )
        for row in reach.values(
            "deal__kind_id", "stage_id", "deal__opened_on", "deal__manager_id", "deal__currency"
        )
        .annotate(n=Count("id"), amount=Sum("deal__amount"))
        .order_by()
        .iterator(chunk_size=5000)
    ]
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
