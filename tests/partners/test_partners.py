"""P1: partners, groups and segments."""

import pytest

from ladoga.core.errors import Conflict, StaleVersion, ValidationFailed
from ladoga.partners import keys, services
from ladoga.partners.models import Partner, PartnerNameKey


def test_a_partner_gets_roles_a_normalised_name_and_search_keys(owner):
    partner = services.partner_create(
        name='ООО  "Ромашка"', roles=["client", "supplier"], is_potential_client=True, by=owner
    )

    assert partner.name == 'ООО "Ромашка"'
    assert partner.roles == ["client", "supplier"]
    assert partner.manager == owner
    assert partner.name_key == "romashka"
    assert set(PartnerNameKey.objects.filter(partner=partner).values_list("key", flat=True)) == {
        "p:rom",
        "s:hka",
        "c:rhka",
        "d:roma",
    }
    assert partner.history.count() == 1


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"name": "  "}, "partner_name_required"),
        ({"name": "X", "roles": ["client", "friend"]}, "partner_role_unknown"),
        ({"name": "X", "kind": "robot"}, "partner_kind_unknown"),
    ],
)
def test_a_bad_partner_is_refused_and_nothing_is_written(owner, snapshot, kwargs, code):
    with pytest.raises(ValidationFailed) as error:
        services.partner_create(by=owner, **kwargs)

    assert error.value.codes == [code]
    assert snapshot()


def test_a_portal_user_cannot_be_the_responsible_manager(owner, actors, snapshot):
    with pytest.raises(ValidationFailed) as error:
        services.partner_create(name="Альфа", manager=actors["portal"], by=owner)

    assert error.value.codes == ["partner_manager_invalid"]
    assert snapshot()


def test_an_update_on_a_stale_version_is_refused(partner, owner):
    services.partner_update(partner=partner, expected_version=1, name="Ромашка-2", by=owner)

    with pytest.raises(StaleVersion):
        services.partner_update(partner=partner, expected_version=1, name="Ромашка-3", by=owner)

    partner.refresh_from_db()
    assert partner.name == "Ромашка-2"
    assert partner.version == 2
    assert partner.name_key == "romashka 2"
    assert set(partner.name_keys.values_list("key", flat=True)) == {
        "p:rom", "s:hka", "c:rhka", "d:roma", "w:2"
    }  # fmt: skip


def test_an_update_changes_roles_and_segments(partner, owner):
    segment = services.segment_create(name="VIP")

    services.partner_update(
        partner=partner, expected_version=1, roles=["competitor"], segments=[segment], by=owner
    )

    partner.refresh_from_db()
    assert partner.roles == ["competitor"]
    assert list(partner.segments.all()) == [segment]


def test_archiving_keeps_the_partner(partner, owner):
    services.partner_archive(partner=partner, by=owner)

    partner.refresh_from_db()
    assert partner.status == "archived"
    services.partner_restore(partner=partner, by=owner)
    partner.refresh_from_db()
    assert partner.status == "active"
    assert Partner.objects.count() == 1


def test_a_group_cannot_be_put_inside_itself(db):
    top = services.partner_group_create(name="Клиенты")
    child = services.partner_group_create(name="Москва", parent=top)

    with pytest.raises(ValidationFailed) as error:
        services.partner_group_move(group=top, parent=child)

    assert error.value.codes == ["partner_group_cycle"]
    top.refresh_from_db()
    assert top.parent is None


def test_segment_names_are_unique_regardless_of_case(db):
    services.segment_create(name="Опт")

    with pytest.raises(Conflict) as error:
        services.segment_create(name="ОПТ")

    assert error.value.codes == ["segment_name_taken"]


def test_the_migration_gives_existing_partners_the_new_name_keys(owner):
    """Migration 0005: partners stored with only the first and last three letters of each
    word get the two further kinds; a second run adds nothing."""
    import importlib

    from django.apps import apps
    from django.db.models import Q

    migration = importlib.import_module("ladoga.partners.migrations.0005_partner_name_keys_ends")
    partner = services.partner_create(name="ООО «Рубинмед» Север", by=owner)
    PartnerNameKey.objects.filter(Q(key__startswith="c:") | Q(key__startswith="d:")).delete()

    migration.forwards(apps, None)
    migration.forwards(apps, None)

    stored = list(PartnerNameKey.objects.filter(partner=partner).values_list("key", flat=True))
    assert sorted(stored) == sorted(keys.name_search_keys(partner.name))
    assert {"c:rmed", "d:rubd", "c:sver", "d:sevr"} <= set(stored)
