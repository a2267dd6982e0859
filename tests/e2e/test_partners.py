"""The partners pages in a real browser: a whole registration through the wizard (with the
registry auto-fill button saying plainly that no provider is set up), then the card, the
relation search and the list — without a CSP violation or a console error."""

import pytest
from playwright.sync_api import expect

from ladoga.partners.models import ContactPerson, Counterparty, Partner

pytestmark = pytest.mark.e2e

INN = "7707083893"


def test_the_wizard_registers_a_partner_with_everything(session, anna, settings):
    settings.REGISTRY_TOKEN = ""
    session.sign_in()
    page = session.page

    session.goto("/partners/")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No partners yet")
    page.get_by_test_id("partner-register").click()

    expect(page.get_by_test_id("wizard-form")).to_have_attribute("data-step", "partner")
    page.fill("#id_name", "ООО «Василёк»")
    page.get_by_test_id("wizard-next").click()

    expect(page.get_by_test_id("wizard-form")).to_have_attribute("data-step", "counterparty")
    expect(page.get_by_test_id("registry-off")).to_be_visible()
    expect(page.get_by_test_id("registry-fill")).to_be_disabled()
    page.fill("#id_inn", INN)
    page.fill("#id_kpp", "770701001")
    page.get_by_test_id("wizard-next").click()

    expect(page.get_by_test_id("wizard-form")).to_have_attribute("data-step", "contacts")
    page.fill("#id_contacts-0-last_name", "Иванова")
    page.fill("#id_contacts-0-first_name", "Анна")
    page.fill("#id_contacts-0-phone", "8 912 345-67-89")
    page.get_by_test_id("row-add").click()
    page.fill("#id_contacts-1-last_name", "Петров")
    page.get_by_test_id("wizard-next").click()

    expect(page.get_by_test_id("wizard-form")).to_have_attribute("data-step", "contact-info")
    page.fill("#id_info-0-value", "+7 495 123-45-67")
    page.fill("#id_info-1-value", "not an e-mail")
    page.get_by_test_id("wizard-next").click()
    expect(page.locator(".field-error")).to_contain_text("not an e-mail is not an e-mail address")
    # A refused form answers 400, which the browser notes in the console; nothing else.
    assert all("status of 400" in problem for problem in session.problems())
    page.fill("#id_info-1-value", "office@vasilek.ru")
    page.get_by_test_id("wizard-next").click()

    expect(page.get_by_test_id("wizard-form")).to_have_attribute("data-step", "bank-account")
    page.get_by_test_id("wizard-next").click()
    expect(page.get_by_test_id("wizard-form")).to_have_attribute("data-step", "properties")
    page.get_by_test_id("wizard-next").click()

    expect(page.get_by_test_id("wizard-review")).to_contain_text(INN)
    expect(page.get_by_test_id("wizard-review")).to_contain_text("Иванова")
    assert not Partner.objects.exists()
    page.get_by_test_id("wizard-register").click()

    expect(page.get_by_test_id("page-title")).to_have_text("ООО «Василёк»")
    partner = Partner.objects.get()
    assert Counterparty.objects.get(partner=partner).inn == INN
    assert set(ContactPerson.objects.values_list("last_name", flat=True)) == {"Иванова", "Петров"}
    expect(page.get_by_test_id("counterparty")).to_contain_text(INN)

    page.locator('[data-tab="contacts"]').click()
    expect(page.get_by_test_id("contact-table")).to_contain_text("Иванова Анна")
    page.locator('[data-tab="interactions"]').click()
    expect(page.get_by_test_id("partner-timeline")).to_be_visible()

    session.goto("/partners/")
    expect(page.get_by_test_id("partner-table")).to_contain_text("ООО «Василёк»")
    assert session.problems() == []


def test_relation_search_picks_the_other_partner(session, anna):
    from ladoga.partners import services

    mine = services.partner_create(name="Дочка", by=anna)
    services.partner_create(name="Холдинг Север", by=anna)
    services.relation_type_create(
        name="subsidiary of", inverse_name="parent of", applies_to="partner"
    )
    session.sign_in()
    page = session.page
    session.goto(f"/partners/{mine.pk}/?tab=relations")

    page.fill("#pick-q", "Холд")
    page.locator("#pick-results button").first.click()
    expect(page.locator("#pick-shown")).to_have_text("Холдинг Север")
    page.locator('[data-testid="relation-form"] button[type="submit"]').click()

    expect(page.get_by_test_id("relations")).to_contain_text("Subsidiary of: Холдинг Север")
    assert session.problems() == []
