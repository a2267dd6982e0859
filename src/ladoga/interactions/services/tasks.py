"""Task commands: the one Task model of the product (interactions, deals D4/D5, claims C2)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.core.errors import ValidationFailed, Violation

from .. import subjects
from ..errors import InteractionsCode
from ..models import Task, TaskStatus
from ._common import clean, locked_checked, staff_user_check, unknown_changes_check


def _subject_fields(*, subject_type: str, subject_id, by, check_access: bool) -> tuple[dict, list]:
    if not subject_type:
        return {"subject_type": "", "subject_id": None, "partner_id": None}, []
    if check_access:
        try:
            record = subjects.subject_resolve(key=subject_type, pk=subject_id, user=by)
        except ValidationFailed as error:
            return {}, error.violations
    else:
        record = subjects.subject_of(subject_type, subject_id)
        if record is None:
            return {}, [
                Violation(InteractionsCode.SUBJECT_NOT_FOUND, _("No such subject."), "subject.id")
            ]
    found = subjects.subject_type_of(subject_type)
    return {
        "subject_type": found.key,
        "subject_id": record.pk,
        "partner_id": found.partner_of(record),
    }, []


def _title_check(title: str) -> list[Violation]:
    if not title:
        return [
            Violation(InteractionsCode.TASK_TITLE_REQUIRED, _("Give the task a title."), "title")
        ]
    return []


@transaction.atomic
def task_create(
    *,
    title: str,
    assignee: User,
    by: User | None = None,
    description: str = "",
    due_date: datetime.date | None = None,
    required: bool = False,
    subject_type: str = "",
    subject_id: int | None = None,
) -> Task:
    """Give `assignee` a task, optionally about a subject (a partner, an interaction, a
    deal, a claim…). `by` None is the system (stage templates): the subject is then not
    access-checked."""
    title = clean(title)[:255]
    violations = _title_check(title)
    violations += staff_user_check(
        assignee,
        InteractionsCode.TASK_ASSIGNEE_INVALID,
        "assignee_id",
        _("A task is assigned to an active member of staff."),
    )
    subject, subject_violations = _subject_fields(
        subject_type=subject_type, subject_id=subject_id, by=by, check_access=by is not None
    )
    violations += subject_violations
    if violations:
        raise ValidationFailed(violations)
    return Task.objects.create(
        title=title,
        description=description or "",
        assignee=assignee,
        due_date=due_date,
        required=required,
        created_by=by,
        **subject,
    )


TASK_CHANGEABLE = {"title", "description", "assignee", "due_date", "required", "status"}


@transaction.atomic
def task_update(*, task: Task, expected_version: int | None, by: User | None, **changes) -> Task:
    """Change a task's title, description, assignee, due date, required flag or status
    (reopening a done task clears who completed it)."""
    unknown_changes_check(changes, TASK_CHANGEABLE)
    task = locked_checked(Task, task, expected_version)
    violations = []
    if "title" in changes:
        changes["title"] = clean(changes["title"])[:255]
        violations += _title_check(changes["title"])
    if "assignee" in changes:
        violations += staff_user_check(
            changes["assignee"],
            InteractionsCode.TASK_ASSIGNEE_INVALID,
            "assignee_id",
            _("A task is assigned to an active member of staff."),
        )
    if "status" in changes and changes["status"] not in TaskStatus.values:
        violations.append(
            Violation(
                InteractionsCode.TASK_STATUS_UNKNOWN,
                _("A task is open, done or cancelled."),
                "status",
            )
        )
    if violations:
        raise ValidationFailed(violations)
    status = changes.pop("status", task.status)
    for name, value in changes.items():
        setattr(task, name, value if name != "description" else value or "")
    if status != task.status:
        task.status = status
        done = status == TaskStatus.DONE
        task.completed_by = by if done else None
        task.completed_at = timezone.now() if done else None
    task.save()
    return task


@transaction.atomic
def task_complete(*, task: Task, by: User, expected_version: int | None = None) -> Task:
    """Mark an open task done, recording who and when."""
    task = locked_checked(Task, task, expected_version)
    if task.status != TaskStatus.OPEN:
        raise ValidationFailed.single(
            InteractionsCode.TASK_NOT_OPEN,
            _("The task is already %(status)s.") % {"status": task.get_status_display().lower()},
            "status",
        )
    task.status = TaskStatus.DONE
    task.completed_by = by
    task.completed_at = timezone.now()
    task.save()
    return task


@transaction.atomic
def task_cancel(*, task: Task, by: User, expected_version: int | None = None) -> Task:
    task = locked_checked(Task, task, expected_version)
    if task.status != TaskStatus.OPEN:
        raise ValidationFailed.single(
            InteractionsCode.TASK_NOT_OPEN,
            _("The task is already %(status)s.") % {"status": task.get_status_display().lower()},
            "status",
        )
    task.status = TaskStatus.CANCELLED
    task.save()
    return task
