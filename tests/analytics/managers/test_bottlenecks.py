"""Bottlenecks (A3) against a hand-computed stage history of the strict kind in March 2026:
stages A (qualification), B (needs), C (client classified); "now" is 21 March, noon."""

from decimal import Decimal

import pytest

from ladoga.analytics.bottlenecks import bottlenecks, bottlenecks_chart, bottlenecks_table, p90
from ladoga.analytics.reports import BOTTLENECKS
from ladoga.core.periods import Period
from ladoga.core.reports import report_run
from ladoga.deals.models import DealKind, DealStatus

from .conftest import at, day

D = Decimal
MARCH = Period(day("2026-03-01"), day("2026-03-31"))
NOW = at("2026-03-21")


@pytest.fixture
def strict(db):
    kind = DealKind.objects.get(process_type="strict")
    stages = {s.code: s for s in kind.stages.all()}
    return kind, stages["qualification"], stages["needs"], stages["client_classified"], stages


@pytest.fixture
def history(make, actors, strict):
    kind, a, b, c, stages = strict
    owner, colleague, outsider = actors["owner"], actors["colleague"], actors["outsider"]

    def deal(manager, *steps, status=DealStatus.IN_PROGRESS):
        made = make.deal(manager, "2026-02-01", status, kind=kind, stage=steps[-1][1])
        for when, stage, *action in steps:
            make.move(made, stage, at(when), *action)
        return made

    deal(owner, ("2026-03-01", a, "created"), ("2026-03-02", b), ("2026-03-04", c))  # B 2 d
    deal(owner, ("2026-03-01", a, "created"), ("2026-03-02", b), ("2026-03-06", c))  # B 4 d
    deal(  # B 1 day, back to A, B again 10 days, lost there
        colleague,
        ("2026-03-01", a, "created"),
        ("2026-03-03", b),
        ("2026-03-04", a),
        ("2026-03-05", b),
        ("2026-03-15", stages["lost"], "lost"),
        status=DealStatus.LOST,
    )
    deal(colleague, ("2026-03-08", a, "created"), ("2026-03-10", b))  # still in B: 11 d
    deal(owner, ("2026-02-20", b, "created"), ("2026-03-02", c))  # entered B in February
    deal(outsider, ("2026-03-12", b, "created"), ("2026-03-13", c))  # B 1 day
    return actors


def figures(result, stage):
    found = result.stage(stage.pk)
    return (
        found.entered_count,
        found.median_days,
        found.p90_days,
        found.returned_share,
        found.lost_share,
    )


def test_time_in_stage_returns_and_losses(history, strict):
    _kind, a, b, c, _ = strict

    result = bottlenecks(user=history["admin"], period=MARCH, now=NOW)

    # B: stays of 1, 1, 2, 4, 10 and 11 days: median (2 + 4) / 2, p90 10 + 0.5 × 1
    assert figures(result, b) == (5, D("3.0"), D("10.5"), D("20.0"), D("20.0"))
    assert figures(result, a) == (4, D("1.0"), D("2.0"), D("0.0"), D("0.0"))
    # C: 17, 15, 19 (entered on 2 March) and 8 days, all still there
    assert figures(result, c) == (4, D("16.0"), D("18.4"), D("0.0"), D("0.0"))


def test_only_stays_that_began_in_the_period(history, strict):
    _kind, _a, b, _c, _ = strict

    result = bottlenecks(
        user=history["admin"], period=Period(day("2026-02-01"), day("2026-02-28")), now=NOW
    )

    assert figures(result, b) == (1, D("10.0"), D("10.0"), D("0.0"), D("0.0"))


def test_by_manager_and_record_level_access(history, strict):
    _kind, _a, b, _c, _ = strict

    admin = bottlenecks(user=history["admin"], period=MARCH, now=NOW, by_manager=True)
    owner = bottlenecks(user=history["owner"], period=MARCH, now=NOW)

    per_manager = [
        (f.manager, f.entered_count, f.median_days, f.returned_share, f.lost_share)
        for f in admin.managers[b.pk]
    ]
    assert per_manager == [
        ("Colleague", 2, D("10.0"), D("50.0"), D("50.0")),
        ("Outsider", 1, D("1.0"), D("0.0"), D("0.0")),
        ("Owner", 2, D("3.0"), D("0.0"), D("0.0")),
    ]
    # the owner sees only the owner's deals: stays of 2 and 4 days
    assert figures(owner, b) == (2, D("3.0"), D("3.8"), D("0.0"), D("0.0"))


def test_table_and_chart(history, strict):
    kind, a, b, c, _ = strict
    result = bottlenecks(user=history["admin"], period=MARCH, now=NOW, by_manager=True)

    table = bottlenecks_table(result)
    chart = bottlenecks_chart(result)

    b_rows = [row for row in table.rows if row["stage"] == str(b)]
    assert [(row["manager"], row["_level"]) for row in b_rows] == [
        ("Colleague", 0),
        ("Outsider", 0),
        ("Owner", 0),
        ("", 1),
    ]
    assert chart["kind"] == "hbars" and chart["unit"] == "days"
    assert chart["labels"] == [f"{kind}: {c}", f"{kind}: {b}", f"{kind}: {a}"]
    assert chart["series"][0]["values"] == [16.0, 3.0, 1.0]
    assert chart["series"][1]["values"] == [18.4, 10.5, 2.0]


def test_registered_report_filters_by_kind_and_manager(history, strict):
    kind, _a, b, _c, _ = strict

    _form, result = report_run(
        BOTTLENECKS,
        user=history["head"],
        data={
            "start": "2026-03-01",
            "end": "2026-03-31",
            "kind": kind.pk,
            "manager": history["owner"].pk,
        },
    )

    assert result.stage(b.pk).entered_count == 2
    assert {s.kind for s in result.stages} == {str(kind)}


@pytest.mark.parametrize(
    "values, expected",
    [([5], 5), ([1, 2], D("1.9")), ([1, 2, 3, 4], D("3.7")), (list(range(11)), 9)],
)
def test_p90_interpolates_between_the_closest_ranks(values, expected):
    assert p90([D(v) for v in values]) == expected
