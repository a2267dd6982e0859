"""Moving a deal through the stages of its kind (D3, D8): the move command, which checks
the target stage's entry rules (`lifecycle.entry_violations`)."""

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.core.events import Event, event_announce

from ..errors import DealsCode as C
from ..errors import DealStageBlocked
from ..models import Deal, DealAction, Stage, StageOutcome
from ._common import CHANGE, permission_check
from .closing import win
from .lifecycle import entry_violations, locked_deal, open_check, stage_enter


@transaction.atomic
def deal_move(
    *,
    deal: Deal,
    stage: Stage,
    by: User | None,
    expected_version: int | None = None,
    comment: str = "",
) -> Deal:
    """Move a deal to `stage` of its own kind, checking the stage's guards.

    Creates the stage's tasks and records the transition. Raises DealStageBlocked listing
    every unmet guard (and a skipped stage); nothing is written then. Moving to the won
    stage wins the deal; the lost stage needs a reason, so it is refused here (use
    `deal_lose`)."""
    permission_check(by, CHANGE)
    deal = locked_deal(deal, expected_version)
    open_check(deal)
    if stage.kind_id != deal.kind_id:
        raise ValidationFailed.single(
            C.STAGE_OTHER_KIND,
            _("The stage %(stage)s is not a stage of the deal's kind.") % {"stage": stage.name},
            "stage",
        )
    if stage.outcome == StageOutcome.WON:
        return win(deal, by=by, comment=comment)
    if stage.outcome == StageOutcome.LOST:
        raise ValidationFailed.single(
            C.LOSS_REASON_REQUIRED,
            _("A lost deal needs a reason: close it with “Lost” and choose one."),
            "reason",
        )
    if stage.pk == deal.stage_id:
        raise Conflict.single(
            C.STAGE_SAME,
            _("The deal is already at the stage %(stage)s.") % {"stage": stage.name},
            "stage",
        )
    violations = entry_violations(deal, stage)
    if violations:
        raise DealStageBlocked(violations)
    deal = stage_enter(deal, stage, action=DealAction.MOVED, by=by, comment=comment)
    event_announce(Event.DEAL_MOVED, obj=deal)
    return deal
