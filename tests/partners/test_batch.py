"""Many partners in one command (services.partners_create_many / partners_update_many), the
batched duplicate search, and the import behaviour that rests on them."""

import pytest

from ladoga.core.errors import ValidationFailed
from ladoga.partners import keys, services
from ladoga.partners.duplicates import DuplicateQuery, duplicates_find, duplicates_find_many
from ladoga.partners.models import ContactInfo, Counterparty, Partner, PartnerNameKey

from .conftest import counts, inn10
from .test_import import run, write_csv

pytestmark = pytest.mark.django_db


def draft(name, inn="", phone="", email="", **partner):
    info = [{"kind": "phone", "value": phone}] if phone else []
    info += [{"kind": "email", "value": email}] if email else []
    return services.PartnerDraft(
        partner={"name": name, **partner},
        counterparty={"short_name": name, "inn": inn} if inn else None,
        contact_info=info,
    )


def test_create_many_writes_partners_requisites_contact_info_keys_and_history(owner):
    created = services.partners_create_many(
        drafts=[
            draft("ООО «Ромашка»", inn10(1), "8 (912) 345-67-89", "Info@Romashka.ru"),
            draft("Vector GmbH", roles=["supplier"], phone="+49 30 123456"),
        ],
        by=owner,
    )
    first, second = (Partner.objects.get(pk=p.pk) for p in created)
    assert (first.name, first.manager, first.is_client, first.name_key) == (
        "ООО «Ромашка»", owner, True, "romashka",
    )  # fmt: skip
    assert second.is_supplier and not second.is_client
    assert first.counterparties.get().inn == inn10(1)
    assert sorted(first.contact_info.values_list("kind", "key", "is_primary")) == [
        ("email", "info@romashka.ru", True),
        ("phone", "+79123456789", True),
    ]
    stored = PartnerNameKey.objects.filter(partner=first).values_list("key", flat=True)
    assert set(stored) == keys.name_search_keys("Ромашка") and len(stored) == 4
    for record in (first, first.counterparties.get(), *first.contact_info.all()):
        (history,) = record.history.all()
        assert (history.history_type, history.history_user) == ("+", owner)
    assert first.history.get().name == "ООО «Ромашка»"
    assert duplicates_find(phone="+7 912 345 67 89")[0].partner == first


def test_create_many_reports_every_violation_with_its_index_and_writes_nothing(owner, partner_of):
    taken = partner_of(name="Taken")
    services.counterparty_create(partner=taken, short_name="Taken", inn=inn10(7), by=owner)
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        services.partners_create_many(
            drafts=[
                draft("Fine"),
                draft("", inn="7707083894"),  # no name; a wrong INN control digit
                draft("Same INN", inn=inn10(7)),  # taken by an existing counterparty
                draft("Twice A", inn=inn10(8)),
                draft("Twice B", inn=inn10(8)),  # the same pair twice in the batch
                draft("Bad phone", phone="not a number"),
            ],
            by=owner,
        )
    fields = {(v.field, str(v.code)) for v in caught.value.violations}
    assert ("1.partner.name", "partner_name_required") in fields
    assert ("1.counterparty.inn", "inn_invalid") in fields
    assert ("2.counterparty.inn", "counterparty_inn_kpp_taken") in fields
    assert ("4.counterparty.inn", "counterparty_inn_kpp_taken") in fields
    assert ("5.contact_info.0.value", "phone_invalid") in fields
    assert not any(f.startswith(("0.", "3.")) for f, _code in fields)
    assert counts() == before


def test_update_many_saves_only_real_changes_and_records_them(owner, actors, partner_of):
    head = actors["head"]
    renamed, same = partner_of(name="Old name"), partner_of(name="Same")
    services.contact_info_add(owner=same, kind="phone", value="+7 912 000-00-01", by=owner)
    versions = {p.pk: p.version for p in (renamed, same)}
    services.partners_update_many(
        changes=[
            services.PartnerChange(renamed.pk, {"name": "New name", "roles": ["supplier"]}),
            services.PartnerChange(
                same.pk,
                {"name": "Same"},
                contact_info=[
                    {"kind": "phone", "value": "8 912 000 00 01"},  # has it: kept once
                    {"kind": "email", "value": "a@same.ru"},
                    {"kind": "email", "value": "b@same.ru"},
                ],
            ),
        ],
        by=head,
    )
    renamed.refresh_from_db()
    same.refresh_from_db()
    assert (renamed.name, renamed.is_supplier, renamed.is_client) == ("New name", True, False)
    assert renamed.version == versions[renamed.pk] + 1
    assert same.version == versions[same.pk]  # nothing of the partner itself changed
    latest = renamed.history.first()
    assert (latest.history_type, latest.name, latest.history_user) == ("~", "New name", head)
    assert set(renamed.name_keys.values_list("key", flat=True)) == keys.name_search_keys("New name")
    assert not PartnerNameKey.objects.filter(partner=renamed, key="p:old").exists()
    assert sorted(same.contact_info.values_list("kind", "key", "is_primary")) == [
        ("email", "a@same.ru", True),
        ("email", "b@same.ru", False),
        ("phone", "+79120000001", True),
    ]


def test_update_many_fills_in_a_counterparty_or_adds_one(owner, partner_of):
    partner = partner_of(name="Filled")
    counterparty = services.counterparty_create(
        partner=partner, short_name="Filled", inn=inn10(21), by=owner
    )
    other = partner_of(name="Gets one")
    services.partners_update_many(
        changes=[
            services.PartnerChange(
                partner.pk,
                counterparty={"short_name": "Filled", "inn": inn10(21), "legal_address": "Москва"},
            ),
            services.PartnerChange(other.pk, counterparty={"short_name": "New", "inn": inn10(22)}),
        ],
        by=owner,
    )
    counterparty.refresh_from_db()
    assert counterparty.legal_address == "Москва"
    assert other.counterparties.get().inn == inn10(22)


def test_update_many_refuses_an_archived_partner_and_writes_nothing(owner, partner_of):
    live, archived = partner_of(name="Live"), partner_of(name="Archived")
    services.partner_archive(partner=archived, by=owner)
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        services.partners_update_many(
            changes=[
                services.PartnerChange(live.pk, {"name": "Renamed"}),
                services.PartnerChange(archived.pk, {"name": "Back"}),
            ],
            by=owner,
        )
    (violation,) = caught.value.violations
    assert violation.field == "1.partner_id"
    assert "archived" in str(violation.message)
    live.refresh_from_db()
    assert live.name == "Live" and counts() == before


def test_the_batched_search_finds_what_the_single_search_finds(owner, partner_of):
    romashka = partner_of(name="ООО «Ромашка»")
    services.contact_info_add(owner=romashka, kind="phone", value="+7 912 345-67-89", by=owner)
    services.counterparty_create(partner=romashka, short_name="Ромашка", inn=inn10(31), by=owner)
    vector = partner_of(name="Vector LLC")
    services.contact_info_add(owner=vector, kind="email", value="hello@vector.io", by=owner)
    partner_of(name="Completely different")
    queries = [
        DuplicateQuery.of(name="Romashka"),
        DuplicateQuery.of(name="Romaschka Ltd", phone="8 912 345 67 89"),
        DuplicateQuery.of(inn=inn10(31), email="HELLO@vector.io"),
        DuplicateQuery.of(name="Vektor", exclude=[vector.pk]),
        DuplicateQuery.of(name="Nothing like it"),
    ]
    many = duplicates_find_many(queries)
    one_by_one = [
        duplicates_find(name=q.name, inn=q.inn, phone=q.phone, email=q.email, exclude=q.exclude)
        for q in queries
    ]
    shape = lambda found: [(c.partner.pk, c.score, c.codes) for c in found]  # noqa: E731
    assert [shape(f) for f in many] == [shape(f) for f in one_by_one]
    assert shape(many[1])[0][0] == romashka.pk and set(shape(many[1])[0][2]) == {"phone", "name"}
    assert {c.partner.pk for c in many[2]} == {romashka.pk, vector.pk}
    assert many[3] == [] and many[4] == []


def test_similar_names_in_one_file_are_duplicates_in_the_dry_run_and_the_import(tmp_path, owner):
    path = write_csv(
        tmp_path / "similar.csv",
        [
            ["ООО «Северный ветер»", "", "", "", "", ""],
            ["Severnyy Veter LLC", "", "", "", "", ""],
        ],
    )
    dry = run(path, owner, dry_run=True)
    assert dry.counts["create"] == 1 and dry.counts["duplicate"] == 1
    (second,) = [r for r in dry.rows if r.number == 3]
    assert second.action == "duplicate" and "row 2" in second.messages[0]
    real = run(path, owner, dry_run=False)
    assert real.counts == dry.counts
    assert list(Partner.objects.values_list("name", flat=True)) == ["ООО «Северный ветер»"]


def test_a_row_that_fails_at_writing_takes_back_only_itself(tmp_path, owner, partner_of):
    archived = partner_of(name="Archived one")
    services.partner_archive(partner=archived, by=owner)
    path = write_csv(
        tmp_path / "mixed.csv",
        [[str(archived.pk), "Archived one renamed"], ["", "Brand new"]],
        header=["ID", "Наименование"],
    )
    report = run(path, owner, dry_run=False, skip_invalid=True)
    assert report.counts["create"] == 1 and report.counts["error"] == 1
    (failed,) = [r for r in report.rows if r.action == "error"]
    assert failed.number == 2 and "archived" in failed.messages[0]
    archived.refresh_from_db()
    assert archived.name == "Archived one"
    assert Partner.objects.filter(name="Brand new").exists()
    assert Counterparty.objects.count() == 0 and ContactInfo.objects.count() == 0
