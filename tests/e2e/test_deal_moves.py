"""Issue 14, points 5 and 9 in a real browser: each card on the pipeline board names its
next stage and moves there from its button (the move still checks the stage's guards and
says why it refuses); a kind without stages has a board too; the deal's Changes tab shows
labels and names, never stored values."""

import re

import pytest
from playwright.sync_api import expect

from ladoga.deals import services
from ladoga.deals.models import Deal
from ladoga.partners.services import partner_create

pytestmark = pytest.mark.e2e


def test_a_card_moves_to_its_next_stage_from_its_button(session, pipeline):
    kind, bare, ready, _contact = pipeline
    session.sign_in()
    page = session.page
    session.goto(f"/deals/board/{kind.pk}/")
    first, second = (
        page.get_by_test_id("board-column").nth(0),
        page.get_by_test_id("board-column").nth(1),
    )
    bare_card = page.locator(f'[data-deal-id="{bare.pk}"]')
    ready_card = page.locator(f'[data-deal-id="{ready.pk}"]')
    expect(bare_card.get_by_test_id("card-next")).to_have_text("→ Second")
    expect(bare_card.get_by_test_id("card-next")).to_have_attribute(
        "title", "Move to the next stage: Second"
    )

    with page.expect_response(lambda response: "/move/" in response.url):
        bare_card.get_by_test_id("card-next").click()  # its guard is not met

    expect(page.get_by_test_id("move-refused")).to_contain_text("Name at least one contact person")
    expect(first.locator(f'[data-deal-id="{bare.pk}"]')).to_be_visible()
    assert Deal.objects.get(pk=bare.pk).stage.code == "first"

    with page.expect_response(lambda response: "/move/" in response.url):
        ready_card.get_by_test_id("card-next").click()

    moved = second.locator(f'[data-deal-id="{ready.pk}"].moved')
    expect(moved).to_be_visible()
    expect(moved.get_by_test_id("card-next")).to_have_text("→ Won")
    assert Deal.objects.get(pk=ready.pk).stage.code == "second"

    with page.expect_response(lambda response: "/win/" in response.url):
        moved.get_by_test_id("card-next").click()  # after the last stage comes "Won"

    expect(page.get_by_test_id("board-won").locator(f'[data-deal-id="{ready.pk}"]')).to_be_visible()
    assert Deal.objects.get(pk=ready.pk).status == "won"
    assert session.problems() == []


def test_a_dragged_card_shows_why_a_column_is_closed_to_it(session, pipeline):
    kind, bare, _ready, _contact = pipeline
    session.sign_in()
    page = session.page
    session.goto(f"/deals/board/{kind.pk}/")
    won = page.get_by_test_id("board-won")

    transfer = page.evaluate_handle("() => new DataTransfer()")
    page.locator(f'[data-deal-id="{bare.pk}"]').dispatch_event(
        "dragstart", {"dataTransfer": transfer}
    )

    expect(won).to_have_attribute("aria-disabled", "true")
    expect(won).to_have_attribute("title", "Stages are passed in order: the next one is Second.")
    expect(page.get_by_test_id("board-column").nth(1)).to_have_class(re.compile(r"\bdrop-next\b"))
    assert session.problems() == []


def test_the_board_of_a_kind_without_stages_opens(session, anna):
    kind = services.deal_kind_create(name="E2E quick sale", process_type="non_process")
    client = partner_create(name="Walk-in", manager=anna)
    deal = services.deal_create(name="Quick sale", partner=client, kind=kind, by=anna)
    session.sign_in()
    page = session.page

    session.goto(f"/deals/board/{kind.pk}/")

    expect(page.get_by_test_id("page-title")).to_be_visible()
    card = page.locator(f'[data-deal-id="{deal.pk}"]')
    expect(card).to_be_visible()
    expect(card.get_by_test_id("card-next")).to_have_count(0)
    assert session.problems() == []


def test_the_changes_tab_shows_labels_and_names(session, pipeline, anna):
    _kind, bare, _ready, contact = pipeline
    services.deal_update(
        deal=bare, expected_version=None, by=anna, contacts=[contact], source="exhibition"
    )
    session.sign_in()
    page = session.page

    session.goto(f"/deals/{bare.pk}/?tab=changes")

    changes = page.locator(".change")
    expect(changes.filter(has_text="Source")).to_have_text("Source: — → Exhibition")
    expect(changes.filter(has_text="Contact persons")).to_have_text("Contact persons: — → Petrov")
    text = page.locator("main").inner_text()
    assert "exhibition" not in text and "[" not in text and "{" not in text
    assert session.problems() == []


def test_a_manager_reads_stage_names_not_codes(session, pipeline):
    kind, _bare, _ready, _contact = pipeline
    session.sign_in()
    page = session.page

    session.goto(f"/deals/kinds/{kind.pk}/")

    expect(page.get_by_test_id("kind-stages")).to_contain_text("Second")
    expect(page.get_by_test_id("stage-code")).to_have_count(0)
    expect(page.get_by_test_id("kind-stages")).not_to_contain_text("second")
    assert session.problems() == []
