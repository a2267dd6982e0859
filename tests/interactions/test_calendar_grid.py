"""The calendar page (issue 14, point 6): an hour grid for day and week, a month view,
open tasks unlike done ones, whose calendar (a person or a department, only among the
people in the viewer's scope) and the drag-and-drop reschedule through the services."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from ladoga.interactions.models import Interaction, Reminder, TaskStatus
from ladoga.interactions.services import (
    interaction_create,
    interaction_reschedule,
    task_create,
    task_update,
)

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
MONDAY = datetime.date(2030, 3, 4)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=MOSCOW)


@pytest.fixture
def moscow(owner, actors):
    for user in actors.values():
        user.time_zone = "Europe/Moscow"
        user.save(update_fields=["time_zone"])
    return owner


def meeting(by, title="Board meeting", start=None, hours=1, **fields):
    start = start or at(MONDAY + datetime.timedelta(days=2), 18)
    return interaction_create(
        kind="meeting",
        title=title,
        start=start,
        end=start + datetime.timedelta(hours=hours),
        by=by,
        **fields,
    )


def event_classes(content: str, pk: int) -> str:
    found = re.search(rf'<a class="([^"]*)"[^>]*data-testid="event-{pk}"', content)
    assert found, f"event {pk} is not on the grid"
    return found.group(1)


def page(client, **query):
    query = {"view": "week", "date": MONDAY.isoformat(), **query}
    return client.get("/interactions/calendar/", query)


def test_week_grid_places_a_meeting_at_its_hour_and_length(browser_as, moscow):
    board = meeting(moscow, start=at(MONDAY + datetime.timedelta(days=2), 18), hours=1.5)

    response = page(browser_as("owner"))

    content = response.content.decode()
    assert response.status_code == 200 and 'data-testid="calendar-week"' in content
    classes = event_classes(content, board.pk).split()
    # Wednesday is the third column; 18:00 is the 36th half-hour; 1.5 hours span three rows.
    assert {"cal-col-3", "cal-from-36", "cal-span-3"} <= set(classes)
    assert "18:00–19:30" in content
    assert 'data-slot="2030-03-04T00:00"' in content and 'data-slot="2030-03-10T23:30"' in content


def test_times_are_in_the_users_time_zone(browser_as, moscow):
    board = meeting(moscow, start=datetime.datetime(2030, 3, 6, 15, 0, tzinfo=datetime.UTC))

    content = page(browser_as("owner")).content.decode()

    assert "cal-from-36" in event_classes(content, board.pk)  # 15:00 UTC is 18:00 in Moscow


def test_overlapping_events_take_separate_lanes(browser_as, moscow):
    first = meeting(moscow, "First")
    second = meeting(moscow, "Second", start=at(MONDAY + datetime.timedelta(days=2), 18, 30))

    content = page(browser_as("owner")).content.decode()

    assert "cal-lane-0" in event_classes(content, first.pk)
    assert "cal-lane-1" in event_classes(content, second.pk)


def test_day_view_shows_one_column_and_calls(browser_as, moscow):
    call = interaction_create(
        kind="call", title="Call the plant", start=at(MONDAY, 9, 30), by=moscow
    )
    meeting(moscow, "Another day", start=at(MONDAY + datetime.timedelta(days=1), 10))

    content = page(browser_as("owner"), view="day").content.decode()

    assert 'data-testid="calendar-day"' in content
    assert {"cal-col-1", "cal-from-19", "cal-span-1"} <= set(
        event_classes(content, call.pk).split()
    )
    assert "Another day" not in content
    assert 'data-slot="2030-03-05T00:00"' not in content


def test_month_view_and_navigation_keep_the_filter(browser_as, moscow, actors):
    meeting(moscow, "Quarter review")
    colleague = actors["colleague"]

    content = page(browser_as("head"), view="month", person=str(moscow.pk)).content.decode()

    assert 'data-testid="calendar-month"' in content and "Quarter review" in content
    assert 'data-testid="month-day-2030-03-06"' in content
    assert f"date=2030-04-01&amp;person={moscow.pk}" in content  # "Later" keeps whose it is
    assert f"date=2030-02-01&amp;person={moscow.pk}" in content
    assert str(colleague) in content  # the head may pick any of their people


def test_open_tasks_look_different_from_done_ones(browser_as, moscow):
    due = MONDAY + datetime.timedelta(days=1)
    open_task = task_create(title="Send the offer", assignee=moscow, by=moscow, due_date=due)
    done_task = task_create(title="Call back", assignee=moscow, by=moscow, due_date=due)
    task_update(task=done_task, expected_version=None, by=moscow, status=TaskStatus.DONE)

    for view in ("week", "month"):
        content = page(browser_as("owner"), view=view).content.decode()
        assert re.search(rf'class="cal-task open"[^>]*data-testid="task-{open_task.pk}"', content)
        assert re.search(rf'class="cal-task done"[^>]*data-testid="task-{done_task.pk}"', content)


def test_a_manager_sees_only_their_own_calendar(browser_as, moscow, actors):
    meeting(moscow, "Mine")
    meeting(actors["colleague"], "Colleague's")

    response = page(browser_as("owner"))

    assert b"Mine" in response.content and b"Colleague&#x27;s" not in response.content
    assert b'data-testid="calendar-filter"' not in response.content  # nothing to choose
    assert page(browser_as("owner"), person=str(actors["colleague"].pk)).status_code == 404


def test_a_head_sees_their_managers_but_not_another_department(browser_as, moscow, actors):
    meeting(actors["colleague"], "Colleague's visit")
    meeting(actors["outsider"], "Outsider's visit")
    head = browser_as("head")

    theirs = page(head, person=str(actors["colleague"].pk))
    department = page(head, department=str(actors["colleague"].department_id))

    assert b"Colleague&#x27;s visit" in theirs.content
    assert b"Colleague&#x27;s visit" in department.content and b"Board" not in department.content
    assert b"Outsider" not in department.content
    assert page(head, person=str(actors["outsider"].pk)).status_code == 404
    assert page(head, department=str(actors["outsider"].department_id)).status_code == 404
    assert page(head, person="abc").status_code == 404


def test_an_administrator_sees_anyone(browser_as, moscow, actors):
    meeting(actors["outsider"], "Outsider's visit")

    response = page(browser_as("admin"), person=str(actors["outsider"].pk))

    assert response.status_code == 200 and b"Outsider&#x27;s visit" in response.content


# The reschedule service and its POST --------------------------------------------------


def test_reschedule_keeps_the_length_and_moves_the_reminder(moscow):
    board = meeting(moscow, hours=2, reminder_minutes=15)
    new_start = at(MONDAY + datetime.timedelta(days=3), 9)

    moved = interaction_reschedule(
        interaction=board, start=new_start, expected_version=board.version, by=moscow
    )

    moved.refresh_from_db()
    assert moved.start == new_start and moved.end == new_start + datetime.timedelta(hours=2)
    reminder = Reminder.objects.get(interaction=board, delivered_at__isnull=True)
    assert reminder.remind_at == new_start - datetime.timedelta(minutes=15)


def post_move(client, interaction, start, version=None):
    return client.post(
        f"/interactions/{interaction.pk}/reschedule/",
        {"start": start, "version": interaction.version if version is None else version},
    )


def test_reschedule_post_saves_the_new_time(browser_as, moscow):
    board = meeting(moscow)

    response = post_move(browser_as("owner"), board, "2030-03-08T10:30")

    assert response.status_code == 200
    assert response.json()["time"] == "10:30–11:30"
    board.refresh_from_db()
    assert board.start == at(datetime.date(2030, 3, 8), 10, 30)
    assert board.version == response.json()["version"] == 2


@pytest.mark.parametrize(
    ("start", "version", "message"),
    [
        ("2030-03-08T10:30", 99, "changed"),
        ("not a time", None, "Give the new start as a date and time between 2000 and 2099."),
        ("1812-09-07T10:00", None, "Give the new start as a date and time between 2000 and 2099."),
    ],
)
def test_a_refused_reschedule_says_why_and_writes_nothing(
    browser_as, moscow, start, version, message
):
    board = meeting(moscow)
    before = Interaction.objects.values().get(pk=board.pk)

    response = post_move(browser_as("owner"), board, start, version)

    assert response.status_code in (409, 412, 422)
    assert message in response.json()["error"]
    assert Interaction.objects.values().get(pk=board.pk) == before


def test_an_email_is_not_moved(moscow, partner):
    mail = interaction_create(
        kind="email",
        title="Prices",
        direction="incoming",
        start=timezone.now().replace(microsecond=0),
        by=moscow,
    )
    before = Interaction.objects.values().get(pk=mail.pk)

    with pytest.raises(Exception, match="An e-mail is not moved in the calendar"):
        interaction_reschedule(
            interaction=mail, start=at(MONDAY, 10), expected_version=mail.version, by=moscow
        )

    assert Interaction.objects.values().get(pk=mail.pk) == before


def test_reschedule_of_an_invisible_interaction_is_404(browser_as, moscow, actors):
    theirs = meeting(actors["outsider"], "Outsider's visit")
    before = Interaction.objects.values().get(pk=theirs.pk)

    response = post_move(browser_as("owner"), theirs, "2030-03-08T10:30")

    assert response.status_code == 404
    assert Interaction.objects.values().get(pk=theirs.pk) == before


def test_reschedule_needs_a_post(browser_as, moscow):
    board = meeting(moscow)

    response = browser_as("owner").get(
        f"/interactions/{board.pk}/reschedule/", {"start": "2030-03-08T10:30"}
    )

    assert response.status_code == 302  # a GET goes back to the interaction's page
    assert Interaction.objects.get(pk=board.pk).start == board.start
