"""Manager comparison (A6) against a small hand-computed dataset.

The period is March 2026 (31 days); the previous period of the same length is
29 January – 28 February 2026, the same period last year March 2025.
"""

from decimal import Decimal

import pytest

from ladoga.analytics.indicators import INDICATORS
from ladoga.analytics.managers import COMPANY, DEPARTMENT, comparison_chart, comparison_table
from ladoga.analytics.reports import MANAGER_COMPARISON
from ladoga.core.periods import Period
from ladoga.core.reports import report_run
from ladoga.deals.models import DealStatus
from ladoga.interactions.models import TaskStatus

from .conftest import day

D = Decimal
MARCH = Period(day("2026-03-01"), day("2026-03-31"))
WON, LOST = DealStatus.WON, DealStatus.LOST
# "past_norm" has its own dataset (contact norms): test_past_norm.py
ALL = [code for code in INDICATORS if code != "past_norm"]


@pytest.fixture
def world(make, actors):
    owner, colleague, outsider = actors["owner"], actors["colleague"], actors["outsider"]
    # new clients: two in March (one a potential client), one in February; a supplier
    # and a merged duplicate do not count
    make.partner(owner, "2026-03-03")
    make.partner(owner, "2026-03-31", client=False, potential=True)
    make.partner(owner, "2026-03-05", client=False)
    survivor = make.partner(owner, "2026-02-01")
    make.partner(owner, "2026-03-07", merged_into=survivor, status="archived")
    make.partner(colleague, "2026-03-09")
    # interactions: March 2 calls, 1 e-mail sent, 1 meeting; a draft does not count;
    # February 1 call; March 2025 3 calls
    for start in ("2026-03-01", "2026-03-31"):
        make.interaction(owner, start, "call", reviewed=start)
    make.interaction(owner, "2026-03-02", "email", reviewed="2026-03-02", email_status="sent")
    make.interaction(owner, "2026-03-02", "email", reviewed="2026-03-02", email_status="draft")
    make.interaction(owner, "2026-03-15", "meeting", reviewed="2026-03-16")
    make.interaction(owner, "2026-02-28", "call", reviewed="2026-02-28")
    for start in ("2025-03-01", "2025-03-10", "2025-03-31"):
        make.interaction(owner, start, "call", reviewed=start)
    # unprocessed on 31 March: one never reviewed, one reviewed only in April; not one
    # reviewed in March, one deferred to April, one begun in April
    make.interaction(colleague, "2026-03-10", "planned")
    make.interaction(colleague, "2026-03-05", "planned", reviewed="2026-04-05")
    make.interaction(colleague, "2026-02-20", "planned", reviewed="2026-03-20")
    make.interaction(colleague, "2026-03-11", "planned", review_after="2026-04-10")
    make.interaction(colleague, "2026-04-02", "planned")
    # overdue tasks on 31 March: due 20 March and open; due 10 March done in April.
    # On 28 February: due 10 February, done 1 March.
    make.task(owner, "2026-03-20")
    make.task(owner, "2026-03-31")
    make.task(owner, "2026-03-10", TaskStatus.DONE, completed="2026-04-02")
    make.task(owner, "2026-03-10", TaskStatus.DONE, completed="2026-03-15")
    make.task(owner, "2026-03-10", TaskStatus.CANCELLED)
    make.task(owner, "2026-02-10", TaskStatus.DONE, completed="2026-03-01")
    # deals of the owner: March opened 3; won 3 (one in euros); lost 2
    make.deal(owner, "2026-03-02")
    make.deal(owner, "2026-03-03", WON, "2026-03-20", "100.00")
    make.deal(owner, "2026-03-04", LOST, "2026-03-25")
    make.deal(owner, "2026-01-30", WON, "2026-03-05", "300.00")
    make.deal(owner, "2025-06-01", WON, "2026-03-06", "1000.00", currency="EUR")
    make.deal(owner, "2026-02-10", LOST, "2026-03-07")
    make.deal(owner, "2025-12-01", WON, "2026-02-15", "50.00")  # the previous period
    # the colleague: won 1 of 2; the outsider: won 1 of 1
    make.deal(colleague, "2026-03-01", WON, "2026-03-02", "200.00")
    make.deal(colleague, "2026-03-01", LOST, "2026-03-02")
    make.deal(outsider, "2026-03-01", WON, "2026-03-30", "1000.00")
    # revenue: 1,234.56 in March (a shipment in euros left out), 100 in February
    make.shipment(owner, "2026-03-01", "1000.00")
    make.shipment(owner, "2026-03-31", "234.56")
    make.shipment(owner, "2026-03-10", "500.00", currency="EUR")
    make.shipment(owner, "2026-02-28", "100.00")
    make.payment(owner, "2026-03-15", "700.00")
    make.payment(owner, "2026-04-01", "50.00")
    # claims naming the owner: one on the owner's client, one on the outsider's client
    make.claim(owner, "2026-03-10")
    make.claim(owner, "2026-03-11", partner=make.client_of(outsider))
    return actors


def run(user, **data):
    data.setdefault("start", "2026-03-01")
    data.setdefault("end", "2026-03-31")
    data.setdefault("indicators", ALL)
    return report_run(MANAGER_COMPARISON, user=user, data=data)[1]


def test_indicators_of_one_manager_now_and_in_the_previous_period(world):
    result = run(world["admin"], compare="previous")
    owner = result.line_of(world["owner"].pk)

    assert result.compared == Period(day("2026-01-29"), day("2026-02-28"))
    assert owner.now == {
        "new_clients": 2,
        "interactions": 4,
        "calls": 2,
        "emails": 1,
        "meetings": 1,
        "deals_opened": 3,
        "deals_won": 3,
        "deals_lost": 2,
        "won_amount": D("400.00"),
        "average_won": D("200.00"),
        "win_rate": D("60.0"),
        "revenue": D("1234.56"),
        "payments": D("700.00"),
        "overdue_tasks": 2,
        "unprocessed": 0,
        "claims": 2,
    }
    assert owner.then == {
        "new_clients": 1,
        "interactions": 1,
        "calls": 1,
        "emails": 0,
        "meetings": 0,
        "deals_opened": 2,
        "deals_won": 1,
        "deals_lost": 0,
        "won_amount": D("50.00"),
        "average_won": D("50.00"),
        "win_rate": D("100.0"),
        "revenue": D("100.00"),
        "payments": D("0.00"),
        "overdue_tasks": 1,
        "unprocessed": 0,
        "claims": 0,
    }


def test_unprocessed_interactions_as_they_stood_on_the_analysis_date(world):
    result = run(world["admin"], compare="previous", indicators=["unprocessed"])

    colleague = result.line_of(world["colleague"].pk)
    # 31 March: never reviewed (10 March) and reviewed on 5 April (5 March).
    # 28 February: the one of 20 February, reviewed only on 20 March.
    assert (colleague.now["unprocessed"], colleague.then["unprocessed"]) == (2, 1)


def test_same_period_last_year(world):
    result = run(world["admin"], compare="last_year", indicators=["calls", "deals_won"])

    owner = result.line_of(world["owner"].pk)
    assert result.compared == Period(day("2025-03-01"), day("2025-03-31"))
    assert owner.then == {"calls": 3, "deals_won": 0}


def test_department_and_company_totals_recompute_ratios_from_their_parts(world):
    result = run(world["admin"], indicators=["deals_won", "win_rate", "average_won"])

    labels = [(line.label, line.level) for line in result.lines]
    assert labels == [
        ("Outsider", 0),
        ("Total: Other sales", DEPARTMENT),
        ("Colleague", 0),
        ("Head", 0),
        ("Owner", 0),
        ("Total: Sales", DEPARTMENT),
        ("Total", COMPANY),
    ]
    sales = result.lines[5].now
    # owner 3 won of 5 closed, colleague 1 of 2: 4 of 7 = 57.14…, not (60 + 50) / 2
    assert sales == {"deals_won": 4, "win_rate": D("57.1"), "average_won": D("200.00")}
    assert result.company.now == {
        "deals_won": 5,
        "win_rate": D("62.5"),
        "average_won": D("400.00"),  # 1,600 over the 4 won in roubles
    }


def test_table_shows_now_then_and_changes_coloured_by_direction(world):
    result = run(world["admin"], compare="previous", indicators=["deals_won", "overdue_tasks"])
    table = comparison_table(result)

    keys = [(c.key, c.good) for c in table.columns]
    assert keys == [
        ("manager", None),
        ("department", None),
        ("deals_won", None),
        ("deals_won_then", None),
        ("deals_won_change", "up"),
        ("deals_won_change_percent", "up"),
        ("overdue_tasks", None),
        ("overdue_tasks_then", None),
        ("overdue_tasks_change", "down"),
        ("overdue_tasks_change_percent", "down"),
    ]
    owner = next(row for row in table.rows if row["manager"] == "Owner")
    assert owner["deals_won"] == 3 and owner["deals_won_then"] == 1
    assert owner["deals_won_change"] == 2
    assert owner["deals_won_change_percent"] == D("200.0")
    assert owner["overdue_tasks_change_percent"] == D("100.0")
    colleague = next(row for row in table.rows if row["manager"] == "Colleague")
    assert colleague["deals_won_change_percent"] is None  # nothing to compare with
    assert [row["manager"] for row in table.totals] == ["Total"]
    assert table.totals[0]["_level"] == COMPANY


def test_chart_is_bars_of_the_first_indicator_now_and_then(world):
    result = run(world["admin"], compare="previous", indicators=["deals_won"])

    chart = comparison_chart(result)

    assert chart == {
        "kind": "bars",
        "title": "Deals won",
        "labels": ["Outsider", "Colleague", "Head", "Owner"],
        "series": [
            {"name": "Now", "values": [1, 1, 0, 3]},
            {"name": "Then", "values": [0, 0, 0, 1]},
        ],
        "unit": "count",
    }


def test_a_manager_sees_only_their_own_row_and_own_figures(world):
    result = run(world["owner"], compare="previous")

    assert [line.label for line in result.lines] == ["Owner", "Total: Sales", "Total"]
    # the claim on the outsider's client names the owner, but the owner may not see it
    assert result.line_of(world["owner"].pk).now["claims"] == 1
    assert result.company.now == result.lines[0].now
    assert result.company.then == result.lines[0].then


def test_a_head_sees_the_department(world):
    result = run(world["head"], indicators=["deals_won", "won_amount"])

    assert [line.label for line in result.lines] == [
        "Colleague",
        "Head",
        "Owner",
        "Total: Sales",
        "Total",
    ]
    assert result.company.now == {"deals_won": 4, "won_amount": D("600.00")}


def test_filters_narrow_to_a_department_or_a_manager(world, departments):
    by_department = run(world["admin"], department=departments["other"].pk)
    by_manager = run(world["head"], manager=world["colleague"].pk, indicators=["deals_won"])

    assert [line.label for line in by_department.managers] == ["Outsider"]
    assert [line.label for line in by_manager.managers] == ["Colleague"]
    assert by_manager.company.now == {"deals_won": 1}


def test_default_indicators_and_comparison(world):
    _form, result = report_run(MANAGER_COMPARISON, user=world["admin"], data={})

    assert [i.code for i in result.indicators] == [
        "new_clients",
        "interactions",
        "meetings",
        "deals_won",
        "won_amount",
        "win_rate",
        "revenue",
        "overdue_tasks",
    ]
    assert result.compared == result.period.previous()
    assert result.period.days == 30


def test_queries_do_not_grow_with_the_managers(world, django_assert_max_num_queries):
    # visible managers 1 + per period one per measure (8, the deals measure two) = 19,
    # whatever the headcount
    with django_assert_max_num_queries(19):
        run(world["admin"], compare="last_year")
