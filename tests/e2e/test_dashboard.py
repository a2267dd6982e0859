"""The dashboard in a real browser: every block of the role loads on its own, without CSP
violations, and links to the full list behind it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ladoga.interactions.services import task_create

pytestmark = pytest.mark.e2e


def test_a_managers_blocks_load_and_link_to_their_lists(session, anna):
    today = timezone.localdate()
    task_create(title="Call Romashka back", assignee=anna, by=anna, due_date=today)
    task_create(
        title="Send the offer", assignee=anna, by=anna, due_date=today - datetime.timedelta(days=3)
    )

    session.sign_in()
    page = session.page

    tasks = page.get_by_test_id("block-tasks")
    expect(tasks).to_contain_text("Send the offer")
    expect(page.get_by_test_id("tasks-overdue")).to_have_text("1")
    expect(page.get_by_test_id("tasks-today")).to_have_text("1")
    for name in ("reminders", "unprocessed", "pipeline"):
        expect(page.get_by_test_id(f"block-{name}")).to_be_visible()
    expect(page.locator(".dash-loading")).to_have_count(0)
    assert session.problems() == []

    page.get_by_test_id("block-tasks-link").click()
    expect(page).to_have_url(session.url("/deals/tasks/"))
