"""The dashboard in a real browser: every block of the role loads on its own, without CSP
violations, and links to the full list behind it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ladoga.accounts.services import user_language_set
from ladoga.deals import services
from ladoga.deals.models.kind import StageOutcome
from ladoga.deals.services import StageSpec
from ladoga.interactions.services import task_create
from ladoga.partners.services import partner_create

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


# The blocks whose content is wider than the block: what would be clipped, spill over the next
# block or need a scroll bar.
OVERFLOWING = """() => [...document.querySelectorAll('.dash-body')].filter(
  body => body.scrollWidth > body.clientWidth + 1).map(body => body.dataset.testid)"""


def test_blocks_never_overflow_at_1280_px_in_russian(open_session, anna):

    kind = services.deal_kind_create(
        name="Проектная продажа с длинным названием вида",
        process_type="manual",
        stages=[
            StageSpec("lead", "Квалификация потребностей клиента", default_probability=10),
            StageSpec("offer", "Коммерческое предложение", default_probability=40),
            StageSpec("won", "Выиграна", outcome="won", default_probability=100),
            StageSpec("lost", "Проиграна", outcome="lost", default_probability=0),
        ],
    )
    client = partner_create(name="Строймонтажинвестпроект", manager=anna)
    for stage in kind.stages.filter(outcome=StageOutcome.OPEN):
        services.deal_create(
            name="Поставка оборудования",
            partner=client,
            kind=kind,
            by=anna,
            stage=stage,
            amount=987_654_321,
        )
    user_language_set(user=anna, language="ru")

    session = open_session(locale="ru-RU", viewport={"width": 1280, "height": 860})
    session.sign_in()
    page = session.page
    expect(page.get_by_test_id("pipeline-deals")).to_have_text("2")
    expect(page.locator(".dash-loading")).to_have_count(0)

    assert page.evaluate(OVERFLOWING) == []
    assert session.problems() == []
