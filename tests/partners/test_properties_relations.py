"""P6: additional properties; P7: relations seen from both ends."""

import datetime
from decimal import Decimal

import pytest

from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.partners import queries, services
from ladoga.partners.models import Partner, PartnerRelation, PropertyValue


@pytest.fixture
def definitions(db):
    return {
        "region": services.property_definition_create(
            name="Регион", applies_to="partner", value_type="choice", choices=["Москва", "Урал"]
        ),
        "employees": services.property_definition_create(
            name="Сотрудников", applies_to="partner", value_type="number"
        ),
        "founded": services.property_definition_create(
            name="Основан", applies_to="partner", value_type="date"
        ),
        "hobby": services.property_definition_create(
            name="Хобби", applies_to="contact", value_type="text"
        ),
    }


def test_typed_values_are_stored_in_their_columns_and_filterable(partner_of, definitions):
    first, second = partner_of(name="Альфа"), partner_of(name="Бета")
    services.property_values_set(
        owner=first,
        values={
            definitions["region"]: "урал",
            definitions["employees"].pk: "1 200",
            definitions["founded"]: "1999-05-01",
        },
    )
    services.property_values_set(
        owner=second, values={definitions["region"].pk: "Москва", definitions["employees"]: 30}
    )

    value = PropertyValue.objects.get(partner=first, definition=definitions["employees"])
    assert value.value_number == Decimal("1200")
    assert PropertyValue.objects.get(partner=first, definition=definitions["founded"]).value == (
        datetime.date(1999, 5, 1)
    )
    partners = Partner.objects.all()
    region = definitions["region"].pk
    employees = definitions["employees"].pk
    assert list(queries.partners_filter(partners, properties=[f"{region}:Урал"])) == [first]
    assert list(queries.partners_filter(partners, properties=[f"{employees}:100.."])) == [first]
    assert list(queries.partners_filter(partners, properties=[f"{employees}:..100"])) == [second]


def test_an_empty_value_removes_it(partner, definitions):
    services.property_values_set(owner=partner, values={definitions["employees"]: 5})

    services.property_values_set(owner=partner, values={definitions["employees"]: ""})

    assert not PropertyValue.objects.exists()


def test_bad_values_are_all_reported_and_nothing_is_written(partner, contact, definitions):
    with pytest.raises(ValidationFailed) as error:
        services.property_values_set(
            owner=partner,
            values={
                definitions["region"]: "Сибирь",
                definitions["employees"]: "много",
                definitions["founded"]: "вчера",
                definitions["hobby"]: "рыбалка",
            },
        )

    assert error.value.codes == [
        "property_value_invalid",
        "property_value_invalid",
        "property_value_invalid",
        "property_not_applicable",
    ]
    assert not PropertyValue.objects.exists()


def test_a_choice_property_needs_choices(db):
    with pytest.raises(ValidationFailed) as error:
        services.property_definition_create(name="Тип", applies_to="partner", value_type="choice")

    assert error.value.codes == ["property_choices_required"]


@pytest.fixture
def subsidiary(db):
    return services.relation_type_create(
        name="дочерняя компания", inverse_name="материнская компания", applies_to="partner"
    )


def test_a_relation_is_read_from_both_ends(partner_of, subsidiary, owner):
    child, parent = partner_of(name="Дочка"), partner_of(name="Холдинг")

    services.relation_create(type=subsidiary, source=child, target=parent, comment="100 %")

    [from_child] = queries.relations_of(child)
    [from_parent] = queries.relations_of(parent)
    assert (from_child.name, from_child.other_name, from_child.outgoing) == (
        "дочерняя компания",
        "Холдинг",
        True,
    )
    assert (from_parent.name, from_parent.other_name) == ("материнская компания", "Дочка")
    assert from_parent.relation.comment == "100 %"


def test_a_relation_of_a_partner_to_itself_is_refused(partner, subsidiary, snapshot):
    with pytest.raises(ValidationFailed) as error:
        services.relation_create(type=subsidiary, source=partner, target=partner)

    assert error.value.codes == ["relation_to_itself"]
    assert "not a record with itself" in error.value.detail
    assert snapshot()


def test_the_same_symmetric_relation_twice_is_refused(partner_of):
    competitor = services.relation_type_create(name="конкурент", applies_to="partner")
    first, second = partner_of(name="А"), partner_of(name="Б")
    services.relation_create(type=competitor, source=first, target=second)

    with pytest.raises(Conflict) as error:
        services.relation_create(type=competitor, source=second, target=first)

    assert error.value.codes == ["relation_exists"]
    assert PartnerRelation.objects.count() == 1


def test_contacts_are_related_by_contact_types_only(partner, contact, owner, subsidiary):
    boss = services.contact_create(partner=partner, last_name="Петров", by=owner)
    reports_to = services.relation_type_create(
        name="подчиняется", inverse_name="руководит", applies_to="contact"
    )

    services.relation_create(type=reports_to, source=contact, target=boss)
    with pytest.raises(ValidationFailed) as error:
        services.relation_create(type=subsidiary, source=contact, target=boss)

    assert error.value.codes == ["relation_type_mismatch"]
    assert [v.name for v in queries.relations_of(boss)] == ["руководит"]
