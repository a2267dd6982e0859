"""The registration wizard pages (P8): steps kept in the session, each step's checks, the
registry auto-fill, duplicates shown before saving, all or nothing."""

import pytest
from django.urls import reverse

from ladoga.partners import registry, services
from ladoga.partners.errors import PartnersCode, RegistryError
from ladoga.partners.models import BankAccount, ContactPerson, Counterparty, Partner
from ladoga.partners.registry import RegistryParty

from .conftest import BIK, CORRESPONDENT, account, inn10, ogrn13


def step_url(step):
    return reverse("partners:wizard", args=[step])


def post(client, step, data, action="next"):
    return client.post(step_url(step), {**data, "action": action})


CONTACTS_EMPTY = {"contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "0"}
INFO_EMPTY = {"info-TOTAL_FORMS": "1", "info-INITIAL_FORMS": "0", "info-0-kind": "phone"}


def walk(client, *, name="ООО «Василёк»", inn=None, contacts=None, info=None, bank=None):
    """Fill every step up to the review; returns the last response."""
    assert (
        post(client, "partner", {"name": name, "kind": "company", "roles": ["client"]}).status_code
        == 302
    )
    counterparty = (
        {"kind": "legal_entity", "short_name": name, "inn": inn, "ogrn": ogrn13(4), "country": "RU"}
        if inn
        else {"none": "on"}
    )
    assert post(client, "counterparty", counterparty).status_code == 302
    assert post(client, "contacts", contacts or CONTACTS_EMPTY).status_code == 302
    assert post(client, "contact-info", info or INFO_EMPTY).status_code == 302
    assert post(client, "bank-account", bank or {}).status_code == 302
    return post(client, "properties", {})


@pytest.fixture
def client(browser_as):
    return browser_as("owner")


def test_steps_can_only_be_opened_in_order(client):
    response = client.get(step_url("review"))
    assert response.status_code == 302 and response.url == step_url("partner")
    assert client.get(step_url("partner")).status_code == 200


def test_a_whole_registration_saves_everything_at_once(client, owner):
    contacts = {
        **CONTACTS_EMPTY,
        "contacts-0-last_name": "Иванова",
        "contacts-0-first_name": "Анна",
        "contacts-0-phone": "8 912 345-67-89",
        "contacts-0-email": "anna@vasilek.ru",
    }
    info = {**INFO_EMPTY, "info-0-value": "+7 495 123-45-67"}
    bank = {"bik": BIK, "number": account(8), "correspondent_account": CORRESPONDENT}

    review = walk(client, inn=inn10(40), contacts=contacts, info=info, bank=bank)
    assert review.status_code == 302 and review.url == step_url("review")
    page = client.get(step_url("review")).content.decode()
    assert "ООО «Василёк»" in page and inn10(40) in page and "Иванова" in page
    assert not Partner.objects.exists()

    done = post(client, "review", {}, action="register")

    partner = Partner.objects.get()
    assert done.status_code == 302 and done.url == reverse("partners:detail", args=[partner.pk])
    assert partner.manager == owner
    counterparty = Counterparty.objects.get(partner=partner)
    assert counterparty.inn == inn10(40)
    assert BankAccount.objects.get(counterparty=counterparty).number == account(8)
    person = ContactPerson.objects.get(partner=partner)
    assert set(person.contact_info.values_list("key", flat=True)) == {
        "+79123456789",
        "anna@vasilek.ru",
    }
    assert partner.contact_info.filter(contact=None, counterparty=None).get().key == "+74951234567"
    assert "partners_wizard" not in client.session


def test_each_step_checks_its_fields(client, snapshot):
    post(client, "partner", {"name": "X", "kind": "company", "roles": ["client"]})

    wrong_inn = post(
        client,
        "counterparty",
        {"kind": "legal_entity", "short_name": "X", "inn": "7707083890", "country": "RU"},
    )
    assert wrong_inn.status_code == 400
    assert "has-error" in wrong_inn.content.decode()

    kpp_for_sole = post(
        client,
        "counterparty",
        {"kind": "sole_proprietor", "short_name": "X", "kpp": "770101001", "country": "RU"},
    )
    assert kpp_for_sole.status_code == 400
    assert "a sole proprietor or a person has none" in kpp_for_sole.content.decode()

    post(client, "counterparty", {"none": "on"})
    bad_phone = post(
        client,
        "contacts",
        {**CONTACTS_EMPTY, "contacts-0-first_name": "Анна", "contacts-0-phone": "12"},
    )
    assert bad_phone.status_code == 400
    assert "12 is not a phone number" in bad_phone.content.decode()
    assert snapshot()


def test_a_bank_account_without_a_counterparty_is_refused(client):
    post(client, "partner", {"name": "X", "kind": "company", "roles": ["client"]})
    post(client, "counterparty", {"none": "on"})
    post(client, "contacts", CONTACTS_EMPTY)
    post(client, "contact-info", INFO_EMPTY)
    response = post(client, "bank-account", {"bik": BIK, "number": account(1)})
    assert response.status_code == 400
    assert "belongs to a counterparty" in response.content.decode()


def test_duplicates_are_shown_before_saving_and_need_confirmation(
    client, partner, counterparty, snapshot
):
    walk(client, name="Ромашка", inn=counterparty.inn)
    review = client.get(step_url("review")).content.decode()
    assert 'data-testid="wizard-duplicates"' in review
    assert f"same INN {counterparty.inn}" in review

    refused = post(client, "review", {}, action="register")
    assert refused.status_code == 400
    assert "look like this one" in refused.content.decode()
    assert snapshot()


def test_confirming_registers_despite_the_candidates(client, partner, counterparty):
    walk(client, name="Ромашка", inn=counterparty.inn)
    response = post(client, "review", {"confirm_duplicates": "on"}, action="register")
    assert response.status_code == 302
    assert Partner.objects.count() == 2


def test_a_refused_registration_links_each_error_to_its_step(client, monkeypatch, snapshot):
    walk(client, name="Новый партнёр", inn=inn10(41))
    state = client.session["partners_wizard"]
    state["contacts"] = [{"last_name": "", "first_name": "", "phone": "+7 912 345-67-89"}]
    session = client.session
    session["partners_wizard"] = state
    session.save()

    response = post(client, "review", {}, action="register")

    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="wizard-errors"' in body
    assert step_url("contacts") in body and "needs a last or a first name" in body
    assert snapshot()


def test_registry_fill_without_a_provider_says_so(client, settings):
    settings.REGISTRY_TOKEN = ""
    post(client, "partner", {"name": "X", "kind": "company", "roles": ["client"]})
    page = client.get(step_url("counterparty")).content.decode()
    assert 'data-testid="registry-off"' in page
    response = client.post(reverse("partners:registry_fill"), {"inn": inn10(1), "wizard": "1"})
    assert "Registry auto-fill is not set up" in response.content.decode()


@pytest.mark.parametrize("actor, sees_setting", [("owner", False), ("admin", True)])
def test_the_registry_setting_is_named_to_administrators_only(
    browser_as, settings, actor, sees_setting
):
    settings.REGISTRY_TOKEN = ""
    client = browser_as(actor)
    post(client, "partner", {"name": "X", "kind": "company", "roles": ["client"]})

    page = client.get(step_url("counterparty")).content.decode()

    assert 'data-testid="registry-off"' in page
    assert ("LADOGA_REGISTRY_TOKEN" in page) is sees_setting
    if not sees_setting:
        assert "ask an administrator to connect the state registry" in page


class FakeRegistry:
    def __init__(self, party=None, error=None):
        self.party, self.error = party, error

    def find_party(self, inn, kpp=""):
        if self.error:
            raise self.error
        return self.party


@pytest.fixture
def fake_registry():
    def use(**kwargs):
        registry.provider_set(FakeRegistry(**kwargs))

    yield use
    registry.provider_set(None)


def test_registry_fill_puts_the_registry_data_into_the_fields(client, fake_registry):
    fake_registry(
        party=RegistryParty(
            inn=inn10(2),
            kind="legal_entity",
            short_name="ООО «ЛИКВИДАТОР»",
            full_name="ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ «ЛИКВИДАТОР»",
            kpp="770101001",
            ogrn=ogrn13(2),
            legal_address="г Москва, ул Тверская, д 1",
            status="liquidated",
        )
    )
    response = client.post(reverse("partners:registry_fill"), {"inn": inn10(2), "wizard": "1"})
    body = response.content.decode()
    assert 'value="ООО «ЛИКВИДАТОР»"' in body and 'value="770101001"' in body
    assert "г Москва, ул Тверская, д 1" in body
    assert 'data-testid="registry-status"' in body and "Liquidated" in body


def test_registry_errors_are_a_message_not_a_crash(client, fake_registry):
    fake_registry(
        error=RegistryError.single(PartnersCode.REGISTRY_UNAVAILABLE, "The registry is down.")
    )
    response = client.post(reverse("partners:registry_fill"), {"inn": inn10(2)})
    assert response.status_code == 200
    assert "The registry is down." in response.content.decode()
    invalid = client.post(reverse("partners:registry_fill"), {"inn": "123"})
    assert "INN" in invalid.content.decode()


def test_cancel_forgets_the_wizard(client):
    post(client, "partner", {"name": "X", "kind": "company", "roles": ["client"]})
    client.post(step_url("counterparty"), {"action": "cancel"})
    assert "partners_wizard" not in client.session


def test_adding_a_contact_row_keeps_what_was_typed(client):
    post(client, "partner", {"name": "X", "kind": "company", "roles": ["client"]})
    post(client, "counterparty", {"none": "on"})
    response = post(
        client, "contacts", {**CONTACTS_EMPTY, "contacts-0-last_name": "Иванова"}, action="add"
    )
    body = response.content.decode()
    assert 'value="Иванова"' in body and "contacts-1-last_name" in body


@pytest.mark.parametrize("actor, status", [("owner", 200), ("head", 200), ("claims", 403)])
def test_wizard_permissions(browser_as, actor, status):
    assert browser_as(actor).get(step_url("partner")).status_code == status


def test_properties_step_checks_values(client):
    weight = services.property_definition_create(
        name="Вес", applies_to="partner", value_type="number"
    )
    walk(client, name="С весом")
    response = post(client, "properties", {f"p{weight.pk}": "тяжёлый"})
    assert response.status_code == 400 and "Вес is a number." in response.content.decode()
    post(client, "properties", {f"p{weight.pk}": "7"})
    post(client, "review", {}, action="register")
    assert str(Partner.objects.get().property_values.get().value) == "7.000000"
