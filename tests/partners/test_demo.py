"""The demo step: valid numbers, everything spread over the managers, near-duplicates."""

import random

from ladoga.accounts.roles import Role
from ladoga.accounts.services import user_create
from ladoga.demo import DemoContext
from ladoga.partners import taxnumbers
from ladoga.partners.demo import demo_partners
from ladoga.partners.duplicates import duplicates_find
from ladoga.partners.models import (
    BankAccount,
    ContactInfo,
    ContactPerson,
    Counterparty,
    Partner,
    PartnerNameKey,
)


def _fill(seed: int) -> list[tuple]:
    ctx = DemoContext(rng=random.Random(seed), size=300)
    ctx.users[Role.MANAGER] = [
        user_create(username=f"demo{seed}m{i}", role=Role.MANAGER) for i in range(3)
    ]
    demo_partners(ctx)
    return list(Partner.objects.order_by("pk").values_list("name", "kind"))


def test_the_demo_makes_valid_realistic_partners(db):
    _fill(seed=7)

    assert Partner.objects.count() == 300
    assert Partner.objects.values("manager").distinct().count() == 3
    assert PartnerNameKey.objects.count() > 300
    for inn, kind in Counterparty.objects.exclude(inn="").values_list("inn", "kind"):
        assert taxnumbers.inn_check(inn, length=10 if kind == "legal_entity" else 12)
    for ogrn in Counterparty.objects.exclude(ogrn="").values_list("ogrn", flat=True):
        assert taxnumbers.ogrn_check(ogrn)
    for account in BankAccount.objects.all():
        assert taxnumbers.account_check(account.number, bik=account.bik)
        assert taxnumbers.correspondent_account_check(
            account.correspondent_account, bik=account.bik
        )
    assert Counterparty.objects.filter(kind="foreign").exists()
    assert Counterparty.objects.filter(kind="person").exists()
    assert ContactPerson.objects.exists()
    assert ContactInfo.objects.filter(kind="phone").exists()


def test_the_demo_has_near_duplicates_the_check_finds(db):
    _fill(seed=7)
    copies = [
        p for p in Partner.objects.all() if not p.counterparties.exists() and p.kind == "company"
    ]

    found = sum(bool(duplicates_find(name=p.name, exclude=[p.pk])) for p in copies)

    assert copies
    assert found >= len(copies) * 0.8


def test_the_demo_has_about_three_contact_persons_per_partner(db):
    _fill(seed=7)

    per_partner = ContactPerson.objects.count() / Partner.objects.count()

    assert 2.6 <= per_partner <= 3.4


def test_the_rows_written_in_bulk_hang_off_the_right_records(db):
    """The demo writes with its own multi-row INSERTs and reads the new ids back in order:
    every row must belong to the record it was made for."""
    from django.db.models import F

    from ladoga.partners.keys import name_key, name_search_keys

    _fill(seed=7)

    assert not Counterparty.objects.exclude(short_name=F("partner__name")).exists()
    assert (
        not ContactInfo.objects.filter(contact__isnull=False)
        .exclude(partner=F("contact__partner"))
        .exists()
    )
    assert not BankAccount.objects.exclude(
        counterparty__kind__in=["legal_entity", "sole_proprietor"]
    ).exists()
    for partner in Partner.objects.order_by("?")[:30]:
        assert partner.name_key == name_key(partner.name)
        stored = set(partner.name_keys.values_list("key", flat=True))
        assert stored == name_search_keys(partner.name)
        assert partner.created_at is not None and partner.version == 1
        assert list(partner.history.values_list("history_type", "name")) == [("+", partner.name)]
    assert ContactPerson.objects.exclude(birthday=None).exists()
    for model in (Counterparty, ContactPerson):
        assert model.history.filter(history_type="+").count() == model.objects.count()
    assert not ContactPerson.objects.filter(partner__kind="person").exists()


def test_every_demo_phone_is_a_number_the_duplicate_check_accepts(db):
    """The demo writes contact information without the services: each phone must be what
    contact_info_add would have stored, a valid number keyed by its E.164 form."""
    from ladoga.partners.keys import phone_key

    _fill(seed=7)

    phones = list(ContactInfo.objects.filter(kind="phone").values_list("value", "key"))
    assert any(value.startswith(("+49", "+1 ", "+44")) for value, _key in phones)
    assert [(v, k) for v, k in phones if phone_key(v) != k] == []
