"""Radicale storage plugin over Ladoga's queries and services (no files, no cache).

The tree is fixed: the root, the acting user's principal `<username>/`, and under it
`calendar/` and `contacts/` (see `items`). Nothing but the acting user's own principal is
ever found, so another user's collections answer 404 even before the rights plugin speaks;
collections cannot be created, replaced, moved or deleted.

Every failure of a write is raised as ValueError for Radicale (which then stops and
answers) after the domain error is put on the request, so the view answers with that
error's own status and message. Locking is the database's: each write is one service call
in one transaction with a row lock, so `acquire_lock` holds nothing.
"""

import contextlib
import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from radicale import item as radicale_item
from radicale import pathutils, storage
from radicale.item import filter as radicale_filter

from ladoga.core.errors import DomainError

from . import items, queries, server
from .items import CALENDAR, CONTACTS

# A calendar listing without a time range (PROPFIND, sync) holds this window around today,
# like the iCalendar feed; time-range queries and fetches by name reach any date.
LISTED_PAST = datetime.timedelta(days=90)
LISTED_FUTURE = datetime.timedelta(days=400)


def _raise_for_radicale(error: DomainError):
    server.current().error = error
    raise ValueError(str(error)) from error


class Collection(storage.BaseCollection):
    def __init__(self, path: str, user=None, kind: str | None = None):
        self._path = path
        self.user = user
        self.kind = kind

    @property
    def path(self) -> str:
        return self._path

    # -- metadata ----------------------------------------------------------------------
    def get_meta(self, key: str | None = None):
        if self.kind == CALENDAR:
            meta = {
                "tag": "VCALENDAR",
                "D:displayname": _("Ladoga: meetings and tasks"),
                "C:supported-calendar-component-set": "VEVENT",
            }
        elif self.kind == CONTACTS:
            meta = {"tag": "VADDRESSBOOK", "D:displayname": _("Ladoga: contact persons")}
        else:
            meta = {}
        return meta if key is None else meta.get(key)

    def set_meta(self, props: Mapping[str, str]) -> None:
        """Display properties (colour, name) a program sets are not kept."""

    @property
    def last_modified(self) -> str:
        if self.kind == CALENDAR:
            moment = queries.calendar_events(user=self.user).aggregate(latest=Max("updated_at"))[
                "latest"
            ]
        elif self.kind == CONTACTS:
            moment = queries.address_book_contacts(user=self.user).aggregate(
                latest=Max("updated_at")
            )["latest"]
        else:
            moment = None
        return items.http_date(moment)

    # -- reading -----------------------------------------------------------------------
    def _url_of(self, interaction) -> str:
        if not hasattr(self, "_detail_url"):
            request = server.current().django_request
            # One reverse() per request: the address differs only by the id at its end.
            self._detail_url = request.build_absolute_uri(
                reverse("interactions:detail", args=[0])
            ).removesuffix("0/")
        return f"{self._detail_url}{interaction.pk}/"

    def _calendar_items(self, *, start=None, end=None) -> Iterator[radicale_item.Item]:
        events = queries.calendar_events(user=self.user, start=start, end=end)
        for interaction in events:
            yield items.interaction_item(self, interaction, self._url_of)
        tasks = queries.calendar_tasks(
            user=self.user,
            start=(start - datetime.timedelta(days=1)).date() if start else None,
            end=(end + datetime.timedelta(days=1)).date() if end else None,
        )
        for task in tasks:
            yield items.task_item(self, task)

    def get_all(self) -> Iterable[radicale_item.Item]:
        if self.kind == CALENDAR:
            now = datetime.datetime.now(datetime.UTC)
            return self._calendar_items(start=now - LISTED_PAST, end=now + LISTED_FUTURE)
        if self.kind == CONTACTS:
            return (
                items.contact_item(self, contact)
                for contact in queries.address_book_contacts(user=self.user)
            )
        return ()

    def get_filtered(self, filters: Iterable[ET.Element]):
        """A calendar-query asks the database for the time range, not every item."""
        if self.kind != CALENDAR:
            yield from super().get_filtered(filters)
            return
        tag, start, end, simple = radicale_filter.simplify_prefilters(filters, "VCALENDAR")
        if tag not in (None, "VEVENT"):
            return
        bounded_start = start > radicale_filter.TIMESTAMP_MIN
        bounded_end = end < radicale_filter.TIMESTAMP_MAX
        found = self._calendar_items(
            start=datetime.datetime.fromtimestamp(start, datetime.UTC) if bounded_start else None,
            end=datetime.datetime.fromtimestamp(end, datetime.UTC) if bounded_end else None,
        )
        for item in found:
            item_start, item_end = item.time_range
            if item_start >= end or item_end <= start:
                continue
            yield item, simple and (start <= item_start or item_end <= end)

    def get_multi(self, hrefs: Iterable[str]):
        wanted: dict[str, dict[int, str]] = {"interaction": {}, "task": {}, "contact": {}}
        answered = []
        for href in dict.fromkeys(hrefs):
            parsed = items.href_parse(href)
            expected = {CALENDAR: ("interaction", "task"), CONTACTS: ("contact",)}
            if parsed is None or parsed[0] not in expected.get(self.kind, ()):
                answered.append((href, None))
                continue
            wanted[parsed[0]][parsed[1]] = href
        found: dict[str, radicale_item.Item] = {}
        if wanted["interaction"]:
            for record in queries.calendar_events(user=self.user).filter(
                pk__in=wanted["interaction"]
            ):
                found[wanted["interaction"][record.pk]] = items.interaction_item(
                    self, record, self._url_of
                )
        if wanted["task"]:
            for task in queries.calendar_tasks(user=self.user).filter(pk__in=wanted["task"]):
                found[wanted["task"][task.pk]] = items.task_item(self, task)
        if wanted["contact"]:
            for contact in queries.address_book_contacts(user=self.user).filter(
                pk__in=wanted["contact"]
            ):
                found[wanted["contact"][contact.pk]] = items.contact_item(self, contact)
        for kind in wanted.values():
            for href in kind.values():
                answered.append((href, found.get(href)))
        return answered

    def has_uid(self, uid: str) -> bool:
        href = items.href_of_uid(uid)
        return href is not None and dict(self.get_multi([href])).get(href) is not None

    # -- writing -----------------------------------------------------------------------
    def upload(self, href: str, item: radicale_item.Item):
        state = server.current()
        try:
            if self.kind != CALENDAR:
                raise items.refuse_create()
            parsed = items.href_parse(href)
            if parsed is not None and parsed[0] == "task":
                raise items.refuse_task_change()
            old = dict(self.get_multi([href])).get(href) if parsed else None
            if old is None:
                raise items.refuse_create()
            interaction = queries.calendar_events(user=self.user).get(pk=parsed[1])
            changed = items.interaction_event_put(
                interaction=interaction, vobject_calendar=item.vobject_item, by=state.user
            )
        except DomainError as error:
            _raise_for_radicale(error)
        state.changed.append(changed)
        return items.interaction_item(self, changed, self._url_of), old

    def delete(self, href: str | None = None) -> None:
        _raise_for_radicale(items.refuse_delete())


class Storage(storage.BaseStorage):
    def discover(self, path: str, depth: str = "0", child_context_manager=None, user_groups=None):
        user = server.current().user
        sane_path = pathutils.strip_path(path)
        parts = sane_path.split("/") if sane_path else []
        if not parts:
            yield Collection("")
            if depth != "0" and user is not None:
                yield Collection(user.username, user)
            return
        if user is None or parts[0] != user.username or len(parts) > 3:
            return
        if len(parts) == 1:
            yield Collection(user.username, user)
            if depth != "0":
                yield Collection(f"{user.username}/{CALENDAR}", user, CALENDAR)
                yield Collection(f"{user.username}/{CONTACTS}", user, CONTACTS)
            return
        if parts[1] not in (CALENDAR, CONTACTS):
            return
        collection = Collection(f"{user.username}/{parts[1]}", user, parts[1])
        if len(parts) == 3:
            item = dict(collection.get_multi([parts[2]])).get(parts[2])
            if item is not None:
                yield item
            return
        yield collection
        if depth != "0":
            yield from collection.get_all()

    def move(self, item, to_collection, to_href) -> None:
        _raise_for_radicale(items.refuse_create())

    def create_collection(self, href: str, items=None, props=None):
        raise ValueError("Ladoga's DAV collections are fixed")

    @contextlib.contextmanager
    def acquire_lock(self, mode: str, user: str = "", *args, **kwargs):
        yield

    def verify(self) -> bool:
        return True
