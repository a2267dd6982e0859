"""P3, P4: contact persons and typed, multi-valued contact information."""

import datetime

import pytest

from ladoga.core.errors import StaleVersion, ValidationFailed
from ladoga.partners import services
from ladoga.partners.models import ContactInfo


def test_a_contact_person_is_created_and_changed(partner, owner):
    contact = services.contact_create(
        partner=partner,
        last_name="Иванова",
        first_name="Анна",
        middle_name="Сергеевна",
        position="Главный бухгалтер",
        decision_role="influencer",
        birthday=datetime.date(1985, 3, 8),
        by=owner,
    )

    services.contact_update(contact=contact, expected_version=1, position="Финансовый директор")

    contact.refresh_from_db()
    assert contact.full_name == "Иванова Анна Сергеевна"
    assert contact.position == "Финансовый директор"
    assert contact.history.count() == 2
    with pytest.raises(StaleVersion):
        services.contact_update(contact=contact, expected_version=1, position="X")


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"position": "Директор"}, "contact_name_required"),
        ({"last_name": "Петров", "decision_role": "boss"}, "contact_role_unknown"),
    ],
)
def test_a_bad_contact_person_is_refused(partner, owner, snapshot, kwargs, code):
    with pytest.raises(ValidationFailed) as error:
        services.contact_create(partner=partner, by=owner, **kwargs)

    assert error.value.codes == [code]
    assert snapshot()


def test_phones_are_stored_as_typed_and_in_e164(partner, owner):
    info = services.contact_info_add(owner=partner, kind="phone", value="8 (912) 345-67-89")

    assert info.value == "8 (912) 345-67-89"
    assert info.key == "+79123456789"
    assert info.is_primary


def test_a_phone_that_is_not_a_number_is_refused(partner, owner, snapshot):
    with pytest.raises(ValidationFailed) as error:
        services.contact_info_add(owner=partner, kind="phone", value="позвонить Ивану", by=owner)

    assert error.value.codes == ["phone_invalid"]
    assert error.value.violations[0].field == "value"
    assert "is not a phone number" in error.value.detail
    assert snapshot()


def test_e_mails_are_keyed_in_lower_case_and_checked(contact, owner, snapshot):
    info = services.contact_info_add(owner=contact, kind="email", value="Anna.Ivanova@Romashka.RU")

    assert (info.key, info.partner_id, info.contact_id) == (
        "anna.ivanova@romashka.ru",
        contact.partner_id,
        contact.pk,
    )
    before = ContactInfo.objects.count()
    with pytest.raises(ValidationFailed) as error:
        services.contact_info_add(owner=contact, kind="email", value="anna@", by=owner)
    assert error.value.codes == ["email_invalid"]
    assert ContactInfo.objects.count() == before


def test_setting_the_list_keeps_updates_and_removes_rows(partner, owner):
    phone = services.contact_info_add(owner=partner, kind="phone", value="+7 912 345-67-89")
    services.contact_info_add(owner=partner, kind="email", value="old@example.com")

    rows = services.contact_info_set(
        owner=partner,
        items=[
            {"kind": "phone", "value": "8 912 345 67 89", "label": "мобильный"},
            {"kind": "phone", "value": "+7 495 123-45-67", "is_primary": True},
            {"kind": "website", "value": "https://www.romashka.ru/"},
            {"kind": "actual_address", "value": "Москва,  ул. Ленина, 1"},
        ],
        by=owner,
    )

    assert {(r.kind, r.key) for r in rows} == {
        ("phone", "+79123456789"),
        ("phone", "+74951234567"),
        ("website", "romashka.ru"),
        ("actual_address", "москва, ул. ленина, 1"),
    }
    kept = ContactInfo.objects.get(pk=phone.pk)
    assert (kept.label, kept.is_primary) == ("мобильный", False)
    assert not ContactInfo.objects.filter(kind="email").exists()
    assert ContactInfo.objects.get(key="+74951234567").is_primary


def test_a_list_with_one_bad_item_changes_nothing(partner, owner):
    services.contact_info_add(owner=partner, kind="email", value="keep@example.com")

    with pytest.raises(ValidationFailed) as error:
        services.contact_info_set(
            owner=partner,
            items=[
                {"kind": "phone", "value": "+7 912 345-67-89"},
                {"kind": "phone", "value": "12"},
            ],
        )

    assert error.value.codes == ["phone_invalid"]
    assert error.value.violations[0].field == "1.value"
    assert list(ContactInfo.objects.values_list("key", flat=True)) == ["keep@example.com"]


def test_contact_info_of_each_owner_is_separate(partner, counterparty, contact, owner):
    services.contact_info_add(owner=partner, kind="phone", value="+7 912 000-00-01")
    services.contact_info_add(owner=counterparty, kind="legal_address", value="Москва, 1")
    services.contact_info_add(owner=contact, kind="messenger", value="@anna", label="Telegram")

    assert services.contact_info_of(partner).count() == 1
    assert services.contact_info_of(counterparty).get().kind == "legal_address"
    assert services.contact_info_of(contact).get().key == "@anna"
    assert ContactInfo.objects.filter(partner=partner).count() == 3


def test_an_unknown_kind_is_refused(partner, snapshot):
    with pytest.raises(ValidationFailed) as error:
        services.contact_info_add(owner=partner, kind="fax", value="123")

    assert error.value.codes == ["contact_info_kind_unknown"]
    assert snapshot()


@pytest.mark.parametrize("q", ["иванова", "ИВАНОВА", "Иван", "анна"])
def test_the_contact_list_finds_cyrillic_names_in_any_case(api_as, contact, partner, q):
    services.contact_create(partner=partner, last_name="Петров", first_name="Олег")

    response = api_as("owner").get("/api/v1/contacts", {"q": q})

    assert response.status_code == 200
    assert [c["last_name"] for c in response.json()["items"]] == ["Иванова"]
