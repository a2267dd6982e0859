"""Issue 14, point 6 in a real browser: the week's hour grid shows a meeting at its hour;
dragging it to another half-hour saves the new time through the interactions services; a
refused move says why and puts the meeting back; open tasks look unlike done ones; the
month view renders — all under the strict CSP."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from ladoga.interactions.models import Interaction, TaskStatus
from ladoga.interactions.services import (
    interaction_create,
    interaction_update,
    task_create,
    task_update,
)

pytestmark = pytest.mark.e2e

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")  # anna's time zone (the default)
MONDAY = datetime.date(2030, 3, 4)
WEEK = f"/interactions/calendar/?view=week&date={MONDAY.isoformat()}"


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=MOSCOW)


@pytest.fixture
def board_meeting(anna):
    return interaction_create(
        kind="meeting", title="Board meeting", start=at(6, 10), end=at(6, 11), by=anna
    )


def test_a_meeting_dragged_to_another_slot_is_saved(session, board_meeting):
    session.sign_in()
    page = session.page
    session.goto(WEEK)
    event = page.get_by_test_id(f"event-{board_meeting.pk}")
    expect(event).to_have_class(
        "cal-event int-kind-meeting cal-col-3 cal-from-20 cal-span-2 cal-lane-0"
    )
    expect(event).to_contain_text("10:00–11:00")

    with page.expect_response(lambda response: "/reschedule/" in response.url):
        event.drag_to(page.get_by_test_id("slot-2030-03-07T14:30"))

    expect(event).to_contain_text("14:30–15:30")
    moved = Interaction.objects.get(pk=board_meeting.pk)
    assert moved.start == at(7, 14, 30) and moved.end == at(7, 15, 30)
    session.goto(WEEK)
    expect(page.get_by_test_id(f"event-{board_meeting.pk}")).to_have_class(
        "cal-event int-kind-meeting cal-col-4 cal-from-29 cal-span-2 cal-lane-0"
    )
    assert session.problems() == []


def test_a_refused_move_says_why_and_goes_back(session, board_meeting, anna):
    session.sign_in()
    page = session.page
    session.goto(WEEK)
    interaction_update(  # somebody else changes it meanwhile
        interaction=board_meeting, expected_version=None, by=anna, place="Room 2"
    )
    event = page.get_by_test_id(f"event-{board_meeting.pk}")

    with page.expect_response(lambda response: "/reschedule/" in response.url):
        event.drag_to(page.get_by_test_id("slot-2030-03-08T16:00"))

    expect(page.get_by_test_id("calendar-refused")).to_contain_text(
        "This record was changed by someone else"
    )
    expect(event).to_have_class(re.compile(r"^(?=.*\bcal-col-3\b)(?=.*\bcal-from-20\b)"))
    expect(event).not_to_have_class(re.compile(r"\bcal-col-5\b|\bcal-from-32\b|dragging"))
    expect(event).to_contain_text("10:00–11:00")
    assert Interaction.objects.get(pk=board_meeting.pk).start == at(6, 10)


def test_open_and_done_tasks_and_the_month_view(session, board_meeting, anna):
    open_task = task_create(
        title="Send the offer", assignee=anna, by=anna, due_date=datetime.date(2030, 3, 5)
    )
    done_task = task_create(
        title="Call back", assignee=anna, by=anna, due_date=datetime.date(2030, 3, 5)
    )
    task_update(task=done_task, expected_version=None, by=anna, status=TaskStatus.DONE)
    session.sign_in()
    page = session.page
    session.goto(WEEK)

    open_chip = page.get_by_test_id(f"task-{open_task.pk}")
    done_chip = page.get_by_test_id(f"task-{done_task.pk}")
    expect(open_chip).to_have_css("text-decoration-line", "none")
    expect(done_chip).to_have_css("text-decoration-line", "line-through")
    expect(open_chip).to_have_attribute("title", "Open task · Anna Smirnova")

    page.locator(".int-tabs").get_by_test_id("calendar-month").click()
    month = page.locator('[data-testid="calendar-month"].int-month')
    expect(month).to_be_visible()
    expect(month.get_by_test_id("month-day-2030-03-06")).to_contain_text("Board meeting")
    expect(month.get_by_test_id(f"task-{done_task.pk}")).to_have_css(
        "text-decoration-line", "line-through"
    )
    page.get_by_test_id("calendar-next").click()
    expect(page.locator(".page-header .lead")).to_contain_text("April 2030")
    assert session.problems() == []
