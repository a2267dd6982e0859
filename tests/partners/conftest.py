"""Fixtures of the partners tests: valid tax numbers, a partner of each actor, counts."""

import random

import pytest
from django.utils import translation

from ladoga.partners import services, taxnumbers
from ladoga.partners.models import (
    BankAccount,
    ContactInfo,
    ContactPerson,
    ContactRelation,
    Counterparty,
    Partner,
    PartnerRelation,
    PropertyValue,
)

ALL_MODELS = (
    Partner,
    Counterparty,
    ContactPerson,
    ContactInfo,
    BankAccount,
    PropertyValue,
    PartnerRelation,
    ContactRelation,
)


def inn10(seed: int) -> str:
    base = f"77{seed:07d}"[-9:]
    return base + taxnumbers.inn_control_digits(base)


def inn12(seed: int) -> str:
    base = f"50{seed:08d}"[-10:]
    return base + taxnumbers.inn_control_digits(base)


def ogrn13(seed: int) -> str:
    base = f"102{seed:09d}"[-12:]
    return base + taxnumbers.ogrn_control_digit(base)


def ogrnip15(seed: int) -> str:
    base = f"304{seed:011d}"[-14:]
    return base + taxnumbers.ogrn_control_digit(base)


BIK = "044525225"
CORRESPONDENT = "30101810400000000225"


def account(seed: int, bik: str = BIK) -> str:
    raw = "40702810" + "0" + f"{seed:011d}"
    return raw[:8] + taxnumbers.account_control_digit(raw, bik=bik) + raw[9:]


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the Russian catalogue is tested elsewhere)."""
    with translation.override("en"):
        yield


def counts() -> dict[str, int]:
    """How many rows each partners model has: compared before and after a refused command."""
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


@pytest.fixture
def snapshot(db):
    """Call to compare row counts with those when the fixture was first used."""
    before = counts()

    def unchanged() -> bool:
        return counts() == before

    return unchanged


@pytest.fixture
def partner_of(actors):
    """partner_of("owner", name=…) → a partner the actor is responsible for."""

    def make(actor: str = "owner", **kwargs):
        kwargs.setdefault("name", f"Партнёр {random.randint(1, 10**9)}")
        return services.partner_create(manager=actors[actor], by=actors[actor], **kwargs)

    return make


@pytest.fixture
def partner(partner_of):
    return partner_of("owner", name="ООО «Ромашка»")


@pytest.fixture
def counterparty(partner, owner):
    return services.counterparty_create(
        partner=partner,
        kind="legal_entity",
        short_name="ООО «Ромашка»",
        inn=inn10(1),
        kpp="770101001",
        ogrn=ogrn13(1),
        by=owner,
    )


@pytest.fixture
def contact(partner, owner):
    return services.contact_create(
        partner=partner, last_name="Иванова", first_name="Анна", position="Директор", by=owner
    )
