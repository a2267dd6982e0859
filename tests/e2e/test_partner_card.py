"""The client's whole picture on the partner card in a real browser (issue 14, point 1): the
tab titles count the partner's records, the deals tab loads its list with htmx, "New deal"
opens the form with the partner filled in, the deal saved there links back to the client
and the count grows; "New call" names the partner too — without a CSP violation or a
console error."""

import pytest
from playwright.sync_api import expect

from ladoga.deals import services
from ladoga.deals.models import Deal
from ladoga.deals.services import StageSpec
from ladoga.partners.services import partner_create

pytestmark = pytest.mark.e2e


@pytest.fixture
def client_with_a_deal(anna):
    kind = services.deal_kind_create(
        name="E2E sale",
        process_type="manual",
        stages=[
            StageSpec("first", "First", default_probability=10),
            StageSpec("won", "Won", outcome="won", default_probability=100),
            StageSpec("lost", "Lost", outcome="lost", default_probability=0),
        ],
    )
    client = partner_create(name="Stroymontazh", manager=anna)
    services.deal_create(name="Cement for the warehouse", partner=client, kind=kind, by=anna)
    return client, kind


def test_the_card_counts_loads_the_deals_and_opens_a_new_deal_for_the_client(
    session, client_with_a_deal
):
    client, kind = client_with_a_deal
    session.sign_in()
    page = session.page

    session.goto(f"/partners/{client.pk}/")
    tabs = page.get_by_test_id("partner-tabs")
    expect(tabs.get_by_test_id("tab-count-deals")).to_have_text("1")
    expect(tabs.get_by_test_id("tab-count-orders")).to_have_text("0")
    expect(tabs.get_by_test_id("tab-count-claims")).to_have_text("0")

    tabs.locator('[data-tab="deals"]').click()
    deals_tab = page.get_by_test_id("partner-deals")
    expect(deals_tab).to_contain_text("Cement for the warehouse")
    expect(deals_tab.get_by_test_id("partner-list-all")).to_have_attribute(
        "href", f"/deals/?partner={client.pk}"
    )

    page.get_by_test_id("partner-new-deal").click()
    expect(page.get_by_test_id("deal-form")).to_be_visible()
    expect(page.locator("#id_partner")).to_have_value(str(client.pk))
    page.fill("#id_name", "Sand for the yard")
    page.select_option("#id_kind", str(kind.pk))
    page.get_by_test_id("deal-form").locator('button[type="submit"]').click()

    expect(page.get_by_test_id("deal-client")).to_have_text("Stroymontazh")
    made = Deal.objects.get(name="Sand for the yard")
    assert made.partner_id == client.pk

    page.get_by_test_id("deal-client").get_by_role("link").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Stroymontazh")
    expect(page.get_by_test_id("tab-count-deals")).to_have_text("2")
    assert session.problems() == []


def test_a_new_call_from_the_card_is_about_the_client(session, client_with_a_deal):
    client, _kind = client_with_a_deal
    session.sign_in()
    page = session.page

    session.goto(f"/partners/{client.pk}/")
    page.get_by_test_id("partner-new-interaction-call").click()

    expect(page.get_by_test_id("interaction-form")).to_be_visible()
    expect(page.get_by_test_id("form-partner")).to_contain_text("Stroymontazh")
    page.fill("#id_title", "Called about sand")
    page.get_by_test_id("interaction-form").locator('button[type="submit"]').click()

    expect(page.get_by_test_id("interaction-partner")).to_have_text("Stroymontazh")
    session.goto(f"/partners/{client.pk}/")
    expect(page.get_by_test_id("tab-count-interactions")).to_have_text("1")
    assert session.problems() == []


def test_a_partner_the_user_may_not_see_is_not_found(session, anna):
    """The "new" pages answer 404 for a partner outside the user's reach."""
    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import user_create

    other = user_create(username="boris", role=Role.MANAGER, password="x" * 20)
    hidden = partner_create(name="Not Anna's", manager=other)
    session.sign_in()

    response = session.goto(f"/deals/new/?partner={hidden.pk}")

    assert response.status == 404
    expect(session.page.locator("body")).not_to_contain_text("Not Anna's")
