"""Deals in a real browser: the pipeline board under the strict CSP — a card dragged to a
stage whose guard is not met comes back with the reason shown, a card that meets it stays
moved; the deal card and the report charts render without a CSP violation."""

import pytest
from playwright.sync_api import expect

from ladoga.deals.models import Deal

pytestmark = pytest.mark.e2e


def test_dragging_cards_on_the_board(session, pipeline):
    kind, bare, ready, _contact = pipeline
    session.sign_in()
    page = session.page
    session.goto(f"/deals/board/{kind.pk}/")
    columns = page.get_by_test_id("board-column")
    expect(columns).to_have_count(2)
    first, second = columns.nth(0), columns.nth(1)

    page.locator(f'[data-deal-id="{bare.pk}"]').drag_to(second)

    expect(page.get_by_test_id("move-refused")).to_contain_text("Name at least one contact person")
    expect(first.locator(f'[data-deal-id="{bare.pk}"]')).to_be_visible()
    assert Deal.objects.get(pk=bare.pk).stage.code == "first"

    page.locator(f'[data-deal-id="{ready.pk}"]').drag_to(second)

    expect(second.locator(f'[data-deal-id="{ready.pk}"]')).to_be_visible()
    expect(second.locator(f'[data-deal-id="{ready.pk}"].moved')).to_be_visible()
    assert Deal.objects.get(pk=ready.pk).stage.code == "second"
    assert session.problems() == []


def test_the_deal_card_and_reports_render_under_the_csp(session, pipeline):
    kind, bare, _ready, _contact = pipeline
    session.sign_in()
    page = session.page
    for path in (
        f"/deals/{bare.pk}/",
        f"/deals/{bare.pk}/?tab=environment",
        f"/deals/reports/funnel/?kind={kind.pk}",
        "/deals/reports/efficiency/",
        "/deals/reports/forecast/",
        "/deals/tasks/",
    ):
        session.goto(path)
        expect(page.get_by_test_id("page-title")).to_be_visible()
        assert session.problems() == [], path
    session.goto(f"/deals/reports/funnel/?kind={kind.pk}")
    expect(page.get_by_test_id("chart").locator("svg")).to_be_visible()


def test_the_stage_menu_offers_only_what_can_happen(session, pipeline):
    """Issue 14, point 5: the next stage is the move, the others are disabled with the
    reason on hover, "Won" is offered only once it can happen."""
    _kind, _bare, ready, _contact = pipeline
    session.sign_in()
    page = session.page

    session.goto(f"/deals/{ready.pk}/")
    menu = page.get_by_test_id("stage-menu")
    second = menu.get_by_role("button", name="Second")
    won = menu.get_by_role("button", name="Won")
    expect(second).to_have_attribute("data-primary", "")
    expect(second).not_to_have_attribute("aria-disabled", "true")
    expect(won).to_have_attribute("aria-disabled", "true")
    expect(won).to_have_attribute("title", "Stages are passed in order: the next one is Second.")
    expect(page.get_by_test_id("deal-win")).to_have_count(0)
    won.hover()
    won.click(force=True)  # a disabled choice does nothing
    assert Deal.objects.get(pk=ready.pk).stage.code == "first"

    second.click()

    expect(page.get_by_test_id("stage-menu").get_by_role("button", name="Won")).to_have_attribute(
        "data-primary", ""
    )
    assert Deal.objects.get(pk=ready.pk).stage.code == "second"
    page.reload()  # the move redirected: a reload posts nothing again
    assert Deal.objects.get(pk=ready.pk).stage.code == "second"
    page.get_by_test_id("stage-menu").get_by_role("button", name="Won").click()
    expect(page.locator("body")).to_contain_text("The deal is won.")
    assert Deal.objects.get(pk=ready.pk).status == "won"
    assert session.problems() == []


def test_the_board_refuses_a_skipping_drop_without_asking_the_server(session, pipeline):
    kind, bare, _ready, _contact = pipeline
    session.sign_in()
    page = session.page
    session.goto(f"/deals/board/{kind.pk}/")
    first = page.get_by_test_id("board-column").nth(0)

    page.locator(f'[data-deal-id="{bare.pk}"]').drag_to(page.get_by_test_id("board-won"))

    expect(page.get_by_test_id("move-refused")).to_have_text(
        "Stages are passed in order: the next one is Second."
    )
    expect(first.locator(f'[data-deal-id="{bare.pk}"]')).to_be_visible()
    assert Deal.objects.get(pk=bare.pk).status == "in_progress"
    assert session.problems() == []
