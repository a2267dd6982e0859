"""The investigation plan (C2): a claim's tasks on the product's one Task model.

The tasks are the interactions domain's; these commands only give them the claim as
their subject and refuse changes to a closed claim's plan.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.core.errors import Conflict
from ladoga.interactions.models import Task
from ladoga.interactions.services import task_complete, task_create

from .errors import ClaimsCode
from .integrations import SUBJECT_KEY
from .models import Claim, ClaimStatus


def _open_check(claim: Claim) -> None:
    if claim.status == ClaimStatus.CLOSED:
        raise Conflict.single(
            ClaimsCode.CLAIM_CLOSED,
            _("Claim %(number)s is closed; its plan no longer changes.") % {"number": claim.number},
        )


@transaction.atomic
def plan_task_add(
    *,
    claim: Claim,
    title: str,
    assignee: User,
    by: User,
    due_date: datetime.date | None = None,
    description: str = "",
) -> Task:
    """Add a step to the claim's investigation plan: a task for `assignee` by `due_date`."""
    _open_check(claim)
    return task_create(
        title=title,
        assignee=assignee,
        by=by,
        description=description,
        due_date=due_date,
        subject_type=SUBJECT_KEY,
        subject_id=claim.pk,
    )


@transaction.atomic
def plan_task_complete(*, claim: Claim, task: Task, by: User) -> Task:
    """Mark a step of the plan done."""
    _open_check(claim)
    return task_complete(task=task, by=by)
