"""The two collections of a user and their items, in Ladoga's words.

`/dav/<username>/calendar/` holds the user's meetings and planned interactions (VEVENTs built
by `interactions.ical.interaction_event`, the same as the iCalendar feed) and their open
tasks with a due date (all-day VEVENTs from `interactions.ical.task_event`).
`/dav/<username>/contacts/` holds every contact person the user may see (vCard 3.0 from
`partners.exchange.vcard.vcard_of`, the same as the vCard export).

Items are named by record: `interaction-<id>.ics`, `task-<id>.ics`, `contact-<id>.vcf`. An
event's ETag is its record's version, so listing a calendar renders nothing; a contact's
ETag is a hash of its card, since phones and e-mails live in rows of their own.

Writes (the only ones the calendar takes): a PUT of an existing interaction's event whose
start, end or location differ from what Ladoga rendered is handed to
`interactions.services.interaction_update` with just those changes (its rules apply: an
end before the start answers 422, a change by someone else meanwhile 412). Summary,
description, alarms and other properties a program sends are ignored. New events, tasks
and deletions are refused with 403 (delete or cancel an interaction in Ladoga itself).
"""

import datetime
import email.utils
import hashlib
import re
import threading
import zoneinfo
from collections import OrderedDict
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from radicale import item as radicale_item

from ladoga.accounts.models import User
from ladoga.core.errors import ValidationFailed
from ladoga.interactions import ical
from ladoga.interactions.models import Interaction, Task
from ladoga.interactions.services import interaction_update
from ladoga.partners.exchange.vcard import vcard_of
from ladoga.partners.models import ContactPerson

from .errors import DavCode, Refused

CALENDAR = "calendar"
CONTACTS = "contacts"
HREF = re.compile(r"^(interaction|task|contact)-(\d{1,18})\.(ics|vcf)$")


class LazyItem(radicale_item.Item):
    """A Radicale item whose text is rendered only when a client asks for it: listing a
    collection needs hrefs and ETags, which come from the records without rendering."""

    def __init__(self, render: Callable[[], str], **kwargs):
        super().__init__(text="", **kwargs)
        self._text = None
        self._render = render

    def serialize(self) -> str:
        if self._text is None:
            self._text = self._render()
        return self._text

    @property
    def vobject_item(self):
        if self._vobject_item is None:
            self.serialize()
        return super().vobject_item


def href_parse(href: str) -> tuple[str, int] | None:
    match = HREF.match(href or "")
    if match is None:
        return None
    return match.group(1), int(match.group(2))


def href_of_uid(uid: str) -> str | None:
    """The item name of a UID Ladoga gave (`interaction-12@host`, `ladoga-contact-7`)."""
    match = re.match(r"^(interaction|task)-(\d{1,18})@", uid or "")
    if match:
        return f"{match.group(1)}-{match.group(2)}.ics"
    match = re.match(r"^ladoga-contact-(\d{1,18})$", uid or "")
    return f"contact-{match.group(1)}.vcf" if match else None


def http_date(moment: datetime.datetime | None) -> str:
    moment = moment or timezone.now()
    return email.utils.format_datetime(moment.astimezone(datetime.UTC), usegmt=True)


class RenderedCache:
    """Rendered calendar items by (record, version, last change, address): rendering with
    `icalendar` costs milliseconds per event, and a month's query asks for hundreds. A
    record's version rises on every save, so a stale text is never served (this is the
    role Radicale's own item cache plays for its file storage). Bounded, per process."""

    def __init__(self, size: int = 20_000):
        self.size = size
        self._texts: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, render: Callable[[], str]) -> str:
        with self._lock:
            text = self._texts.get(key)
            if text is not None:
                self._texts.move_to_end(key)
                return text
        text = render()
        with self._lock:
            self._texts[key] = text
            while len(self._texts) > self.size:
                self._texts.popitem(last=False)
        return text

    def clear(self) -> None:
        with self._lock:
            self._texts.clear()


rendered = RenderedCache()


def _calendar_text(component) -> str:
    calendar = ical.calendar_new()
    calendar.add_component(component)
    return calendar.to_ical().decode()


def interaction_span(interaction: Interaction) -> tuple[datetime.datetime, datetime.datetime]:
    """The start and end the calendar shows (as `ical.interaction_event` renders them)."""
    start = interaction.start or interaction.created_at
    return start, interaction.end or start + ical.DEFAULT_LENGTH


def interaction_item(collection, interaction: Interaction, url_of=None) -> LazyItem:
    start, end = interaction_span(interaction)
    url = url_of(interaction) if url_of else ""
    key = ("interaction", interaction.pk, interaction.version, interaction.updated_at, url)
    return LazyItem(
        lambda: rendered.get(
            key, lambda: _calendar_text(ical.interaction_event(interaction, url=url))
        ),
        collection=collection,
        href=f"interaction-{interaction.pk}.ics",
        etag=f'"interaction-{interaction.pk}-{interaction.version}"',
        uid=ical.uid_of("interaction", interaction.pk),
        name="VCALENDAR",
        component_name="VEVENT",
        time_range=(int(start.timestamp()), int(end.timestamp())),
        last_modified=http_date(interaction.updated_at),
    )


def task_item(collection, task: Task) -> LazyItem:
    day = datetime.datetime.combine(task.due_date, datetime.time.min, tzinfo=datetime.UTC)
    key = ("task", task.pk, task.version, task.updated_at)
    return LazyItem(
        lambda: rendered.get(key, lambda: _calendar_text(ical.task_event(task))),
        collection=collection,
        href=f"task-{task.pk}.ics",
        etag=f'"task-{task.pk}-{task.version}"',
        uid=ical.uid_of("task", task.pk),
        name="VCALENDAR",
        component_name="VEVENT",
        time_range=(int(day.timestamp()), int((day + datetime.timedelta(days=1)).timestamp())),
        last_modified=http_date(task.updated_at),
    )


def contact_item(collection, contact: ContactPerson) -> radicale_item.Item:
    text = vcard_of(contact, version="3.0").serialize()
    return radicale_item.Item(
        collection=collection,
        href=f"contact-{contact.pk}.vcf",
        text=text,
        etag=f'"{hashlib.sha256(text.encode()).hexdigest()[:32]}"',
        uid=f"ladoga-contact-{contact.pk}",
        name="VCARD",
        component_name="VCARD",
        last_modified=http_date(contact.updated_at),
    )


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _moment(value, user: User) -> datetime.datetime:
    """A DTSTART/DTEND value as an aware time: a floating time or a whole day is read in
    the user's time zone."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            return value.replace(tzinfo=_zone(user))
        return value
    return datetime.datetime.combine(value, datetime.time.min, tzinfo=_zone(user))


def _same(a: datetime.datetime, b: datetime.datetime) -> bool:
    return a.replace(microsecond=0) == b.replace(microsecond=0)


def event_changes(interaction: Interaction, vobject_calendar, *, user: User) -> dict:
    """The start, end and place of the uploaded event that differ from the interaction as
    the calendar showed it; nothing else of the event is taken."""
    events = [
        component
        for component in getattr(vobject_calendar, "vevent_list", [])
        if not hasattr(component, "recurrence_id")
    ]
    if len(events) != 1:
        raise ValidationFailed.single(
            DavCode.EVENT_MISSING,
            _("The calendar item must hold exactly one event."),
            "vevent",
        )
    event = events[0]
    start, end = interaction_span(interaction)
    changes: dict = {}
    if hasattr(event, "dtstart"):
        new_start = _moment(event.dtstart.value, user)
        if not _same(new_start, start):
            changes["start"] = new_start
    else:
        new_start = start
    new_end = None
    if hasattr(event, "dtend"):
        new_end = _moment(event.dtend.value, user)
    elif hasattr(event, "duration"):
        new_end = new_start + event.duration.value
    if new_end is not None and not _same(new_end, end):
        changes["end"] = new_end
    place = event.location.value if hasattr(event, "location") else ""
    if " ".join(str(place or "").split()) != interaction.place:
        changes["place"] = place or ""
    return changes


def interaction_event_put(*, interaction: Interaction, vobject_calendar, by: User) -> Interaction:
    """A calendar program moved an event: time and place go through the interactions
    service, with its rules and history; a PUT that changes neither writes nothing."""
    if not by.has_perm("interactions.change_interaction"):
        raise Refused.single(DavCode.FORBIDDEN, _("Your role may not change interactions."))
    changes = event_changes(interaction, vobject_calendar, user=by)
    if not changes:
        return interaction
    return interaction_update(
        interaction=interaction, expected_version=interaction.version, by=by, **changes
    )


def refuse_create() -> Refused:
    return Refused.single(
        DavCode.CREATE_REFUSED,
        _("New events cannot be added from a calendar program; plan them in Ladoga."),
    )


def refuse_task_change() -> Refused:
    return Refused.single(
        DavCode.READ_ONLY, _("Tasks are read-only in the calendar; change them in Ladoga.")
    )


def refuse_delete() -> Refused:
    return Refused.single(
        DavCode.DELETE_REFUSED,
        _("Events cannot be deleted from a calendar program; cancel them in Ladoga."),
    )
