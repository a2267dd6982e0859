"""P11: the scheduled re-check of counterparties against the state registry, against the
DaData-compatible local server of test_registry.py."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from ladoga.partners import services, tasks
from ladoga.partners.models import Counterparty, Partner
from ladoga.partners.registry import DaDataProvider, provider_set

from . import test_registry as fake
from .conftest import inn10, inn12

registry_url = fake.registry_url  # the module-scoped local server
Registry = fake.Registry


@pytest.fixture
def source(registry_url):
    Registry.modes.clear()
    Registry.requests.clear()
    return DaDataProvider(url=registry_url, token=fake.TOKEN, timeout=0.5)


@pytest.fixture
def make(partner, owner):
    """make(seed, mode, days_ago) → a legal entity the registry answers `mode` for, last
    checked `days_ago` days ago (None: never)."""

    def counterparty(seed, mode="found", days_ago=None, **kwargs):
        inn = kwargs.pop("inn", None) or inn10(seed)
        created = services.counterparty_create(
            partner=kwargs.pop("partner", partner),
            short_name=f"Контрагент {seed}",
            inn=inn,
            by=owner,
            **kwargs,
        )
        Registry.modes[inn] = mode
        if days_ago is not None:
            Counterparty.objects.filter(pk=created.pk).update(
                registry_status="active",
                registry_checked_at=timezone.now() - timedelta(days=days_ago),
            )
        created.refresh_from_db()
        return created

    return counterparty


def asked() -> list[str]:
    return [request["query"] for request in Registry.requests]


def state(counterparty) -> tuple:
    counterparty.refresh_from_db()
    return (counterparty.registry_status, counterparty.registry_checked_at, counterparty.version)


def test_stale_counterparties_are_checked_and_a_liquidation_is_stored(source, make):
    never = make(1, "liquidated")
    stale = make(2, "found", days_ago=45)
    fresh = make(3, "liquidated", days_ago=5)
    fresh_before = state(fresh)

    result = services.counterparties_registry_recheck(older_than_days=30, source=source)

    assert result == {"checked": 2, "flagged": 1, "failed": 0, "stopped": False, "reason": ""}
    assert asked() == [never.inn, stale.inn]
    never.refresh_from_db()
    assert never.registry_status == "liquidated" and never.is_flagged
    assert never.registry_checked_at > timezone.now() - timedelta(minutes=1)
    assert (never.kpp, never.ogrn) == ("773601001", "1027700132195")
    stale.refresh_from_db()
    assert stale.registry_status == "active" and not stale.is_flagged
    assert stale.registry_checked_at > timezone.now() - timedelta(minutes=1)
    assert state(fresh) == fresh_before


def test_a_counterparty_flagged_before_is_not_counted_as_newly_flagged(source, make):
    counterparty = make(1, "liquidated", days_ago=40)
    Counterparty.objects.filter(pk=counterparty.pk).update(registry_status="liquidated")

    result = services.counterparties_registry_recheck(source=source)

    assert (result["checked"], result["flagged"]) == (1, 0)
    assert asked() == [counterparty.inn]


def test_only_active_companies_of_active_partners_with_an_inn_are_asked(
    source, make, partner_of, owner
):
    asked_for = make(1)
    archived = make(2)
    services.counterparty_update(counterparty=archived, expected_version=None, status="archived")
    gone = partner_of("owner", name="Архивный партнёр")
    make(3, partner=gone)
    services.partner_archive(partner=gone, by=owner)
    make(4, kind="person", inn=inn12(4))
    services.counterparty_create(
        partner=asked_for.partner, kind="foreign", short_name="Acme GmbH", country="DE", by=owner
    )
    sole_proprietor = make(5, kind="sole_proprietor", inn=inn12(5), mode="individual")

    result = services.counterparties_registry_recheck(source=source)

    assert sorted(asked()) == sorted([asked_for.inn, sole_proprietor.inn])
    assert result["checked"] == 2


def test_the_limit_takes_the_longest_unchecked_first(source, make):
    recent = make(1, days_ago=35)
    oldest = make(2, days_ago=90)
    never = make(3)
    older = make(4, days_ago=60)

    result = services.counterparties_registry_recheck(limit=3, source=source)

    assert result["checked"] == 3
    assert asked() == [never.inn, oldest.inn, older.inn]
    assert recent.registry_checked_at == Counterparty.objects.get(pk=recent.pk).registry_checked_at


@pytest.mark.parametrize(
    "mode, code",
    [
        ("empty", "registry_not_found"),
        ("slow", "registry_timeout"),
        ("server-error", "registry_unavailable"),
        ("not-json", "registry_answer_malformed"),
    ],
)
def test_one_counterparty_failing_does_not_stop_the_others(source, make, caplog, mode, code):
    failing = make(1, mode, days_ago=50)
    after = make(2, "liquidated", days_ago=40)
    failing_before = state(failing)

    result = services.counterparties_registry_recheck(source=source)

    assert result == {"checked": 1, "flagged": 1, "failed": 1, "stopped": False, "reason": ""}
    assert asked() == [failing.inn, after.inn]
    assert state(failing) == failing_before
    assert Counterparty.objects.get(pk=after.pk).registry_status == "liquidated"
    assert code in caplog.text and failing.inn in caplog.text


def test_the_responsible_manager_is_told_in_the_app_in_their_language(
    source, make, partner, owner, partner_of
):
    """Through the listener interactions registers: one notification per newly flagged
    counterparty, to the partner's manager, none for one flagged before or still active."""
    from ladoga.interactions.models import Notification

    owner.language = "ru"
    owner.save(update_fields=["language"])
    liquidated = make(1, "liquidated", days_ago=50)
    make(2, "found", days_ago=45)
    known = make(3, "liquidated", days_ago=40)
    Counterparty.objects.filter(pk=known.pk).update(registry_status="liquidated")
    unmanaged = partner_of("owner", name="ООО «Без менеджера»")
    Partner.objects.filter(pk=unmanaged.pk).update(manager=None)
    make(4, "liquidated", days_ago=35, partner=unmanaged)

    result = services.counterparties_registry_recheck(source=source)

    assert (result["checked"], result["flagged"]) == (4, 2)
    (note,) = Notification.objects.all()
    assert note.user == owner and note.read_at is None
    assert note.title == (f"{liquidated.short_name} (ООО «Ромашка») — в реестре: ликвидирован"), (
        note.title
    )
    assert liquidated.inn in note.text
    assert note.url == f"/partners/{partner.pk}/?tab=requisites"


@pytest.mark.parametrize(
    "mode, code", [("slow", "registry_timeout"), ("server-error", "registry_unavailable")]
)
def test_a_registry_that_is_down_stops_the_run_after_three_failures_in_a_row(
    source, make, mode, code
):
    """Not 200 timeouts of ten seconds each: the fourth counterparty is not asked."""
    failing = [make(seed, mode, days_ago=60 - seed) for seed in range(1, 5)]
    before = [state(counterparty) for counterparty in failing]

    result = services.counterparties_registry_recheck(source=source)

    assert result == {"checked": 0, "flagged": 0, "failed": 3, "stopped": True, "reason": code}
    assert asked() == [c.inn for c in failing[:3]]
    assert [state(counterparty) for counterparty in failing] == before


def test_a_success_between_outages_starts_the_count_again(source, make):
    order = ["slow", "slow", "found", "slow", "slow", "found"]
    made = [make(seed, mode, days_ago=60 - seed) for seed, mode in enumerate(order, 1)]

    result = services.counterparties_registry_recheck(source=source)

    assert result == {"checked": 2, "flagged": 0, "failed": 4, "stopped": False, "reason": ""}
    assert asked() == [c.inn for c in made]


def test_an_impossible_stored_inn_is_a_failure_of_its_own(source, make):
    broken = make(1, days_ago=50)
    Counterparty.objects.filter(pk=broken.pk).update(inn="7707083894")
    fine = make(2, days_ago=40)

    result = services.counterparties_registry_recheck(source=source)

    assert (result["checked"], result["failed"]) == (1, 1)
    assert asked() == [fine.inn]


def test_a_rejected_token_stops_the_run_at_the_first_request(registry_url, source, make):
    counterparties = [make(seed, days_ago=40 + seed) for seed in range(1, 4)]
    before = [state(counterparty) for counterparty in counterparties]

    result = services.counterparties_registry_recheck(
        source=DaDataProvider(url=registry_url, token="wrong", timeout=0.5)
    )

    assert result == {
        "checked": 0,
        "flagged": 0,
        "failed": 0,
        "stopped": True,
        "reason": "registry_token_rejected",
    }
    assert len(Registry.requests) == 1
    assert [state(counterparty) for counterparty in counterparties] == before


def test_a_reached_limit_stops_the_run_but_keeps_what_was_checked(source, make):
    first = make(1, "liquidated", days_ago=60)
    make(2, "limit", days_ago=50)
    make(3, days_ago=40)

    result = services.counterparties_registry_recheck(source=source)

    assert result == {
        "checked": 1,
        "flagged": 1,
        "failed": 0,
        "stopped": True,
        "reason": "registry_limit_reached",
    }
    assert len(Registry.requests) == 2
    assert Counterparty.objects.get(pk=first.pk).registry_status == "liquidated"


@pytest.fixture
def unconfigured(settings, registry_url):
    settings.REGISTRY_URL = registry_url
    settings.REGISTRY_TOKEN = ""
    provider_set(None)
    Registry.modes.clear()
    Registry.requests.clear()


def test_without_a_provider_the_nightly_task_does_nothing(
    unconfigured, make, django_assert_num_queries
):
    counterparty = make(1)
    before = state(counterparty)

    with django_assert_num_queries(0):
        assert tasks.registry_recheck_nightly.call_local() is None

    assert Registry.requests == []
    assert state(counterparty) == before


def test_without_a_provider_the_service_stops_before_reading_anything(
    unconfigured, make, django_assert_num_queries
):
    make(1)

    with django_assert_num_queries(0):
        result = services.counterparties_registry_recheck()

    assert (result["stopped"], result["reason"], result["checked"]) == (
        True,
        "registry_not_configured",
        0,
    )
    assert Registry.requests == []


def test_the_nightly_task_rechecks_through_the_configured_registry(settings, registry_url, make):
    settings.REGISTRY_URL = registry_url
    settings.REGISTRY_TOKEN = fake.TOKEN
    provider_set(None)
    Registry.modes.clear()
    Registry.requests.clear()
    counterparty = make(1, "liquidated", days_ago=31)

    result = tasks.registry_recheck_nightly.call_local()

    assert (result["checked"], result["flagged"], result["stopped"]) == (1, 1, False)
    assert Registry.requests[0]["auth"] == f"Token {fake.TOKEN}"
    assert Counterparty.objects.get(pk=counterparty.pk).is_flagged


def test_the_nightly_task_is_scheduled():
    wrapper = tasks.registry_recheck_nightly
    assert wrapper.name == "partners.registry_recheck"
    task = wrapper.task_class()
    assert task.validate_datetime(datetime.datetime(2026, 3, 2, 3, 53))
    assert not task.validate_datetime(datetime.datetime(2026, 3, 2, 2, 53))
