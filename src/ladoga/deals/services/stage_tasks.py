"""Tasks of a deal (D4, D5): the stage's templates turned into tasks when the deal enters
the stage, and hand-made tasks of the deal's work plan. Both are the product's one Task
model (interactions), with the deal as their subject."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.core.errors import ValidationFailed, Violation
from ladoga.interactions.models import Task
from ladoga.interactions.services import task_create

from ..errors import DealsCode as C
from ..models import AssigneeKind, Deal, DealStageTask, Stage, StageTaskTemplate
from ..workdays import add_working_days
from ._common import clean, staff_check

SUBJECT_TYPE = "deals.deal"


def _usable(user: User | None) -> bool:
    return user is not None and user.is_active and user.role != Role.PORTAL


def template_assignee(template: StageTaskTemplate, deal: Deal) -> User:
    """Who a template's task goes to: the deal's manager; a named user (the manager when
    that user left); for a role, the head of the manager's department (role "head"), or
    the first active user of the role in that department, else anywhere, else the
    manager."""
    manager = deal.manager
    if template.assignee_kind == AssigneeKind.USER:
        return template.assignee_user if _usable(template.assignee_user) else manager
    if template.assignee_kind != AssigneeKind.ROLE or not template.assignee_role:
        return manager
    department = manager.department
    if template.assignee_role == Role.HEAD and department is not None:
        head = department.head
        if _usable(head) and head.pk != manager.pk:
            return head
    users = User.objects.filter(role=template.assignee_role, is_active=True).order_by("pk")
    found = None
    if manager.department_id is not None:
        found = users.filter(department_id=manager.department_id).first()
    return found or users.first() or manager


def tasks_create_for_stage(*, deal: Deal, stage: Stage, on: datetime.date | None = None):
    """Create the tasks of `stage`'s templates for `deal`, due N working days from `on`
    (today). Runs inside the move's transaction."""
    templates = list(stage.task_templates.select_related("assignee_user"))
    if not templates:
        return []
    start = on or timezone.localdate()
    created = []
    for template in templates:
        task = task_create(
            title=template.title,
            description=template.description,
            assignee=template_assignee(template, deal),
            due_date=add_working_days(start, template.due_in_days),
            required=template.required,
            subject_type=SUBJECT_TYPE,
            subject_id=deal.pk,
            by=None,
        )
        created.append(DealStageTask(deal=deal, stage=stage, task=task, template=template))
    DealStageTask.objects.bulk_create(created)
    return [link.task for link in created]


@transaction.atomic
def deal_task_create(
    *,
    deal: Deal,
    title: str,
    by: User,
    assignee: User | None = None,
    due_date: datetime.date | None = None,
    description: str = "",
    required: bool = False,
) -> Task:
    """Add a hand-made task to the deal's work plan (D5); it goes to the deal's manager
    unless another assignee is named."""
    violations: list[Violation] = []
    if not clean(title):
        violations.append(Violation(C.TASK_TITLE_REQUIRED, _("Give the task a title."), "title"))
    assignee = assignee or deal.manager
    violations += staff_check(assignee, C.TASK_ASSIGNEE_INVALID, "assignee_id")
    if violations:
        raise ValidationFailed(violations)
    return task_create(
        title=title,
        description=description,
        assignee=assignee,
        due_date=due_date,
        required=required,
        subject_type=SUBJECT_TYPE,
        subject_id=deal.pk,
        by=by,
    )
