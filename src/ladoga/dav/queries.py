"""What a user's DAV collections hold, always through record-level access."""

import datetime

from django.db.models import Q, QuerySet

from ladoga.interactions import queries as interactions
from ladoga.interactions.ical import DEFAULT_LENGTH
from ladoga.interactions.models import EVENT_KINDS, Interaction, Participant, Task
from ladoga.partners import queries as partners
from ladoga.partners.exchange.vcard import contacts_for_vcard
from ladoga.partners.models import ContactPerson

EVENT_FIELDS = (
    "id",
    "kind",
    "title",
    "body",
    "place",
    "start",
    "end",
    "created_at",
    "updated_at",
    "version",
)


def calendar_events(
    *, user, start: datetime.datetime | None = None, end: datetime.datetime | None = None
) -> QuerySet[Interaction]:
    """The meetings and planned interactions in the user's calendar: visible to them, and
    theirs (responsible) or with them as a participant, overlapping [start, end) when
    given. An event without an end lasts DEFAULT_LENGTH, as the calendar shows it."""
    found = (
        interactions.interactions_visible_to(user=user)
        .filter(kind__in=EVENT_KINDS, start__isnull=False)
        .filter(
            Q(responsible=user)
            | Q(pk__in=Participant.objects.filter(user=user).values("interaction_id"))
        )
    )
    if end is not None:
        found = found.filter(start__lt=end)
    if start is not None:
        found = found.filter(
            Q(end__gt=start) | Q(end__isnull=True, start__gt=start - DEFAULT_LENGTH)
        )
    # Only what an event's text, ETag and time range are made of: a month's query reads
    # hundreds of rows, and joined users and partners would double the cost.
    return found.select_related(None).only(*EVENT_FIELDS).order_by("start", "id")


def calendar_tasks(
    *, user, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet[Task]:
    """The open tasks assigned to the user that have a due date (shown on that day)."""
    found = interactions.my_tasks(user=user).filter(due_date__isnull=False)
    if start is not None:
        found = found.filter(due_date__gte=start)
    if end is not None:
        found = found.filter(due_date__lt=end)
    return found


def address_book_contacts(*, user) -> QuerySet[ContactPerson]:
    """Every contact person the user may see, with what their vCards need."""
    return contacts_for_vcard(partners.contacts_visible_to(user=user)).order_by("id")
