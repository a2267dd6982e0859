"""Loyalty cards in a real browser: a scanner types a card number into the lookup field
(which has the focus) and presses Enter, and the card's page opens; the printable card
draws its EAN-13 barcode — under the strict CSP, without a console error."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ladoga.loyalty import services
from ladoga.partners.services import partner_create

pytestmark = pytest.mark.e2e


def test_scanning_a_card_number_opens_the_card(session, anna):
    partner = partner_create(name="Stroymontazh", manager=anna)
    kind = services.card_kind_create(name="Silver", percent=5, prefix="200")
    card = services.card_issue(kind=kind, partner=partner, issued_on=timezone.localdate())
    session.sign_in()
    session.goto("/loyalty/")
    page = session.page
    field = page.locator("#id_number")
    expect(field).to_be_focused()
    page.keyboard.type(card.number)
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("page-title")).to_have_text(f"Card {card.number}")
    expect(page.get_by_test_id("card-holder")).to_have_text("Stroymontazh")

    page.get_by_test_id("card-print").click()
    expect(page.get_by_test_id("card-barcode").locator("svg rect").first).to_be_visible()
    assert session.problems() == []
