"""Interaction commands (I1–I3): create and change, with the rules every interaction keeps
(kind, topic, times, e-mail recipients, reminders). Participants are checked in
`given_participants`, subjects and threads in `subjects`, review in `review`."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.core.errors import ValidationFailed, Violation
from ladoga.core.events import Event, event_announce

from ..errors import InteractionsCode
from ..models import (
    Direction,
    EmailStatus,
    Interaction,
    InteractionKind,
    ParticipantRole,
    ReviewStatus,
)
from ._common import (
    clean,
    locked_checked,
    phone_key_or_blank,
    staff_user_check,
    unknown_changes_check,
)
from .given_participants import (
    CheckedParticipant,
    current_participants,
    participants_check,
    participants_store,
    partner_from_participants,
)
from .reminders import reminders_schedule
from .review import review_after_check
from .subjects import subject_apply, subject_partner_check, thread_set

# Kinds that must have a start: they happen (or are planned) at a time.
START_REQUIRED = (InteractionKind.PLANNED, InteractionKind.MEETING)
MAX_CALL_SECONDS = 7 * 24 * 3600


def _fields_check(fields: dict, participants: list[CheckedParticipant]) -> list[Violation]:
    """The rules every interaction keeps, on the merged state of a create or an update."""
    violations = []
    kind = fields["kind"]
    if kind not in InteractionKind.values:
        return [
            Violation(
                InteractionsCode.KIND_UNKNOWN,
                _("Unknown kind of interaction %(kind)s; choose from: %(known)s.")
                % {"kind": kind, "known": ", ".join(InteractionKind.values)},
                "kind",
            )
        ]
    if not fields["title"]:
        violations.append(
            Violation(InteractionsCode.TITLE_REQUIRED, _("Give the interaction a topic."), "title")
        )
    if fields["direction"] not in Direction.values:
        violations.append(
            Violation(
                InteractionsCode.DIRECTION_UNKNOWN,
                _("The direction is incoming or outgoing."),
                "direction",
            )
        )
    start, end = fields["start"], fields["end"]
    if kind in START_REQUIRED and start is None:
        violations.append(
            Violation(
                InteractionsCode.START_REQUIRED,
                _("A meeting or a planned interaction needs a start."),
                "start",
            )
        )
    if start is not None and end is not None and end < start:
        violations.append(
            Violation(
                InteractionsCode.END_BEFORE_START,
                _("The end (%(end)s) is before the start (%(start)s).")
                % {
                    "end": timezone.localtime(end).strftime("%Y-%m-%d %H:%M"),
                    "start": timezone.localtime(start).strftime("%Y-%m-%d %H:%M"),
                },
                "end",
            )
        )
    duration = fields["duration"]
    if duration is not None and not (0 <= duration <= MAX_CALL_SECONDS):
        violations.append(
            Violation(
                InteractionsCode.DURATION_INVALID,
                _("A call lasts from 0 seconds to a week."),
                "duration",
            )
        )
    if kind == InteractionKind.EMAIL:
        violations += _email_rules(fields, participants)
    return violations


def _email_rules(fields: dict, participants: list[CheckedParticipant]) -> list[Violation]:
    recipients = [
        p for p in participants if p.data.role in (ParticipantRole.TO, ParticipantRole.CC)
    ]
    violations = []
    if fields["direction"] == Direction.OUTGOING:
        if not [p for p in recipients if p.email or (p.contact or p.user)]:
            violations.append(
                Violation(
                    InteractionsCode.RECIPIENT_REQUIRED,
                    _("An e-mail needs at least one recipient with an address."),
                    "participants",
                )
            )
        for index, p in enumerate(participants):
            if p in recipients and not p.email:
                violations.append(
                    Violation(
                        InteractionsCode.RECIPIENT_REQUIRED,
                        _("Every recipient of an e-mail needs an address."),
                        f"participants.{index}.email",
                    )
                )
    return violations


def _reminder_check(start, reminder_minutes, remind_at) -> list[Violation]:
    if reminder_minutes is None and remind_at is None:
        return []
    if start is None:
        return [
            Violation(
                InteractionsCode.REMINDER_WITHOUT_START,
                _("A reminder needs the event's start."),
                "reminder_minutes",
            )
        ]
    if (reminder_minutes is not None and reminder_minutes < 0) or (
        remind_at is not None and remind_at > start
    ):
        return [
            Violation(
                InteractionsCode.REMINDER_AFTER_EVENT,
                _("A reminder must come before the event starts, not after it."),
                "reminder_minutes" if remind_at is None else "remind_at",
            )
        ]
    return []


def _minutes(start, reminder_minutes, remind_at) -> int | None:
    if remind_at is not None and start is not None:
        return int((start - remind_at).total_seconds() // 60)
    return reminder_minutes


@transaction.atomic
def interaction_create(
    *,
    kind: str,
    title: str,
    by: User,
    responsible: User | None = None,
    body: str = "",
    body_html: str = "",
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    place: str = "",
    direction: str = "",
    phone: str = "",
    duration: int | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
    participants: Iterable = (),
    reviewed: bool | None = None,
    review_after: datetime.date | None = None,
    reminder_minutes: int | None = None,
    remind_at: datetime.datetime | None = None,
    email_status: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
) -> Interaction:
    """Register an interaction of any kind with its participants, subject and reminder.

    Calls and e-mails happen now unless `start` says otherwise; meetings and planned
    interactions need a start. An outgoing e-mail starts as a draft (send it with
    email_send). Unless `reviewed` says otherwise, an interaction the responsible user
    registers for themselves is reviewed, and one that came in or was given to them by
    someone else waits in their unprocessed list (A5). Nothing is written on any error.
    """
    responsible = responsible or by
    fields = {
        "kind": kind,
        "title": clean(title)[:500],
        "body": body or "",
        "body_html": body_html or "",
        "start": start,
        "end": end,
        "place": clean(place)[:255],
        "direction": direction or "",
        "phone": clean(phone)[:64],
        "duration": duration,
    }
    if fields["start"] is None and kind in (InteractionKind.CALL, InteractionKind.EMAIL):
        fields["start"] = timezone.now()
    checked, violations = participants_check(participants, by=by)
    violations = _fields_check(fields, checked) + violations
    violations += staff_user_check(
        responsible, InteractionsCode.RESPONSIBLE_INVALID, "responsible_id"
    )
    violations += subject_apply(fields, subject_type=subject_type, subject_id=subject_id, by=by)
    violations += subject_partner_check(fields, checked)
    violations += _reminder_check(fields["start"], reminder_minutes, remind_at)
    violations += review_after_check(review_after)
    if violations:
        raise ValidationFailed(violations)
    if "partner_id" not in fields:
        fields["partner_id"] = partner_from_participants(checked)
    if kind == InteractionKind.EMAIL:
        email_status = email_status or (
            EmailStatus.DRAFT if fields["direction"] == Direction.OUTGOING else EmailStatus.RECEIVED
        )
    else:
        email_status = ""
    if reviewed is None:
        reviewed = responsible.pk == by.pk and fields["direction"] != Direction.INCOMING
    if review_after is not None:
        reviewed = False
    interaction = Interaction.objects.create(
        **fields,
        phone_key=phone_key_or_blank(fields["phone"]),
        responsible=responsible,
        email_status=email_status,
        message_id=message_id[:255],
        in_reply_to=in_reply_to[:255],
        references=references,
        review_status=ReviewStatus.REVIEWED if reviewed else ReviewStatus.NOT_REVIEWED,
        review_after=review_after,
        reviewed_by=by if reviewed else None,
        reviewed_at=timezone.now() if reviewed else None,
        created_by=by,
    )
    thread_set(interaction)
    participants_store(interaction, checked, new=True)
    minutes = _minutes(start, reminder_minutes, remind_at)
    if minutes is not None:  # a new interaction has no reminders to re-plan
        reminders_schedule(interaction=interaction, minutes=minutes)
    event_announce(Event.INTERACTION_CREATED, obj=interaction)
    return interaction


INTERACTION_CHANGEABLE = {
    "title",
    "body",
    "body_html",
    "start",
    "end",
    "place",
    "direction",
    "phone",
    "duration",
    "subject_type",
    "subject_id",
    "responsible",
    "participants",
    "reminder_minutes",
}
# What a sent or received e-mail keeps as it was: it is a record of what went over the wire.
FROZEN_WHEN_MAILED = {"title", "body", "body_html", "direction", "participants"}


@transaction.atomic
def interaction_update(
    *, interaction: Interaction, expected_version: int | None, by: User, **changes
) -> Interaction:
    """Change an interaction. A sent or received e-mail keeps its text and addresses;
    changing the start moves its reminders. Refuses a change based on an older version."""
    unknown_changes_check(changes, INTERACTION_CHANGEABLE)
    interaction = locked_checked(Interaction, interaction, expected_version)
    mailed = interaction.kind == InteractionKind.EMAIL and interaction.email_status in (
        EmailStatus.SENT,
        EmailStatus.RECEIVED,
    )
    frozen = sorted(FROZEN_WHEN_MAILED & set(changes)) if mailed else []
    if frozen:
        raise ValidationFailed(
            [
                Violation(
                    InteractionsCode.NOT_EDITABLE,
                    _("A sent or received e-mail cannot be changed."),
                    field,
                )
                for field in frozen
            ]
        )
    fields = {
        name: getattr(interaction, name)
        for name in (
            "kind",
            "title",
            "body",
            "body_html",
            "start",
            "end",
            "place",
            "direction",
            "phone",
            "duration",
        )
    }
    for name in ("title", "place", "phone"):
        if name in changes:
            changes[name] = clean(changes[name])[: 500 if name == "title" else 255]
    for name in fields:
        if name in changes:
            fields[name] = (
                changes[name]
                if changes[name] is not None or name in ("start", "end", "duration")
                else ""
            )
    participants_given = "participants" in changes
    if participants_given:
        checked, violations = participants_check(changes["participants"], by=by)
    else:
        checked, violations = current_participants(interaction), []
    violations = _fields_check(fields, checked) + violations
    responsible = changes.get("responsible", interaction.responsible)
    if "responsible" in changes:
        violations += staff_user_check(
            responsible, InteractionsCode.RESPONSIBLE_INVALID, "responsible_id"
        )
    subject_changed = "subject_type" in changes or "subject_id" in changes
    if subject_changed:
        violations += subject_apply(
            fields,
            subject_type=changes.get("subject_type", interaction.subject_type),
            subject_id=changes.get("subject_id", interaction.subject_id),
            by=by,
            itself=interaction,
        )
        violations += subject_partner_check(fields, checked)
    elif participants_given:
        violations += subject_partner_check(
            {"subject_type": interaction.subject_type, "partner_id": interaction.partner_id},
            checked,
        )
    minutes = changes.get("reminder_minutes")
    if "reminder_minutes" in changes:
        violations += _reminder_check(fields["start"], minutes, None)
    if violations:
        raise ValidationFailed(violations)
    for name, value in fields.items():
        if name in ("kind",):
            continue
        if name in ("parent", "subject_type", "subject_id", "partner_id") and not subject_changed:
            continue
        setattr(interaction, name, value)
    interaction.phone_key = phone_key_or_blank(interaction.phone)
    interaction.responsible = responsible
    if subject_changed and "partner_id" not in fields:
        interaction.partner_id = partner_from_participants(checked) or interaction.partner_id
    if participants_given and not interaction.partner_id:
        interaction.partner_id = partner_from_participants(checked)
    interaction.save()
    if subject_changed:
        thread_set(interaction)
    if participants_given:
        participants_store(interaction, checked)
    if "reminder_minutes" in changes or "start" in changes or "responsible" in changes:
        current = interaction.reminders.filter(delivered_at__isnull=True).first()
        keep = current.minutes_before if current is not None else None
        reminders_schedule(
            interaction=interaction,
            minutes=minutes if "reminder_minutes" in changes else keep,
        )
    return interaction


EARLIEST_START = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
LATEST_START = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


def interaction_reschedule(
    *,
    interaction: Interaction,
    start: datetime.datetime | None,
    expected_version: int | None,
    by: User,
) -> Interaction:
    """Move an interaction to a new start (the calendar's drag and drop), keeping how long
    it lasts. Goes through `interaction_update`, so every rule of a change applies (the
    version, the end after the start, the reminders move with the start); besides, an
    e-mail is not moved and the new start is a real date."""
    if interaction.kind == InteractionKind.EMAIL:
        raise ValidationFailed.single(
            InteractionsCode.NOT_EDITABLE,
            _("An e-mail is not moved in the calendar; it happened when it was sent."),
            "start",
        )
    if start is None or timezone.is_naive(start) or not EARLIEST_START <= start < LATEST_START:
        raise ValidationFailed.single(
            InteractionsCode.START_REQUIRED,
            _("Give the new start as a date and time between 2000 and 2099."),
            "start",
        )
    changes = {"start": start}
    if interaction.end is not None and interaction.start is not None:
        changes["end"] = start + (interaction.end - interaction.start)
    return interaction_update(
        interaction=interaction, expected_version=expected_version, by=by, **changes
    )
