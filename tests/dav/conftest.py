"""Fixtures of the DAV tests: Ladoga served on a live loopback server, the owner's calendar
for next month (two meetings, a planned interaction, one the owner takes part in, a task),
events that must stay out of it, contact persons, and real DAV clients."""

import datetime

import caldav
import httpx
import pytest
from django.utils import timezone

from ladoga.accounts.services import token_create
from ladoga.interactions.models import Interaction
from ladoga.interactions.services import interaction_create, task_create
from ladoga.partners.services import contact_create, contact_info_add, partner_create


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """Started only once the test database exists (see tests/e2e/conftest.py)."""
    return live_server


@pytest.fixture
def dav_url(live_server, transactional_db):
    return f"{live_server.url}/dav/"


@pytest.fixture
def month():
    """The first day of next month and of the month after it, as aware UTC times."""
    today = timezone.now().date()
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)

    def at(day):
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)

    return at(first), at(following)


def moment(start: datetime.datetime, days: int, hour: int) -> datetime.datetime:
    return start + datetime.timedelta(days=days, hours=hour)


@pytest.fixture
def calendar_data(actors, month):
    owner, colleague, outsider = actors["owner"], actors["colleague"], actors["outsider"]
    first, following = month
    # The colleague's meeting is about the owner's client, so the owner may see it.
    romashka = partner_create(name="Ромашка", roles=["client"], manager=owner, by=owner)
    mine = {
        "meeting": interaction_create(
            kind="meeting",
            title="Meeting at Romashka",
            by=owner,
            start=moment(first, 2, 10),
            end=moment(first, 2, 11),
            place="Romashka office",
        ),
        "planned": interaction_create(
            kind="planned", title="Plan the offer", by=owner, start=moment(first, 9, 14)
        ),
        "invited": interaction_create(
            kind="meeting",
            title="Colleague's meeting with the owner",
            by=owner,
            responsible=colleague,
            start=moment(first, 15, 9),
            end=moment(first, 15, 10),
            participants=[
                {"user_id": owner.pk, "name": "Owner"},
                {"partner_id": romashka.pk, "name": "Romashka"},
            ],
        ),
    }
    others = {
        "call": interaction_create(
            kind="call", title="A call is not an event", by=owner, start=moment(first, 3, 9)
        ),
        "next_month": interaction_create(
            kind="meeting", title="After the month", by=owner, start=moment(following, 1, 9)
        ),
        "colleague": interaction_create(
            kind="meeting", title="Colleague alone", by=colleague, start=moment(first, 4, 9)
        ),
        "outsider": interaction_create(
            kind="meeting", title="Outsider alone", by=outsider, start=moment(first, 4, 9)
        ),
    }
    task = task_create(
        title="Send the contract",
        assignee=owner,
        by=owner,
        due_date=(first + datetime.timedelta(days=20)).date(),
    )
    return {"mine": mine, "others": others, "task": task}


@pytest.fixture
def contacts(actors):
    owner, outsider = actors["owner"], actors["outsider"]
    romashka = partner_create(name="Ромашка", roles=["client"], manager=owner, by=owner)
    lutik = partner_create(name="Лютик", roles=["client"], manager=outsider, by=outsider)
    anna = contact_create(partner=romashka, last_name="Петрова", first_name="Анна", by=owner)
    contact_info_add(owner=anna, kind="phone", value="+7 912 345-67-89", by=owner)
    ivan = contact_create(partner=romashka, last_name="Иванов", first_name="Иван", by=owner)
    hidden = contact_create(partner=lutik, last_name="Сидоров", first_name="Пётр", by=outsider)
    return {"visible": [anna, ivan], "hidden": [hidden]}


@pytest.fixture
def token_of(actors):
    made: dict[str, str] = {}

    def token(actor: str) -> str:
        if actor not in made:
            made[actor] = token_create(user=actors[actor], name="calendar")[1]
        return made[actor]

    return token


@pytest.fixture
def dav_client(dav_url, token_of):
    """dav_client("owner") → a caldav client signed in with the owner's API token."""
    opened = []

    def client(actor: str, password: str | None = None) -> caldav.DAVClient:
        opened.append(
            caldav.DAVClient(url=dav_url, username=actor, password=password or token_of(actor))
        )
        return opened[-1]

    yield client
    for each in opened:
        each.close()


@pytest.fixture
def http(dav_url, token_of):
    """http("owner") → an httpx client on the live server with the owner's Basic auth."""
    opened = []

    def client(actor: str | None, password: str | None = None) -> httpx.Client:
        auth = (actor, password or token_of(actor)) if actor else None
        opened.append(httpx.Client(base_url=dav_url.removesuffix("/dav/"), auth=auth))
        return opened[-1]

    yield client
    for each in opened:
        each.close()


def snapshot(interaction: Interaction) -> tuple:
    interaction.refresh_from_db()
    return interaction.start, interaction.end, interaction.place, interaction.version
