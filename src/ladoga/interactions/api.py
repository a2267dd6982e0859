"""The interactions API (I1–I7, A5): interactions, tasks, notifications."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.core.api import FreeText, MailHtml, MailText, expected_version, with_etag
from ladoga.core.errors import ValidationFailed

from . import ical, queries, services
from .errors import InteractionsCode
from .models import Interaction, Notification, Task

router = Router(tags=["interactions"])
tasks_router = Router(tags=["tasks"])
notifications_router = Router(tags=["notifications"])


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("Your role may not do this."))


def _user_or_none(value, field: str) -> User | None:
    if value is None:
        return None
    user = User.objects.filter(pk=value).first()
    if user is None:
        raise ValidationFailed.single(
            InteractionsCode.RESPONSIBLE_INVALID, _("There is no such user."), field
        )
    return user


def _user_filter(request: HttpRequest, value: str, field: str) -> int | None:
    if not value:
        return None
    if value == "me":
        return request.user.pk
    if value.isdigit():
        return int(value)
    raise ValidationFailed.single("filter_invalid", _('Give a user id or "me".'), field)


class ParticipantIn(Schema):
    role: str = Field("participant", description="participant, from, to or cc")
    name: str = Field("", max_length=255)
    phone: str = Field("", max_length=64)
    email: str = Field("", max_length=254)
    partner_id: int | None = None
    contact_id: int | None = None
    user_id: int | None = None


class ParticipantOut(Schema):
    id: int
    role: str
    name: str
    phone: str
    phone_key: str
    email: str
    partner_id: int | None
    contact_id: int | None
    user_id: int | None


class SubjectIn(Schema):
    type: str = Field(
        ...,
        description='a registered subject type: "partners.partner", '
        '"interactions.interaction", "deals.deal", "claims.claim"…',
    )
    id: int


class InteractionIn(Schema):
    kind: str = Field(..., description="planned, meeting, call or email")
    title: str = Field(..., max_length=500)
    body: MailText = ""
    body_html: MailHtml = ""
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    place: str = Field("", max_length=255)
    direction: str = Field("", description='"", incoming or outgoing')
    phone: str = Field("", max_length=64)
    duration: int | None = Field(None, description="a call's length in seconds")
    subject: SubjectIn | None = None
    responsible_id: int | None = None
    participants: list[ParticipantIn] = []
    reviewed: bool | None = None
    review_after: datetime.date | None = None
    reminder_minutes: int | None = None
    remind_at: datetime.datetime | None = None


class InteractionPatch(Schema):
    title: str | None = Field(None, max_length=500)
    body: MailText | None = None
    body_html: MailHtml | None = None
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    place: str | None = Field(None, max_length=255)
    direction: str | None = None
    phone: str | None = Field(None, max_length=64)
    duration: int | None = None
    subject: SubjectIn | None = None
    responsible_id: int | None = None
    participants: list[ParticipantIn] | None = None
    reminder_minutes: int | None = None


class InteractionOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    body_html: str
    start: datetime.datetime | None
    end: datetime.datetime | None
    place: str
    direction: str
    phone: str
    duration: int | None
    email_status: str
    message_id: str
    in_reply_to: str
    send_error: str
    sent_at: datetime.datetime | None
    subject_type: str
    subject_id: int | None
    parent_id: int | None
    thread_id: int | None
    partner_id: int | None
    responsible_id: int
    review_status: str
    review_after: datetime.date | None
    reviewed_by_id: int | None
    reviewed_at: datetime.datetime | None
    participants: list[ParticipantOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_participants(obj) -> list:
        return list(obj.participants.all())


class ReviewIn(Schema):
    reviewed: bool = True
    review_after: datetime.date | None = None
    responsible_id: int | None = None


class LinkIn(Schema):
    partner_id: int | None = None
    contact_id: int | None = None
    user_id: int | None = None
    same_address: bool = False


class LinkOut(Schema):
    linked: int


class SuggestionOut(Schema):
    reason: str
    label: str
    partner_id: int | None
    contact_id: int | None
    user_id: int | None


class UnprocessedByUser(Schema):
    user_id: int
    user: str
    count: int
    oldest: datetime.datetime | None


class UnprocessedOut(Schema):
    items: list[InteractionOut]
    count: int
    by_responsible: list[UnprocessedByUser]


class InteractionFilters(Schema):
    q: str = ""
    kind: str = ""
    direction: str = ""
    review: str = Field("", description="unprocessed, deferred or reviewed")
    responsible: str = Field("", description='a user id or "me"')
    partner: int | None = None
    subject_type: str = ""
    subject_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _detail(user) -> "QuerySet":  # noqa: F821
    return queries.interaction_detail_queryset(user=user)


def _visible_interaction(request, interaction_id: int) -> Interaction:
    return access.get_visible_or_404(_detail(request.user), request.user, pk=interaction_id)


def _subject_args(subject: SubjectIn | None) -> dict:
    if subject is None:
        return {"subject_type": "", "subject_id": None}
    return {"subject_type": subject.type, "subject_id": subject.id}


def _fresh(interaction: Interaction, user) -> Interaction:
    return (
        _detail(user).get(pk=interaction.pk) if access.can_see(interaction, user) else interaction
    )


@router.get("", response=list[InteractionOut])
@paginate(LimitOffsetPagination)
def interaction_list(request: HttpRequest, filters: Query[InteractionFilters]):
    """Interactions you may see, newest first, with filters."""
    data = filters.dict()
    data["responsible"] = _user_filter(request, data["responsible"], "responsible")
    return queries.interactions_filter(_detail(request.user), **data).order_by("-start", "-id")


@router.post("", response={201: InteractionOut})
def interaction_create(request: HttpRequest, payload: InteractionIn, response: HttpResponse):
    _require(request, "interactions.add_interaction")
    data = payload.dict()
    interaction = services.interaction_create(
        by=request.user,
        responsible=_user_or_none(data.pop("responsible_id"), "responsible_id"),
        participants=data.pop("participants"),
        **_subject_args(payload.subject),
        **{k: v for k, v in data.items() if k != "subject"},
    )
    with_etag(response, interaction)
    return Status(201, _fresh(interaction, request.user))


@router.get("/unprocessed", response=UnprocessedOut)
def unprocessed(
    request: HttpRequest,
    responsible: str = "",
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
):
    """Interactions not reviewed and not deferred (A5), oldest first, and how many wait
    for each responsible user you may see."""
    found = queries.unprocessed_visible_to(
        user=request.user, responsible=_user_filter(request, responsible, "responsible")
    )
    items = list(found.prefetch_related("participants")[offset : offset + limit])
    return {
        "items": items,
        "count": found.count(),
        "by_responsible": [
            {"user_id": c.user.pk, "user": str(c.user), "count": c.count, "oldest": c.oldest}
            for c in queries.unprocessed_counts(user=request.user)
        ],
    }


@router.post("/import-eml", response={201: InteractionOut})
def interaction_import_eml(
    request: HttpRequest, file: File[UploadedFile], responsible_id: Form[int | None] = None
):
    """Register an incoming (or sent) e-mail from an .eml file (I7)."""
    _require(request, "interactions.add_interaction")
    interaction = services.email_register(
        raw=file.read(),
        by=request.user,
        responsible=_user_or_none(responsible_id, "responsible_id"),
        file_name=file.name or "message.eml",
    )
    return Status(201, _fresh(interaction, request.user))


@router.get("/{interaction_id}", response=InteractionOut)
def interaction_get(request: HttpRequest, interaction_id: int, response: HttpResponse):
    interaction = _visible_interaction(request, interaction_id)
    with_etag(response, interaction)
    return interaction


@router.patch("/{interaction_id}", response=InteractionOut)
def interaction_patch(
    request: HttpRequest, interaction_id: int, payload: InteractionPatch, response: HttpResponse
):
    interaction = _visible_interaction(request, interaction_id)
    _require(request, "interactions.change_interaction")
    changes = payload.dict(exclude_unset=True)
    if "subject" in changes:
        changes.pop("subject")
        changes |= _subject_args(payload.subject)
    if "responsible_id" in changes:
        changes["responsible"] = _user_or_none(changes.pop("responsible_id"), "responsible_id")
        if changes["responsible"] is None:
            changes.pop("responsible")
    for name in ("title", "body", "body_html", "place", "direction", "phone"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    interaction = services.interaction_update(
        interaction=interaction,
        expected_version=expected_version(request),
        by=request.user,
        **changes,
    )
    with_etag(response, interaction)
    return _fresh(interaction, request.user)


def _if_match(request) -> int | None:
    return expected_version(request) if request.headers.get("If-Match") else None


@router.post("/{interaction_id}/review", response=InteractionOut)
def interaction_review(
    request: HttpRequest, interaction_id: int, payload: ReviewIn, response: HttpResponse
):
    """Mark reviewed (`reviewed`), defer (`review_after`) or hand over (`responsible_id`).
    If-Match is optional here."""
    visible = _visible_interaction(request, interaction_id)
    _require(request, "interactions.change_interaction")
    interaction = services.interaction_review(
        interaction=visible,
        by=request.user,
        reviewed=payload.reviewed,
        review_after=payload.review_after,
        responsible=_user_or_none(payload.responsible_id, "responsible_id"),
        expected_version=_if_match(request),
    )
    with_etag(response, interaction)
    return _fresh(interaction, request.user)


@router.post("/{interaction_id}/send", response=InteractionOut)
def interaction_send(request: HttpRequest, interaction_id: int, response: HttpResponse):
    """Send an outgoing e-mail draft over SMTP. When the server refuses or is down, the
    answer is 422 email_send_failed and the draft keeps the reason in `send_error`."""
    visible = _visible_interaction(request, interaction_id)
    _require(request, "interactions.change_interaction")
    interaction = services.email_send(
        interaction=visible,
        by=request.user,
        expected_version=_if_match(request),
    )
    with_etag(response, interaction)
    return _fresh(interaction, request.user)


@router.get("/{interaction_id}/ics", response={200: None})
def interaction_ics(request: HttpRequest, interaction_id: int):
    """The interaction as an iCalendar event (text/calendar)."""
    interaction = _visible_interaction(request, interaction_id)
    body = ical.calendar_of(
        interactions=[interaction],
        url_of=lambda i: request.build_absolute_uri(reverse("interactions:detail", args=[i.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interaction-{interaction.pk}.ics"'
    return response


def _participant(request, interaction_id: int, participant_id: int):
    interaction = _visible_interaction(request, interaction_id)
    return get_object_or_404(interaction.participants.all(), pk=participant_id)


@router.get(
    "/{interaction_id}/participants/{participant_id}/suggestions",
    response=list[SuggestionOut],
)
def participant_suggestions(request: HttpRequest, interaction_id: int, participant_id: int):
    """Contacts, partners and colleagues with the participant's phone or e-mail (I2)."""
    participant = _participant(request, interaction_id, participant_id)
    return [
        {
            "reason": s.reason,
            "label": s.label,
            "partner_id": s.partner and s.partner.pk,
            "contact_id": s.contact and s.contact.pk,
            "user_id": s.user and s.user.pk,
        }
        for s in services.participant_suggestions(participant=participant, user=request.user)
    ]


@router.post("/{interaction_id}/participants/{participant_id}/link", response=LinkOut)
def participant_link(
    request: HttpRequest, interaction_id: int, participant_id: int, payload: LinkIn
):
    """Link a participant; `same_address` links every unlinked participant with the same
    e-mail or phone in the interactions you may see."""
    participant = _participant(request, interaction_id, participant_id)
    _require(request, "interactions.change_interaction")
    linked = services.participant_link(participant=participant, by=request.user, **payload.dict())
    return {"linked": linked}


# Tasks -------------------------------------------------------------------------------------


class TaskIn(Schema):
    title: str = Field(..., max_length=255)
    description: FreeText = ""
    assignee_id: int | None = None
    due_date: datetime.date | None = None
    required: bool = False
    subject: SubjectIn | None = None


class TaskPatch(Schema):
    title: str | None = Field(None, max_length=255)
    description: FreeText | None = None
    assignee_id: int | None = None
    due_date: datetime.date | None = None
    required: bool | None = None
    status: str | None = None


class TaskOut(Schema):
    id: int
    title: str
    description: str
    assignee_id: int
    due_date: datetime.date | None
    status: str
    required: bool
    subject_type: str
    subject_id: int | None
    partner_id: int | None
    completed_by_id: int | None
    completed_at: datetime.datetime | None
    created_by_id: int | None
    created_at: datetime.datetime
    version: int


def _visible_task(request, task_id: int) -> Task:
    return access.get_visible_or_404(
        queries.tasks_visible_to(user=request.user), request.user, pk=task_id
    )


@tasks_router.get("", response=list[TaskOut])
@paginate(LimitOffsetPagination)
def task_list(request: HttpRequest, assignee: str = "", status: str = ""):
    """Tasks you may see; `?assignee=me` is "my tasks"."""
    assignee_id = _user_filter(request, assignee, "assignee")
    found = queries.tasks_visible_to(user=request.user)
    if assignee_id:
        found = found.filter(assignee_id=assignee_id)
    if status:
        found = found.filter(status=status)
    return found.order_by("due_date", "id")


@tasks_router.post("", response={201: TaskOut})
def task_create(request: HttpRequest, payload: TaskIn, response: HttpResponse):
    _require(request, "interactions.add_task")
    assignee = _user_or_none(payload.assignee_id, "assignee_id") or request.user
    task = services.task_create(
        title=payload.title,
        description=payload.description,
        assignee=assignee,
        due_date=payload.due_date,
        required=payload.required,
        by=request.user,
        **_subject_args(payload.subject),
    )
    with_etag(response, task)
    return Status(201, task)


@tasks_router.get("/{task_id}", response=TaskOut)
def task_get(request: HttpRequest, task_id: int, response: HttpResponse):
    task = _visible_task(request, task_id)
    with_etag(response, task)
    return task


@tasks_router.patch("/{task_id}", response=TaskOut)
def task_patch(request: HttpRequest, task_id: int, payload: TaskPatch, response: HttpResponse):
    task = _visible_task(request, task_id)
    _require(request, "interactions.change_task")
    changes = payload.dict(exclude_unset=True)
    if "assignee_id" in changes:
        assignee = _user_or_none(changes.pop("assignee_id"), "assignee_id")
        if assignee is not None:
            changes["assignee"] = assignee
    if changes.get("description", "") is None:
        changes["description"] = ""
    if "title" in changes and changes["title"] is None:
        changes["title"] = ""
    if "required" in changes and changes["required"] is None:
        changes.pop("required")
    if "status" in changes and changes["status"] is None:
        changes.pop("status")
    task = services.task_update(
        task=task, expected_version=expected_version(request), by=request.user, **changes
    )
    with_etag(response, task)
    return task


@tasks_router.post("/{task_id}/complete", response=TaskOut)
def task_complete(request: HttpRequest, task_id: int, response: HttpResponse):
    visible = _visible_task(request, task_id)
    _require(request, "interactions.change_task")
    task = services.task_complete(
        task=visible, by=request.user, expected_version=_if_match(request)
    )
    with_etag(response, task)
    return task


# Notifications -----------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    title: str
    text: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class UnreadOut(Schema):
    unread: int


@notifications_router.get("", response=list[NotificationOut])
@paginate(LimitOffsetPagination)
def notification_list(request: HttpRequest, unread: bool = False):
    """Your notifications (reminders and messages), newest first."""
    found = queries.notifications_of(user=request.user)
    return found.filter(read_at__isnull=True) if unread else found


@notifications_router.get("/unread", response=UnreadOut)
def notification_unread(request: HttpRequest):
    return {"unread": queries.unread_count(user=request.user)}


@notifications_router.post("/{notification_id}/read", response=NotificationOut)
def notification_read(request: HttpRequest, notification_id: int):
    notification = get_object_or_404(Notification, pk=notification_id, user=request.user)
    return services.notification_read(notification=notification, by=request.user)
