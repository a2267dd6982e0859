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


def run_many(action, count: int) -> tuple[list, list]:
    """`action` in `count` threads at once, each with its own connection."""
    barrier = threading.Barrier(count)
    results: list = []
    errors: list = []

    def worker(index):
        try:
            barrier.wait()
            results.append(action(index))
        except BaseException as error:  # reported by the test, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_moves_record_where_each_move_came_from(actors):
    """Issue 17 S1: on PostgreSQL a move that waited for the deal's row lock read its
    stage as empty and recorded a move from nowhere. Every recorded move names the stage
    the previous one went to (SQLite serialises the writers and runs it too)."""
    owner = actors["owner"]
    kind = services.deal_kind_create(
        name="Crowd",
        process_type="manual",
        stages=[
            StageSpec("a", "A"),
            StageSpec("b", "B"),
            StageSpec("c", "C"),
            StageSpec("won", "Won", outcome="won"),
            StageSpec("lost", "Lost", outcome="lost"),
        ],
        by=actors["admin"],
    )
    partner = partner_create(name="Crowd client", manager=owner, by=owner)
    deal = services.deal_create(name="Crowd", partner=partner, kind=kind, by=owner)
    targets = [kind.stages.get(code=code) for code in ("b", "c", "a")]

    def move(index):
        return services.deal_move(
            deal=Deal.objects.get(pk=deal.pk), stage=targets[index % 3], by=owner
        )

    results, errors = run_many(move, 9)

    assert all(isinstance(e, DomainError) and e.codes == ["deal_stage_same"] for e in errors)
    moves = list(StageTransition.objects.filter(deal=deal, action="moved").order_by("pk"))
    assert len(moves) == len(results) >= 2
    assert [m.from_stage_id for m in moves[1:]] == [m.to_stage_id for m in moves[:-1]]
    assert moves[0].from_stage_id == kind.stages.get(code="a").pk
    assert Deal.objects.get(pk=deal.pk).stage_id == moves[-1].to_stage_id


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_move_that_waited_for_the_lock_records_its_from_stage(actors):
    """Issue 17 S1, deterministic: another transaction moves the deal to B while this move
    to A waits for its lock; the move then records that it came from B."""
    from tests.locking import while_row_changed

    owner = actors["owner"]
    kind = race_kind(actors["admin"])
    partner = partner_create(name="Race client", manager=owner, by=owner)
    deal = services.deal_create(name="Race", partner=partner, kind=kind, by=owner)
    stage_a, stage_b = kind.stages.get(code="a"), kind.stages.get(code="b")

    moved, error = while_row_changed(
        Deal.objects.filter(pk=deal.pk),
        {"stage": stage_b},
        lambda: services.deal_move(deal=Deal.objects.get(pk=deal.pk), stage=stage_a, by=owner),
    )

    assert error is None, error
    [transition] = StageTransition.objects.filter(deal=deal, action="moved")
    assert (transition.from_stage_id, transition.to_stage_id) == (stage_b.pk, stage_a.pk)
    assert moved.stage_id == stage_a.pk
