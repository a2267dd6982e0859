"""Interaction commands (I1–I4): create, change, review; participants as given."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.core.errors import ValidationFailed, Violation
from ladoga.partners import keys
from ladoga.partners.models import ContactPerson, Partner

from .. import subjects
from ..errors import InteractionsCode
from ..models import (
    Direction,
    EmailStatus,
    Interaction,
    InteractionKind,
    Participant,
    ParticipantRole,
    ReviewStatus,
)
from ._common import (
    clean,
    email_valid,
    locked_checked,
    phone_key_or_blank,
    staff_user_check,
    unknown_changes_check,
)
from .reminders import reminders_schedule

# Kinds that must have a start: they happen (or are planned) at a time.
START_REQUIRED = (InteractionKind.PLANNED, InteractionKind.MEETING)
MAX_CALL_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class ParticipantData:
    """One participant as given to interaction_create/interaction_update."""

    name: str = ""
    phone: str = ""
    email: str = ""
    role: str = ParticipantRole.PARTICIPANT
    partner_id: int | None = None
    contact_id: int | None = None
    user_id: int | None = None

    @classmethod
    def of(cls, item: "ParticipantData | Mapping") -> "ParticipantData":
        if isinstance(item, ParticipantData):
            return item
        return cls(
            name=str(item.get("name") or ""),
            phone=str(item.get("phone") or ""),
            email=str(item.get("email") or ""),
            role=str(item.get("role") or ParticipantRole.PARTICIPANT),
            partner_id=item.get("partner_id"),
            contact_id=item.get("contact_id"),
            user_id=item.get("user_id"),
        )


@dataclass
class _Checked:
    data: ParticipantData
    name: str
    phone: str
    phone_key: str
    email: str
    email_key: str
    partner: Partner | None
    contact: ContactPerson | None
    user: User | None


def _participants_check(items: Iterable, *, by) -> tuple[list[_Checked], list[Violation]]:
    checked, violations = [], []
    for index, raw in enumerate(items or ()):
        item = ParticipantData.of(raw)
        field = f"participants.{index}"
        name, phone, email = clean(item.name)[:255], clean(item.phone)[:64], clean(item.email)
        partner = contact = user = None
        if item.role not in ParticipantRole.values:
            violations.append(
                Violation(
                    InteractionsCode.PARTICIPANT_ROLE_UNKNOWN,
                    _("Unknown participant role %(role)s; choose from: %(known)s.")
                    % {"role": item.role, "known": ", ".join(ParticipantRole.values)},
                    f"{field}.role",
                )
            )
        if email and (len(email) > 254 or not email_valid(email)):
            violations.append(
                Violation(
                    InteractionsCode.EMAIL_INVALID,
                    _("%(value)s is not an e-mail address.") % {"value": email},
                    f"{field}.email",
                )
            )
        if item.contact_id is not None:
            contact = access.visible(ContactPerson, by).filter(pk=item.contact_id).first()
            if contact is None:
                violations.append(_link_missing(f"{field}.contact_id", _("contact person")))
        if item.partner_id is not None:
            partner = access.visible(Partner, by).filter(pk=item.partner_id).first()
            if partner is None:
                violations.append(_link_missing(f"{field}.partner_id", _("partner")))
        if contact is not None and partner is None:
            partner = contact.partner
        if contact is not None and partner is not None and contact.partner_id != partner.pk:
            violations.append(
                Violation(
                    InteractionsCode.LINK_NOT_FOUND,
                    _("The contact person does not belong to that partner."),
                    f"{field}.contact_id",
                )
            )
        if item.user_id is not None:
            user = User.objects.filter(pk=item.user_id, is_active=True).first()
            if user is None or user.is_portal:
                user = None
                violations.append(_link_missing(f"{field}.user_id", _("user")))
        if not (name or phone or email or partner or contact or user):
            violations.append(
                Violation(
                    InteractionsCode.PARTICIPANT_EMPTY,
                    _("A participant needs a name, a phone, an e-mail or a link."),
                    field,
                )
            )
        checked.append(
            _Checked(
                data=item,
                name=name,
                phone=phone,
                phone_key=phone_key_or_blank(phone),
                email=email,
                email_key=keys.email_key(email) if email else "",
                partner=partner,
                contact=contact,
                user=user,
            )
        )
    return checked, violations


def _link_missing(field: str, what) -> Violation:
    return Violation(
        InteractionsCode.LINK_NOT_FOUND,
        _("There is no such %(what)s that you can see.") % {"what": what},
        field,
    )


def _fields_check(fields: dict, participants: list[_Checked]) -> list[Violation]:
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


def _email_rules(fields: dict, participants: list[_Checked]) -> list[Violation]:
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


def _subject_apply(fields: dict, *, subject_type: str, subject_id, by, itself=None) -> list:
    """Resolve the subject into the stored pair, `parent`, `thread` and `partner`."""
    fields["parent"] = None
    if not subject_type:
        fields["subject_type"], fields["subject_id"] = "", None
        return []
    try:
        record = subjects.subject_resolve(key=subject_type, pk=subject_id, user=by)
    except ValidationFailed as error:
        return error.violations
    if itself is not None and isinstance(record, Interaction) and _follows(record, itself):
        return [
            Violation(
                InteractionsCode.SUBJECT_IS_ITSELF,
                _("An interaction cannot be about itself or a later one of its thread."),
                "subject.id",
            )
        ]
    found = subjects.subject_type_of(subject_type)
    fields["subject_type"], fields["subject_id"] = found.key, record.pk
    if isinstance(record, Interaction):
        fields["parent"] = record
    partner_id = found.partner_of(record)
    if partner_id:
        fields["partner_id"] = partner_id
    return []


# Subjects whose partner is the interaction's by construction (the partner itself, the
# earlier interaction of a thread); a deal's or a claim's is checked against the people.
_OWN_PARTNER_SUBJECTS = ("partners.partner", "interactions.interaction")


def _subject_partner_check(fields: dict, checked: list[_Checked]) -> list[Violation]:
    """A deal or a claim as the subject is one of the participants' partner: a contact
    person of one client never discusses another client's deal or claim."""
    partner_id = fields.get("partner_id")
    if not partner_id or fields.get("subject_type", "") in ("", *_OWN_PARTNER_SUBJECTS):
        return []
    if all(p.partner is None or p.partner.pk == partner_id for p in checked):
        return []
    name = Partner.objects.filter(pk=partner_id).values_list("name", flat=True).first()
    return [
        Violation(
            InteractionsCode.SUBJECT_OF_ANOTHER_PARTNER,
            _("The subject concerns %(partner)s, not the partner of the participants.")
            % {"partner": name},
            "subject.id",
        )
    ]


def _follows(record: Interaction, itself: Interaction) -> bool:
    """Whether `record` is `itself` or follows it (walking up the chain of subjects)."""
    current, seen = record.pk, set()
    while current is not None and current not in seen:
        if current == itself.pk:
            return True
        seen.add(current)
        current = Interaction.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return False


def _partner_from_participants(participants: list[_Checked]) -> int | None:
    for p in participants:
        if p.partner is not None:
            return p.partner.pk
    return None


def _participants_store(interaction: Interaction, participants: list[_Checked]) -> None:
    interaction.participants.all().delete()
    Participant.objects.bulk_create(
        [
            Participant(
                interaction=interaction,
                role=p.data.role,
                name=p.name,
                phone=p.phone,
                phone_key=p.phone_key,
                email=p.email,
                email_key=p.email_key,
                partner=p.partner,
                contact=p.contact,
                user=p.user,
                position=index,
            )
            for index, p in enumerate(participants)
        ]
    )


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


def _thread_set(interaction: Interaction) -> None:
    parent = interaction.parent
    thread_id = (parent.thread_id or parent.pk) if parent is not None else interaction.pk
    if interaction.thread_id != thread_id:
        Interaction.objects.filter(pk=interaction.pk).update(thread_id=thread_id)
        interaction.thread_id = thread_id


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
    checked, violations = _participants_check(participants, by=by)
    violations = _fields_check(fields, checked) + violations
    violations += staff_user_check(
        responsible, InteractionsCode.RESPONSIBLE_INVALID, "responsible_id"
    )
    violations += _subject_apply(fields, subject_type=subject_type, subject_id=subject_id, by=by)
    violations += _subject_partner_check(fields, checked)
    violations += _reminder_check(fields["start"], reminder_minutes, remind_at)
    violations += _review_after_check(review_after)
    if violations:
        raise ValidationFailed(violations)
    if "partner_id" not in fields:
        fields["partner_id"] = _partner_from_participants(checked)
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
    _thread_set(interaction)
    _participants_store(interaction, checked)
    reminders_schedule(
        interaction=interaction, minutes=_minutes(start, reminder_minutes, remind_at)
    )
    return interaction


def _review_after_check(review_after) -> list[Violation]:
    if review_after is not None and review_after <= timezone.localdate():
        return [
            Violation(
                InteractionsCode.REVIEW_AFTER_PAST,
                _("Defer the review to a date after today."),
                "review_after",
            )
        ]
    return []


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
        checked, violations = _participants_check(changes["participants"], by=by)
    else:
        checked, violations = _current_participants(interaction), []
    violations = _fields_check(fields, checked) + violations
    responsible = changes.get("responsible", interaction.responsible)
    if "responsible" in changes:
        violations += staff_user_check(
            responsible, InteractionsCode.RESPONSIBLE_INVALID, "responsible_id"
        )
    subject_changed = "subject_type" in changes or "subject_id" in changes
    if subject_changed:
        violations += _subject_apply(
            fields,
            subject_type=changes.get("subject_type", interaction.subject_type),
            subject_id=changes.get("subject_id", interaction.subject_id),
            by=by,
            itself=interaction,
        )
        violations += _subject_partner_check(fields, checked)
    elif participants_given:
        violations += _subject_partner_check(
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
        interaction.partner_id = _partner_from_participants(checked) or interaction.partner_id
    if participants_given and not interaction.partner_id:
        interaction.partner_id = _partner_from_participants(checked)
    interaction.save()
    if subject_changed:
        _thread_set(interaction)
    if participants_given:
        _participants_store(interaction, checked)
    if "reminder_minutes" in changes or "start" in changes or "responsible" in changes:
        current = interaction.reminders.filter(delivered_at__isnull=True).first()
        keep = current.minutes_before if current is not None else None
        reminders_schedule(
            interaction=interaction,
            minutes=minutes if "reminder_minutes" in changes else keep,
        )
    return interaction


def _current_participants(interaction: Interaction) -> list[_Checked]:
    return [
        _Checked(
            data=ParticipantData(role=p.role, name=p.name, phone=p.phone, email=p.email),
            name=p.name,
            phone=p.phone,
            phone_key=p.phone_key,
            email=p.email,
            email_key=p.email_key,
            partner=p.partner,
            contact=p.contact,
            user=p.user,
        )
        for p in interaction.participants.select_related("partner", "contact", "user")
    ]


@transaction.atomic
def interaction_review(
    *,
    interaction: Interaction,
    by: User,
    reviewed: bool = True,
    review_after: datetime.date | None = None,
    responsible: User | None = None,
    expected_version: int | None = None,
) -> Interaction:
    """Mark an interaction reviewed, defer its review to a later date, or hand it to
    another responsible user (whose unprocessed list it then joins) (I4)."""
    interaction = locked_checked(Interaction, interaction, expected_version)
    violations = _review_after_check(review_after)
    if responsible is not None:
        violations += staff_user_check(
            responsible, InteractionsCode.RESPONSIBLE_INVALID, "responsible_id"
        )
    if violations:
        raise ValidationFailed(violations)
    if responsible is not None and responsible.pk != interaction.responsible_id:
        interaction.responsible = responsible
        if responsible.pk != by.pk:
            reviewed = False
    if review_after is not None:
        reviewed = False
    interaction.review_status = ReviewStatus.REVIEWED if reviewed else ReviewStatus.NOT_REVIEWED
    interaction.review_after = None if reviewed else review_after
    interaction.reviewed_by = by if reviewed else None
    interaction.reviewed_at = timezone.now() if reviewed else None
    interaction.save()
    if responsible is not None:
        reminders_schedule(interaction=interaction, minutes=None, keep=True)
    return interaction
