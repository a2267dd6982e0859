"""P8: the registration wizard, all or nothing, duplicate check first."""

import pytest

from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.partners import services
from ladoga.partners.errors import DuplicatesFound
from ladoga.partners.models import BankAccount, ContactInfo, ContactPerson, PropertyValue

from .conftest import BIK, CORRESPONDENT, account, inn10, ogrn13


def registration(**overrides):
    data = {
        "partner": {"name": "ООО «Василёк»", "roles": ["client"]},
        "counterparty": {
            "kind": "legal_entity",
            "short_name": "ООО «Василёк»",
            "inn": inn10(42),
            "kpp": "770101001",
            "ogrn": ogrn13(42),
        },
        "contacts": [
            {
                "last_name": "Смирнов",
                "first_name": "Глеб",
                "position": "Директор",
                "contact_info": [{"kind": "email", "value": "gleb@vasilek.ru"}],
            }
        ],
        "contact_info": [{"kind": "phone", "value": "+7 495 765-43-21"}],
        "bank_account": {"bik": BIK, "number": account(42), "correspondent_account": CORRESPONDENT},
    }
    data.update(overrides)
    return data


def test_the_wizard_registers_everything_at_once(owner):
    partner = services.partner_register(**registration(), by=owner)

    assert partner.manager == owner
    counterparty = partner.counterparties.get()
    assert counterparty.bank_accounts.get().number == account(42)
    contact = partner.contacts.get()
    assert contact.contact_info.get().key == "gleb@vasilek.ru"
    assert services.contact_info_of(partner).get().key == "+74957654321"


def test_one_bad_field_anywhere_writes_nothing_and_every_error_is_named(owner, snapshot):
    data = registration(
        contacts=[
            {"last_name": "Смирнов", "contact_info": [{"kind": "phone", "value": "не телефон"}]},
            {"position": "без имени"},
        ],
        bank_account={"bik": BIK, "number": "40702810000000000000"},
    )
    data["counterparty"]["kpp"] = "12"

    with pytest.raises(ValidationFailed) as error:
        services.partner_register(**data, by=owner)

    assert [(v.code, v.field) for v in error.value.violations] == [
        ("kpp_invalid", "counterparty.kpp"),
        ("phone_invalid", "contacts.0.contact_info.0.value"),
        ("contact_name_required", "contacts.1.last_name"),
    ]
    assert snapshot()


def test_a_bad_bank_account_after_a_good_counterparty_writes_nothing(owner, snapshot):
    data = registration(bank_account={"bik": BIK, "number": "4070281000000000000"})

    with pytest.raises(ValidationFailed) as error:
        services.partner_register(**data, by=owner)

    assert [(v.code, v.field) for v in error.value.violations] == [
        ("bank_account_invalid", "bank_account.number")
    ]
    assert snapshot()


def test_the_wizard_refuses_with_the_candidates_unless_confirmed(partner_of, owner):
    existing = partner_of(name="Василёк")
    services.contact_info_add(owner=existing, kind="phone", value="8 495 765 43 21")
    before = (ContactPerson.objects.count(), ContactInfo.objects.count())

    with pytest.raises(DuplicatesFound) as error:
        services.partner_register(**registration(), by=owner)

    assert error.value.codes == ["partner_duplicates_found"]
    assert error.value.status == 409
    [candidate] = error.value.candidates
    assert candidate.partner == existing
    assert candidate.codes == ["phone", "name"]
    assert (ContactPerson.objects.count(), ContactInfo.objects.count()) == before

    partner = services.partner_register(**registration(), confirm_duplicates=True, by=owner)
    assert partner.pk != existing.pk


def test_a_taken_inn_stops_the_wizard(counterparty, owner, snapshot):
    data = registration(partner={"name": "Совсем другое имя"})
    data["counterparty"].update(inn=counterparty.inn, kpp=counterparty.kpp)

    with pytest.raises(DuplicatesFound):
        services.partner_register(**data, by=owner)
    with pytest.raises(Conflict) as error:
        services.partner_register(**data, confirm_duplicates=True, by=owner)

    assert error.value.violations[0].field == "counterparty.inn"
    assert snapshot()


def test_properties_are_set_by_the_wizard(owner):
    region = services.property_definition_create(
        name="Регион", applies_to="partner", value_type="text"
    )
    hobby = services.property_definition_create(
        name="Хобби", applies_to="contact", value_type="text"
    )
    data = registration(properties={region.pk: "Москва"})
    data["contacts"][0]["properties"] = {hobby.pk: "шахматы"}

    partner = services.partner_register(**data, by=owner)

    assert PropertyValue.objects.get(partner=partner).value == "Москва"
    assert PropertyValue.objects.get(contact__partner=partner).value == "шахматы"
    assert BankAccount.objects.count() == 1
