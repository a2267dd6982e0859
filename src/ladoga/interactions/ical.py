"""iCalendar (RFC 5545) output with the `icalendar` package (I5): one event as an .ics
file, and a user's feed of meetings, planned interactions and tasks."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Interaction, InteractionKind, Task

PRODID = "-//Ladoga CRM//ladoga//EN"
DEFAULT_LENGTH = datetime.timedelta(hours=1)


def uid_of(kind: str, pk: int) -> str:
    host = (settings.ALLOWED_HOSTS or ["ladoga"])[0].strip("[]") or "ladoga"
    return f"{kind}-{pk}@{host}"


def calendar_new(name: str = "Ladoga") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def interaction_event(interaction: Interaction, *, url: str = "") -> Event:
    event = Event()
    event.add("uid", uid_of("interaction", interaction.pk))
    event.add("dtstamp", timezone.now())
    start = interaction.start or interaction.created_at
    event.add("dtstart", start)
    event.add("dtend", interaction.end or start + DEFAULT_LENGTH)
    event.add("summary", interaction.title)
    if interaction.body:
        event.add("description", interaction.body)
    if interaction.place:
        event.add("location", interaction.place)
    if url:
        event.add("url", url)
    event.add("last-modified", interaction.updated_at)
    event.add("sequence", interaction.version)
    event.add("status", "CONFIRMED" if interaction.kind == InteractionKind.MEETING else "TENTATIVE")
    return event


def task_event(task: Task, *, url: str = "") -> Event:
    """A task as an all-day event on its due date: calendar programs that subscribe to a
    feed show events, and many ignore to-dos."""
    event = Event()
    event.add("uid", uid_of("task", task.pk))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", task.due_date)
    event.add("dtend", task.due_date + datetime.timedelta(days=1))
    event.add("summary", task.title)
    if task.description:
        event.add("description", task.description)
    if url:
        event.add("url", url)
    event.add("last-modified", task.updated_at)
    event.add("sequence", task.version)
    event.add("transp", "TRANSPARENT")
    return event


def calendar_of(*, interactions=(), tasks=(), name: str = "Ladoga", url_of=None) -> bytes:
    calendar = calendar_new(name)
    for interaction in interactions:
        calendar.add_component(
            interaction_event(interaction, url=url_of(interaction) if url_of else "")
        )
    for task in tasks:
        if task.due_date is not None:
            calendar.add_component(task_event(task))
    return calendar.to_ical()
