"""P9: merging a duplicate partner moves every reference to the survivor."""

import pytest

from ladoga.core.errors import ValidationFailed
from ladoga.partners import services
from ladoga.partners.merging import merge_references, merge_references_register
from ladoga.partners.models import PartnerMerge, PartnerRelation, PropertyValue
from tests.testapp.models import Memo

from .conftest import counts, inn10


@pytest.fixture
def pair(partner_of, owner):
    survivor = partner_of(name="Ромашка", roles=["client"])
    duplicate = partner_of(name="Romashka LLC", roles=["supplier"])
    return survivor, duplicate


def test_a_merge_moves_every_reference_and_archives_the_duplicate(pair, partner_of, owner):
    survivor, duplicate = pair
    other = partner_of(name="Третий")
    counterparty = services.counterparty_create(
        partner=duplicate, short_name="Romashka", inn=inn10(7), by=owner
    )
    contact = services.contact_create(partner=duplicate, last_name="Орлов", by=owner)
    services.contact_info_add(owner=duplicate, kind="phone", value="+7 912 111-22-33")
    services.contact_info_add(owner=contact, kind="email", value="orlov@example.com")
    segment = services.segment_create(name="Опт")
    services.partner_update(partner=duplicate, expected_version=1, segments=[segment])
    kind = services.relation_type_create(
        name="агент", inverse_name="принципал", applies_to="partner"
    )
    services.relation_create(type=kind, source=duplicate, target=other)
    services.relation_create(type=kind, source=survivor, target=duplicate)  # becomes self: goes
    region = services.property_definition_create(
        name="Регион", applies_to="partner", value_type="text"
    )
    size = services.property_definition_create(
        name="Размер", applies_to="partner", value_type="text"
    )
    services.property_values_set(owner=survivor, values={region: "Москва"})
    services.property_values_set(owner=duplicate, values={region: "Урал", size: "большой"})
    memo = Memo.objects.create(owner=owner, title="из другого домена", partner_id=duplicate.pk)
    merge_references_register(Memo, "partner_id")
    try:
        merge = services.partner_merge(survivor=survivor, duplicate=duplicate, by=owner)
    finally:
        _unregister("testapp.memo.partner_id")

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    counterparty.refresh_from_db()
    assert counterparty.partner == survivor and counterparty.version == 2
    assert survivor.contacts.get() == contact
    assert survivor.contact_info.count() == 2
    assert list(survivor.segments.all()) == [segment]
    assert survivor.roles == ["client", "supplier"]
    assert [(r.source, r.target) for r in PartnerRelation.objects.all()] == [(survivor, other)]
    assert dict(
        PropertyValue.objects.filter(partner=survivor).values_list("definition__name", "value_text")
    ) == {"Регион": "Москва", "Размер": "большой"}
    memo.refresh_from_db()
    assert memo.partner_id == survivor.pk
    assert (duplicate.status, duplicate.merged_into) == ("archived", survivor)
    assert not duplicate.name_keys.exists()
    assert merge.moved["testapp.memo.partner_id"] == 1
    assert merge.moved["partners.counterparty.partner"] == 1
    assert duplicate.history.first().history_change_reason.startswith("merged into")
    assert survivor.history.first().history_change_reason.startswith("merged #")


def _unregister(label):
    from ladoga.partners import merging

    merging._references.pop(label, None)


def test_merging_a_partner_into_itself_is_refused(partner, owner):
    before = counts()

    with pytest.raises(ValidationFailed) as error:
        services.partner_merge(survivor=partner, duplicate=partner, by=owner)

    assert error.value.codes == ["partner_merge_into_itself"]
    assert "into itself" in error.value.detail
    assert counts() == before
    assert not PartnerMerge.objects.exists()


def test_merging_into_an_archived_partner_is_refused(pair, owner):
    survivor, duplicate = pair
    services.contact_create(partner=duplicate, last_name="Орлов", by=owner)
    services.partner_archive(partner=survivor, by=owner)
    before = counts()

    with pytest.raises(ValidationFailed) as error:
        services.partner_merge(survivor=survivor, duplicate=duplicate, by=owner)

    assert error.value.codes == ["partner_merge_into_archived"]
    assert "is archived" in error.value.detail
    assert counts() == before
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into, duplicate.contacts.count()) == (
        "active",
        None,
        1,
    )
    assert not PartnerMerge.objects.exists()


def test_a_merged_partner_cannot_be_merged_again(pair, partner_of, owner):
    survivor, duplicate = pair
    services.partner_merge(survivor=survivor, duplicate=duplicate, by=owner)

    with pytest.raises(ValidationFailed) as error:
        services.partner_merge(survivor=partner_of(name="Ещё"), duplicate=duplicate, by=owner)

    assert error.value.codes == ["partner_already_merged"]


def test_the_partners_domain_registers_its_own_references(db):
    labels = {r.label for r in merge_references()}

    assert {
        "partners.counterparty.partner",
        "partners.contactperson.partner",
        "partners.contactinfo.partner",
    } <= labels
