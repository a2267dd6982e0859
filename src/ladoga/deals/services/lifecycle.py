"""How a command changes a deal's state (D8): the deal re-read under a lock, the check that
it is still open, the history row of every step, the rules that keep a deal from entering
a stage and the entry itself — shared by the move, win, lose and reopen commands."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.core.errors import Violation
from ladoga.core.locking import locked_rows

from .. import funnel, guards
from ..errors import DealClosed
from ..errors import DealsCode as C
from ..facts import facts_of
from ..models import (
    Deal,
    DealAction,
    DealStatus,
    LossReason,
    Stage,
    StageOutcome,
    StageReach,
    StageTransition,
)
from ._common import clean
from .stage_tasks import tasks_create_for_stage


def locked_deal(deal: Deal, expected_version: int | None) -> Deal:
    """The deal re-read under a row lock (see _common.locked), with its kind and stage read
    after the lock (core.locking: a stage joined while waiting comes back empty)."""
    query = Deal.objects.select_related(
        "kind", "stage", "manager__department__head"
    ).prefetch_related("kind__stages")
    fresh = locked_rows(query.filter(pk=deal.pk)).get()
    if expected_version is not None:
        from ladoga.core.versioning import version_check

        version_check(record=fresh, expected=expected_version)
    return fresh


def open_check(deal: Deal) -> None:
    if deal.is_closed:
        raise DealClosed.single(
            C.CLOSED,
            _("The deal is %(status)s: a head reopens it before it can change.")
            % {"status": deal.get_status_display().lower()},
            "status",
        )


def probability_recompute_later(kind_id: int) -> None:
    """Closing or reopening changes the finished sample (D9): recompute in the background
    once the transaction has committed."""
    from ..tasks import probability_recompute

    transaction.on_commit(lambda: probability_recompute(kind_id))


# --- history ---------------------------------------------------------------------------------


def history_record(
    deal: Deal,
    *,
    action: str,
    to_stage: Stage | None,
    to_status: str,
    by,
    at: datetime.datetime,
    loss_reason: LossReason | None = None,
    comment: str = "",
) -> None:
    StageTransition.objects.create(
        deal=deal,
        action=action,
        from_stage=deal.stage if action != DealAction.CREATED else None,
        to_stage=to_stage,
        from_status=deal.status if action != DealAction.CREATED else "",
        to_status=to_status,
        by=by,
        at=at,
        loss_reason=loss_reason,
        comment=clean(comment)[:500],
    )
    if to_stage is not None:
        if action == DealAction.CREATED:
            funnel.opened(deal, to_stage.pk)
        # The deal is locked, so no other transaction adds its reach meanwhile.
        if not StageReach.objects.filter(deal=deal, stage=to_stage).exists():
            StageReach.objects.create(deal=deal, stage=to_stage, first_at=at)
            funnel.reached(deal, to_stage.pk)


def stage_enter(deal: Deal, stage: Stage | None, *, action: str, by, comment: str = "", **fields):
    now = timezone.now()
    to_status = fields.get("status", deal.status)
    history_record(
        deal,
        action=action,
        to_stage=stage,
        to_status=to_status,
        by=by,
        at=now,
        loss_reason=fields.get("loss_reason"),
        comment=comment,
    )
    deal.stage = stage
    deal.stage_entered_at = now
    for name, value in fields.items():
        setattr(deal, name, value)
    if to_status in (DealStatus.WON, DealStatus.LOST):
        deal.closed_at = now
    # The step is recorded as a StageTransition row (D8), the deal's own history of moves;
    # a field-by-field snapshot of the whole deal on every move would only repeat it.
    deal.skip_history_when_saving = True
    try:
        deal.save()
    finally:
        del deal.skip_history_when_saving
    if stage is not None and action in (DealAction.MOVED, DealAction.WON, DealAction.LOST):
        tasks_create_for_stage(deal=deal, stage=stage)
    return deal


def entry_violations(deal: Deal, target: Stage, facts=None) -> list[Violation]:
    """Every reason `deal` may not enter `target` now: a skipped stage (strict kinds), the
    target's guards (strict kinds) and the current stage's open required tasks when it
    asks for them done before leaving (any kind with stages).

    `facts` (guards.DealFacts) are gathered here when not given; a caller asking about
    every stage at once (queries.deal_moves_available) gathers them once for all."""
    violations = order_violations(deal, target)
    codes = entry_guard_codes(deal, target)
    if codes:
        if facts is None:
            facts = facts_of(deal, guards.needed_facts(codes))
        violations += guards.unmet(facts, codes)
    return violations


def order_violations(deal: Deal, target: Stage) -> list[Violation]:
    """A strict kind's stages are passed in order: entering `target` may not skip the next
    open stage (see stage_order_violations)."""
    if not deal.kind.is_strict:
        return []
    open_stages = [s for s in deal.kind.stages.all() if s.is_open]
    return stage_order_violations(open_stages, deal.stage, target)


def stage_order_violations(
    open_stages: list[Stage], current: Stage | None, target: Stage
) -> list[Violation]:
    """The order rule of a strict kind with open stages `open_stages` (in order): from
    `current`, `target` (the won stage counts as the one after the last open stage) may be
    at most the next one. Depends only on the stage a deal stands at, so the pipeline board
    asks it once per pair of columns."""
    ids = [s.pk for s in open_stages]
    here = ids.index(current.pk) if current is not None and current.pk in ids else -1
    there = len(ids) if target.outcome == StageOutcome.WON else ids.index(target.pk)
    if there <= here + 1:
        return []
    following = open_stages[here + 1] if here + 1 < len(open_stages) else None
    return [
        Violation(
            C.STAGE_SKIPPED,
            _("Stages are passed in order: the next one is %(stage)s.")
            % {"stage": following.name if following else target.name},
            "stage",
        )
    ]


def entry_guard_codes(deal: Deal, target: Stage) -> list[str]:
    """The guards checked when `deal` enters `target`: the target's own (strict kinds) and
    the current stage's required tasks when it asks for them done before leaving."""
    codes = list(target.guards) if deal.kind.is_strict else []
    current = deal.stage
    if current is not None and current.requires_tasks_done and guards.TASKS_OPEN not in codes:
        codes.append(guards.TASKS_OPEN)
    return codes
