"""The main lists in a real browser (issue #14, point 10): a column header sorts, the page
size is chosen under the table, the period filter narrows and refuses an inverted period,
and at 1280 px no list's table is wider than its frame, even with long unbroken subjects."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ladoga.claims.services import claim_create
from ladoga.interactions.services import interaction_create
from ladoga.partners.services import partner_create

pytestmark = pytest.mark.e2e

LONG = "Согласование" * 12  # one long word: it must wrap, not widen the table


@pytest.fixture
def lists(anna):
    partners = [partner_create(name=f"Partner {index:02d}", manager=anna) for index in range(30)]
    now = timezone.now()
    for index in range(3):
        interaction_create(
            kind="call",
            title=f"{LONG} {index}",
            start=now - datetime.timedelta(days=index * 20),
            by=anna,
        )
    claim_create(partner=partners[0], essence=LONG + " " + LONG, by=anna)
    return partners


def _fits(page, testid: str) -> bool:
    return page.get_by_test_id(testid).evaluate(
        "table => table.parentElement.scrollWidth <= table.parentElement.clientWidth"
    )


def test_sort_page_size_period_and_no_overflow(open_session, lists):
    session = open_session(viewport={"width": 1280, "height": 900})
    session.sign_in()
    page = session.page

    session.goto("/partners/")
    rows = page.get_by_test_id("partner-table").locator("tbody tr")
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("Partner 00")
    page.get_by_test_id("partner-table").get_by_role("link", name="Name").click()
    expect(rows.first).to_contain_text("Partner 29")  # already A–Z, so the header turns it Z–A
    assert "sort=-name" in page.url
    page.get_by_test_id("per-page").select_option("50")
    page.get_by_test_id("list-pager").get_by_role("button", name="Show").click()
    expect(rows).to_have_count(30)
    expect(rows.first).to_contain_text("Partner 29")  # the sort is kept
    assert _fits(page, "partner-table")
    assert session.problems() == []

    session.goto("/interactions/")
    table = page.get_by_test_id("interaction-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    assert _fits(page, "interaction-table")
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    page.get_by_test_id("period-from").fill(since)
    page.get_by_test_id("interaction-filters").get_by_role("button", name="Find").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(f"{LONG[:20]}")
    page.get_by_test_id("period-to").fill(until)
    page.get_by_test_id("interaction-filters").get_by_role("button", name="Find").click()
    expect(page.get_by_test_id("period-error")).to_have_text("The period starts after it ends.")
    expect(page.get_by_test_id("interaction-table")).to_have_count(0)
    assert session.problems() == []

    for name, testid in (
        ("deals:list", None),
        ("sales:orders", None),
        ("claims:list", "claim-table"),
    ):
        assert session.goto(reverse(name)).status == 200
        if testid:
            assert _fits(page, testid)
    assert session.problems() == []
