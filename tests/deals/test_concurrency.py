"""Two concurrent moves of one deal: exactly one succeeds, the other is refused (409 or 412).

Each thread has its own database connection. PostgreSQL serialises them with the deal's
row lock (select_for_update), SQLite with its IMMEDIATE write transactions; either way the
second sees the first's result and is refused instead of moving the deal twice."""

import threading

import pytest
from django.db import connections

from ladoga.core.errors import DomainError
from ladoga.deals import services
from ladoga.deals.models import Deal, StageTransition
from ladoga.deals.services import StageSpec
from ladoga.partners.services import partner_create


def race_kind(by):
    return services.deal_kind_create(
        name="Race",
        process_type="manual",
        stages=[
            StageSpec("a", "A"),
            StageSpec("b", "B"),
            StageSpec("won", "Won", outcome="won"),
            StageSpec("lost", "Lost", outcome="lost"),
        ],
        by=by,
    )


def run_twice(action) -> tuple[list, list]:
    barrier = threading.Barrier(2)
    results: list = []
    errors: list = []

    def worker():
        try:
            barrier.wait()
            results.append(action())
        except BaseException as error:  # reported by the test, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "with_version, status, code",
    [(True, 412, "version_stale"), (False, 409, "deal_stage_same")],
)
def test_two_concurrent_moves_exactly_one_succeeds(actors, with_version, status, code):
    owner = actors["owner"]
    kind = race_kind(actors["admin"])
    partner = partner_create(name="Race client", manager=owner, by=owner)
    deal = services.deal_create(name="Race", partner=partner, kind=kind, by=owner)
    target = kind.stages.get(code="b")
    version = deal.version

    def move():
        return services.deal_move(
            deal=Deal.objects.get(pk=deal.pk),
            stage=target,
            by=owner,
            expected_version=version if with_version else None,
        )

    results, errors = run_twice(move)

    assert len(results) == 1
    assert len(errors) == 1
    [error] = errors
    assert isinstance(error, DomainError)
    assert (error.status, error.codes) == (status, [code])
    assert StageTransition.objects.filter(deal=deal, action="moved").count() == 1
    assert Deal.objects.get(pk=deal.pk).version == version + 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_api_moves_answer_200_and_412(actors, api_as):
    owner = actors["owner"]
    kind = race_kind(actors["admin"])
    partner = partner_create(name="Race client", manager=owner, by=owner)
    deal = services.deal_create(name="Race", partner=partner, kind=kind, by=owner)
    target = kind.stages.get(code="b")
    clients = [api_as("owner"), api_as("owner")]  # the token is made here, in the main thread

    def move():
        return (
            clients.pop()
            .post(
                f"/api/v1/deals/{deal.pk}/move",
                {"stage": target.pk},
                headers={"If-Match": f'"{deal.version}"'},
            )
            .status_code
        )

    results, errors = run_twice(move)

    assert errors == []
    assert sorted(results) == [200, 412]
    assert StageTransition.objects.filter(deal=deal, action="moved").count() == 1
