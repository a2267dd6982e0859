"""Duplicate protection in a real browser (issue 14, point 11): the wizard's first step
shows the suspects while the name, INN or phone is typed, each a link to its card, and
never a partner the user may not open; quick create stops at the suspects until the user
creates anyway — without a CSP violation or a console error beyond the refusal itself."""

import pytest
from playwright.sync_api import expect

from ladoga.accounts.roles import Role
from ladoga.accounts.services import user_create
from ladoga.partners import services
from ladoga.partners.models import Partner

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e

INN = "7707083893"


@pytest.fixture
def known(anna):
    """Anna's client with an INN and a phone, and a colleague's she may not open."""
    romashka = services.partner_create(name="ООО «Ромашка»", manager=anna, by=anna)
    services.counterparty_create(partner=romashka, short_name="ООО «Ромашка»", inn=INN)
    services.contact_info_add(owner=romashka, kind="phone", value="+7 912 345-67-89")
    boris = user_create(username="boris", role=Role.MANAGER, password=PASSWORD)
    hidden = services.partner_create(name="ООО «Ромашка Юг»", manager=boris, by=boris)
    return romashka, hidden


def test_the_wizard_shows_suspects_while_the_name_inn_or_phone_is_typed(session, known):
    romashka, hidden = known
    session.sign_in()
    page = session.page
    session.goto("/partners/register/")
    suspects = page.get_by_test_id("duplicate-suspects")

    page.fill("#id_name", "ромашка")
    link = suspects.get_by_test_id("duplicate-suspect")
    expect(link).to_have_count(1)
    expect(link).to_have_text("ООО «Ромашка»")
    expect(link).to_have_attribute("href", f"/partners/{romashka.pk}/")
    expect(suspects.get_by_test_id("duplicate-suspects-hidden")).to_contain_text(
        "And 1 partner you may not open"
    )
    expect(suspects).not_to_contain_text("Юг")
    expect(suspects.locator(f'a[href="/partners/{hidden.pk}/"]')).to_have_count(0)

    page.fill("#id_name", "Совсем другое")
    expect(suspects.get_by_test_id("duplicate-suspect")).to_have_count(0)
    page.fill("#id_inn", INN)
    expect(suspects).to_contain_text(f"same INN {INN}")
    page.fill("#id_inn", "")
    expect(suspects.get_by_test_id("duplicate-suspect")).to_have_count(0)
    page.fill("#id_phone", "8 (912) 345-67-89")
    expect(suspects).to_contain_text("same phone +7 912 345-67-89")

    # the suspect opens its card
    with page.context.expect_page() as opened:
        suspects.get_by_test_id("duplicate-suspect").click()
    card = opened.value
    card.wait_for_load_state()
    assert card.url.endswith(f"/partners/{romashka.pk}/")
    assert session.problems() == []


def test_quick_create_stops_at_the_suspects_until_created_anyway(session, known):
    romashka, _hidden = known
    session.sign_in()
    page = session.page
    session.goto("/partners/")
    page.get_by_role("link", name="Quick create").click()

    page.fill("#id_name", "Ромашка ООО")
    expect(page.get_by_test_id("duplicate-suspect")).to_have_count(1)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("quick-create-duplicates")).to_be_visible()
    expect(page.get_by_test_id("duplicate-suspect")).to_have_attribute(
        "href", f"/partners/{romashka.pk}/"
    )
    assert Partner.objects.count() == 2  # nothing written
    # Refused, the form answers 409, which the browser notes in the console; nothing else.
    assert all("status of 409" in problem for problem in session.problems())

    page.get_by_test_id("create-anyway").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Ромашка ООО")
    assert Partner.objects.filter(name="Ромашка ООО").exists()
    assert session.problems() == []
