"""P2, P5, P10: counterparties and bank accounts."""

import pytest

from ladoga.core.errors import Conflict, StaleVersion, ValidationFailed
from ladoga.partners import services

from .conftest import BIK, CORRESPONDENT, account, counts, inn10, inn12, ogrn13, ogrnip15


def test_a_legal_entity_is_created_with_checked_numbers(partner, owner):
    counterparty = services.counterparty_create(
        partner=partner,
        short_name="ООО «Ромашка»",
        inn=f" {inn10(5)[:4]} {inn10(5)[4:]} ",
        kpp="770101001",
        ogrn=ogrn13(5),
        by=owner,
    )

    assert counterparty.inn == inn10(5)
    assert counterparty.full_name == "ООО «Ромашка»"
    assert counterparty.registry_status == "unknown"
    assert counterparty.history.count() == 1


@pytest.mark.parametrize(
    "inn, message",
    [
        (inn10(1)[:-1] + str((int(inn10(1)[-1]) + 1) % 10), "control digits"),
        ("123456789", "10 digits"),
        (inn12(1), "This INN must have 10 digits"),
    ],
)
def test_an_inn_with_a_wrong_control_digit_or_length_is_refused(
    partner, owner, snapshot, inn, message
):
    with pytest.raises(ValidationFailed) as error:
        services.counterparty_create(partner=partner, short_name="Ромашка", inn=inn, by=owner)

    assert error.value.codes == ["inn_invalid"]
    assert error.value.violations[0].field == "inn"
    assert message in error.value.detail
    assert snapshot()


def test_a_kpp_for_a_sole_proprietor_is_refused(partner, owner, snapshot):
    with pytest.raises(ValidationFailed) as error:
        services.counterparty_create(
            partner=partner,
            kind="sole_proprietor",
            short_name="ИП Иванов",
            inn=inn12(3),
            kpp="770101001",
            ogrn=ogrnip15(3),
            by=owner,
        )

    assert error.value.codes == ["kpp_not_allowed"]
    assert error.value.violations[0].field == "kpp"
    assert "Only organisations have a KPP" in error.value.detail
    assert snapshot()


def test_every_bad_number_is_reported_at_once(partner, owner, snapshot):
    with pytest.raises(ValidationFailed) as error:
        services.counterparty_create(
            partner=partner, short_name="", inn="1", kpp="12", ogrn="5", by=owner
        )

    assert error.value.codes == [
        "counterparty_name_required",
        "inn_invalid",
        "kpp_invalid",
        "ogrn_invalid",
    ]
    assert snapshot()


def test_two_active_counterparties_with_the_same_inn_and_kpp_are_refused(
    counterparty, partner_of, outsider
):
    other = partner_of("outsider", name="Другая")
    before = counts()

    with pytest.raises(Conflict) as error:
        services.counterparty_create(
            partner=other,
            short_name="Копия",
            inn=counterparty.inn,
            kpp=counterparty.kpp,
            by=outsider,
        )

    assert error.value.codes == ["counterparty_inn_kpp_taken"]
    assert error.value.status == 409
    assert "already exists" in error.value.detail
    assert other.counterparties.count() == 0
    assert counts() == before


def test_a_branch_with_another_kpp_and_an_archived_twin_are_allowed(counterparty, partner, owner):
    branch = services.counterparty_create(
        partner=partner, short_name="Филиал", inn=counterparty.inn, kpp="780101001", by=owner
    )
    services.counterparty_update(counterparty=branch, expected_version=1, status="archived")

    twin = services.counterparty_create(
        partner=partner, short_name="Снова", inn=counterparty.inn, kpp="780101001", by=owner
    )

    assert twin.pk


def test_restoring_a_counterparty_that_clashes_is_refused(counterparty, partner, owner):
    services.counterparty_update(counterparty=counterparty, expected_version=1, status="archived")
    services.counterparty_create(
        partner=partner, short_name="Новая", inn=counterparty.inn, kpp=counterparty.kpp, by=owner
    )

    with pytest.raises(Conflict):
        services.counterparty_update(counterparty=counterparty, expected_version=2, status="active")

    counterparty.refresh_from_db()
    assert counterparty.status == "archived"


def test_a_person_has_no_kpp_and_no_ogrn(partner, owner, snapshot):
    with pytest.raises(ValidationFailed) as error:
        services.counterparty_create(
            partner=partner,
            kind="person",
            short_name="Петров П.П.",
            kpp="770101001",
            ogrn=ogrn13(1),
            by=owner,
        )

    assert error.value.codes == ["kpp_not_allowed", "ogrn_invalid"]
    assert snapshot()


def test_a_foreign_counterparty_is_checked_by_its_country(partner, owner, snapshot):
    good = services.counterparty_create(
        partner=partner,
        kind="foreign",
        short_name="Kamille GmbH",
        country="de",
        foreign_tax_number="DE136695976",
        by=owner,
    )
    assert good.country == "DE"

    with pytest.raises(ValidationFailed) as error:
        services.counterparty_create(
            partner=partner,
            kind="foreign",
            short_name="Fake GmbH",
            country="DE",
            foreign_tax_number="DE136695977",
            by=owner,
        )
    assert error.value.codes == ["foreign_tax_number_invalid"]

    with pytest.raises(ValidationFailed) as error:
        services.counterparty_create(partner=partner, kind="foreign", short_name="X", by=owner)
    assert error.value.codes == ["country_invalid"]


def test_a_counterparty_of_an_archived_partner_is_refused(partner, owner):
    services.partner_archive(partner=partner, by=owner)
    partner.refresh_from_db()
    before = counts()

    with pytest.raises(ValidationFailed) as error:
        services.counterparty_create(partner=partner, short_name="X", by=owner)

    assert error.value.codes == ["partner_archived"]
    assert counts() == before


def test_an_update_rechecks_the_numbers_against_the_new_kind(counterparty, owner):
    with pytest.raises(ValidationFailed) as error:
        services.counterparty_update(
            counterparty=counterparty, expected_version=1, kind="sole_proprietor"
        )

    assert set(error.value.codes) == {"inn_invalid", "kpp_not_allowed", "ogrn_invalid"}
    counterparty.refresh_from_db()
    assert counterparty.kind == "legal_entity"
    assert counterparty.version == 1


def test_an_update_on_a_stale_version_is_refused(counterparty, owner):
    services.counterparty_update(counterparty=counterparty, expected_version=1, comment="A")

    with pytest.raises(StaleVersion):
        services.counterparty_update(counterparty=counterparty, expected_version=1, comment="B")


def test_a_bank_account_is_checked_by_its_keys(counterparty, owner, snapshot):
    first = services.bank_account_add(
        counterparty=counterparty,
        bik=BIK,
        number=account(1),
        correspondent_account=CORRESPONDENT,
        bank_name="ПАО Сбербанк",
        by=owner,
    )
    second = services.bank_account_add(
        counterparty=counterparty, bik=BIK, number=account(2), is_primary=True, by=owner
    )

    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"bik": "04452522", "number": account(1)}, "bik_invalid"),
        ({"bik": BIK, "number": account(1)[:8] + "9" + account(1)[9:]}, "bank_account_invalid"),
        (
            {"bik": BIK, "number": account(1), "correspondent_account": "30101810400000000226"},
            "correspondent_account_invalid",
        ),
    ],
)
def test_a_bank_account_with_a_wrong_key_is_refused(counterparty, owner, snapshot, fields, code):
    if account(1)[8] == "9" and code == "bank_account_invalid":
        fields["number"] = account(1)[:8] + "8" + account(1)[9:]

    with pytest.raises(ValidationFailed) as error:
        services.bank_account_add(counterparty=counterparty, by=owner, **fields)

    assert error.value.codes == [code]
    assert snapshot()


def test_the_same_account_twice_is_refused(counterparty, owner):
    services.bank_account_add(counterparty=counterparty, bik=BIK, number=account(1), by=owner)

    with pytest.raises(Conflict) as error:
        services.bank_account_add(counterparty=counterparty, bik=BIK, number=account(1), by=owner)

    assert error.value.codes == ["bank_account_taken"]
