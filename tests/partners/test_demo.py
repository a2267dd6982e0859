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
