"""Closing and reopening a deal (D10): win, lose with a reason, and the head's reopen.
Each closes or reopens in one transaction and recomputes the kind's probabilities (D9)
after commit."""

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.core.errors import Conflict, ValidationFailed, Violation
from ladoga.core.events import Event, event_announce
from ladoga.partners.models import Partner

from .. import funnel
from ..errors import DealForbidden, DealStageBlocked
from ..errors import DealsCode as C
from ..models import Deal, DealAction, DealStatus, LossReason, StageOutcome
from ._common import CHANGE, is_head, permission_check
from .lifecycle import (
    entry_violations,
    locked_deal,
    open_check,
    probability_recompute_later,
    stage_enter,
)


def win(deal: Deal, *, by, comment: str) -> Deal:
    """Enter the won stage of a locked, open deal (its guards checked); `deal_move` to the
    won stage ends here too."""
    won = None
    if deal.kind.has_stages:
        won = next(s for s in deal.kind.stages.all() if s.outcome == StageOutcome.WON)
        violations = entry_violations(deal, won)
        if violations:
            raise DealStageBlocked(violations)
    stage_enter(deal, won, action=DealAction.WON, by=by, comment=comment, status=DealStatus.WON)
    probability_recompute_later(deal.kind_id)
    event_announce(Event.DEAL_WON, obj=deal)
    return deal


@transaction.atomic
def deal_win(
    *, deal: Deal, by: User | None, expected_version: int | None = None, comment: str = ""
) -> Deal:
    """Close a deal as won (D10). A strict kind's deal must stand at its last stage and
    meet the won stage's guards (e.g. a posted customer order)."""
    permission_check(by, CHANGE)
    deal = locked_deal(deal, expected_version)
    open_check(deal)
    return win(deal, by=by, comment=comment)


@transaction.atomic
def deal_lose(
    *,
    deal: Deal,
    reason: LossReason | None,
    by: User | None,
    competitor: Partner | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Deal:
    """Close a deal as lost (D10): a reason from the catalogue is required, and the
    competitor that won may be named. The funnel counts the loss at the stage the deal
    was in."""
    permission_check(by, CHANGE)
    deal = locked_deal(deal, expected_version)
    open_check(deal)
    violations: list[Violation] = []
    if reason is None:
        violations.append(
            Violation(C.LOSS_REASON_REQUIRED, _("Choose why the deal was lost."), "reason")
        )
    elif not reason.is_active:
        violations.append(
            Violation(C.LOSS_REASON_UNKNOWN, _("This reason is no longer in use."), "reason")
        )
    if competitor is not None and (
        competitor.pk == deal.partner_id or not competitor.is_competitor
    ):
        violations.append(
            Violation(
                C.COMPETITOR_INVALID,
                _("The winner named must be a partner marked as a competitor."),
                "competitor_id",
            )
        )
    if violations:
        raise ValidationFailed(violations)
    lost = None
    if deal.kind.has_stages:
        lost = next(s for s in deal.kind.stages.all() if s.outcome == StageOutcome.LOST)
    stage_enter(
        deal,
        lost,
        action=DealAction.LOST,
        by=by,
        comment=comment,
        status=DealStatus.LOST,
        loss_reason=reason,
        competitor=competitor,
        lost_at_stage=deal.stage if deal.stage is not None and deal.stage.is_open else None,
    )
    funnel.lost(deal, 1)
    probability_recompute_later(deal.kind_id)
    event_announce(Event.DEAL_LOST, obj=deal)
    return deal


@transaction.atomic
def deal_reopen(
    *, deal: Deal, by: User, expected_version: int | None = None, comment: str = ""
) -> Deal:
    """Reopen a won or lost deal (heads and administrators only): it returns to the
    stage it was closed from, and the loss reason and competitor are cleared (they stay
    in the history)."""
    if not is_head(by):
        raise DealForbidden.single(
            C.REOPEN_FORBIDDEN, _("Only a head of sales reopens a closed deal."), "status"
        )
    deal = locked_deal(deal, expected_version)
    if not deal.is_closed:
        raise Conflict.single(C.NOT_CLOSED, _("The deal is not closed."), "status")
    back_to = None
    if deal.kind.has_stages:
        back_to = deal.lost_at_stage
        if back_to is None:
            closing = (
                deal.transitions.filter(action__in=[DealAction.WON, DealAction.LOST])
                .select_related("from_stage")
                .order_by("-at", "-id")
                .first()
            )
            back_to = closing.from_stage if closing else None
        if back_to is None or not back_to.is_open:
            back_to = [s for s in deal.kind.stages.all() if s.is_open][-1]
    if deal.status == DealStatus.LOST:
        funnel.lost(deal, -1)
    stage_enter(
        deal,
        back_to,
        action=DealAction.REOPENED,
        by=by,
        comment=comment,
        status=DealStatus.IN_PROGRESS,
        closed_at=None,
        loss_reason=None,
        competitor=None,
        lost_at_stage=None,
    )
    probability_recompute_later(deal.kind_id)
    return deal
