"""Reads of the interactions domain, always through record-level access (accounts.access)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.accounts.queries import departments_in_scope_of, people_in_scope_of
from ladoga.core.models import Attachment

from .models import (
    EVENT_KINDS,
    Interaction,
    InteractionKind,
    MailAccount,
    Notification,
    Participant,
    ReviewStatus,
    Task,
    TaskStatus,
)


def interactions_visible_to(*, user) -> QuerySet[Interaction]:
    return access.visible(Interaction.objects.select_related("responsible", "partner"), user)


def interaction_detail_queryset(*, user) -> QuerySet[Interaction]:
    return (
        interactions_visible_to(user=user)
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("partner", "contact", "user"),
            )
        )
    )


def not_deferred_q(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(review_after__isnull=True) | Q(review_after__lte=today)


def interactions_filter(
    queryset: QuerySet[Interaction],
    *,
    q: str = "",
    kind: str = "",
    direction: str = "",
    review: str = "",
    responsible: int | None = None,
    partner: int | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Interaction]:
    """Filter an interaction list. `review`: "unprocessed" (not reviewed and not deferred),
    "deferred", "reviewed"; `q` matches the topic, the text and participants' names and
    addresses."""
    if q:
        q = q.strip()
        people = Participant.objects.filter(
            Q(name__icontains=q) | Q(email_key__icontains=q.lower()) | Q(phone__icontains=q)
        ).values("interaction_id")
        queryset = queryset.filter(Q(title__icontains=q) | Q(body__icontains=q) | Q(pk__in=people))
    if kind:
        queryset = queryset.filter(kind=kind)
    if direction:
        queryset = queryset.filter(direction=direction)
    if review == "unprocessed":
        queryset = queryset.filter(not_deferred_q(), review_status=ReviewStatus.NOT_REVIEWED)
    elif review == "deferred":
        queryset = queryset.filter(
            review_status=ReviewStatus.NOT_REVIEWED, review_after__gt=timezone.localdate()
        )
    elif review == "reviewed":
        queryset = queryset.filter(review_status=ReviewStatus.REVIEWED)
    if responsible:
        queryset = queryset.filter(responsible_id=responsible)
    if partner:
        queryset = queryset.filter(partner_id=partner)
    if subject_type:
        queryset = queryset.filter(subject_type=subject_type)
        if subject_id:
            queryset = queryset.filter(subject_id=subject_id)
    if date_from:
        queryset = queryset.filter(start__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(start__date__lte=date_to)
    return queryset


def unprocessed_visible_to(*, user, responsible: int | None = None) -> QuerySet[Interaction]:
    """Not reviewed and not deferred (A5), oldest first."""
    if responsible and responsible == user.pk:
        found = access.owned(
            Interaction.objects.select_related("responsible", "partner"), user, "responsible"
        )
    else:
        found = interactions_visible_to(user=user)
        if responsible:
            found = found.filter(responsible_id=responsible)
    return found.filter(not_deferred_q(), review_status=ReviewStatus.NOT_REVIEWED).order_by(
        "start", "id"
    )


@dataclass(frozen=True)
class UnprocessedCount:
    user: User
    count: int
    oldest: datetime.datetime | None


def unprocessed_counts(*, user) -> list[UnprocessedCount]:
    """Per responsible user whose interactions `user` may see: how many wait, since when."""
    rows = (
        unprocessed_visible_to(user=user)
        .order_by()
        .values("responsible_id")
        .annotate(count=Count("id"), oldest=Min("start"))
    )
    rows = list(rows)
    people = User.objects.in_bulk([r["responsible_id"] for r in rows])
    counts = [
        UnprocessedCount(user=people[r["responsible_id"]], count=r["count"], oldest=r["oldest"])
        for r in rows
    ]
    counts.sort(key=lambda c: (-c.count, str(c.user)))
    return counts


def partner_timeline(*, user, partner_id: int, kind: str = "") -> QuerySet[Interaction]:
    """A partner's interactions that `user` may see, newest first (the partner card)."""
    found = interactions_visible_to(user=user).filter(partner_id=partner_id)
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("-start", "-id")


def thread_of(*, interaction: Interaction, user) -> QuerySet[Interaction]:
    """The interactions of the same thread that `user` may see, oldest first."""
    return (
        interactions_visible_to(user=user)
        .filter(thread_id=interaction.thread_id or interaction.pk)
        .order_by("start", "id")
    )


def attachments_of(interaction: Interaction) -> QuerySet[Attachment]:
    from ladoga.core.services import attachments_of as core_attachments_of

    return core_attachments_of(interaction)


def events_of(
    *, user, start: datetime.datetime, end: datetime.datetime, mine_only: bool = True
) -> QuerySet[Interaction]:
    """Meetings and planned interactions starting in [start, end) that `user` may see;
    `mine_only`: those the user is responsible for or takes part in."""
    found = interactions_visible_to(user=user).filter(
        kind__in=EVENT_KINDS, start__gte=start, start__lt=end
    )
    if mine_only:
        found = found.filter(
            Q(responsible=user)
            | Q(pk__in=Participant.objects.filter(user=user).values("interaction_id"))
        )
    return found.order_by("start", "id")


CALENDAR_KINDS = (*EVENT_KINDS, InteractionKind.CALL)


def calendar_people(*, user, person_id: str = "", department_id: str = "") -> list[User]:
    """Whose calendar `user` looks at: one person or one department's people, only among
    the people in `user`'s scope (accounts.access); an id out of scope answers 404.
    Without a choice, the user's own calendar."""
    scope = people_in_scope_of(user=user).filter(is_active=True)
    if person_id:
        return [_in_scope_or_404(scope, person_id)]
    if department_id:
        department = _in_scope_or_404(departments_in_scope_of(user=user), department_id)
        return list(scope.filter(department=department).order_by("last_name", "first_name"))
    return [user]


def _in_scope_or_404(queryset, pk: str):
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, queryset.model.DoesNotExist):
        raise Http404 from None


def calendar_events(
    *, user, people: list[User], start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Interaction]:
    """Meetings, planned interactions and calls starting in [start, end) that `people` are
    responsible for or take part in, as far as `user` may see them."""
    return (
        interactions_visible_to(user=user)
        .filter(kind__in=CALENDAR_KINDS, start__gte=start, start__lt=end)
        .filter(
            Q(responsible__in=people)
            | Q(pk__in=Participant.objects.filter(user__in=people).values("interaction_id"))
        )
        .order_by("start", "id")
    )


def calendar_tasks(
    *, user, people: list[User], start: datetime.date, end: datetime.date
) -> QuerySet[Task]:
    """The tasks of `people` due in [start, end), open and done, as far as `user` may see."""
    return (
        tasks_visible_to(user=user)
        .filter(assignee__in=people, due_date__gte=start, due_date__lt=end)
        .order_by("due_date", "status", "id")
    )


def tasks_visible_to(*, user) -> QuerySet[Task]:
    return access.visible(Task.objects.select_related("assignee", "partner"), user)


def tasks_of(*, user, assignee: User | None = None, status: str = "") -> QuerySet[Task]:
    found = tasks_visible_to(user=user)
    if assignee is not None:
        found = found.filter(assignee=assignee)
    if status:
        found = found.filter(status=status)
    return found.order_by("due_date", "id")


def my_tasks(*, user, include_done: bool = False) -> QuerySet[Task]:
    """The tasks assigned to `user`: open ones by due date (undated last)."""
    found = access.owned(Task.objects.select_related("partner"), user, "assignee")
    if not include_done:
        found = found.filter(status=TaskStatus.OPEN)
    return found.order_by("due_date", "id")


def tasks_due_between(*, user, start: datetime.date, end: datetime.date) -> QuerySet[Task]:
    return my_tasks(user=user).filter(due_date__gte=start, due_date__lt=end)


def notifications_of(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


KIND_ICONS = {
    InteractionKind.PLANNED: "calendar",
    InteractionKind.MEETING: "users",
    InteractionKind.CALL: "phone",
    InteractionKind.EMAIL: "mail",
}


def mail_accounts_visible_to(*, user) -> QuerySet[MailAccount]:
    """The mail accounts `user` sees: their own, those shared with their department, and
    (heads) their people's; an administrator sees all."""
    return access.visible(MailAccount.objects.select_related("owner", "department"), user).order_by(
        "name", "pk"
    )
