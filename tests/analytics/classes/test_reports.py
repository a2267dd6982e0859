"""The registered reports: class moves, RFM, clients who stopped buying, BCG — against
hand-computed data, through record-level access."""

import datetime
from decimal import Decimal

import pytest
from django.http import QueryDict

from ladoga.analytics import classification_services as services
from ladoga.analytics.bcg import bcg
from ladoga.analytics.classification_reports import moves_report, rfm_report, stopped_buying
from ladoga.core.errors import ValidationFailed
from ladoga.core.periods import Period
from ladoga.core.reports import REGISTRY, report_named, report_run

from .conftest import ON

D = Decimal


def test_the_reports_are_registered():
    assert {"abc-xyz-clients", "class-moves", "rfm", "stopped-buying", "bcg"} <= set(REGISTRY)


def test_who_moved_between_the_last_two_runs(clients, actors, ship):
    services.classification_recompute(on=ON)
    ship(clients["steady"], datetime.date(2026, 4, 20), "5000")
    services.classification_recompute(on=datetime.date(2026, 5, 3))

    _form, result = report_run(report_named("class-moves"), user=actors["owner"], data=QueryDict())

    assert [(m.partner_name, m.before, m.after) for m in result.moves] == [
        ("Steady", "AX", "BZ"),
        ("Wavy", "AY", "CZ"),
        ("Once", "BZ", "AZ"),
    ]
    admin = moves_report(user=actors["admin"], run=result.run, before=result.before)
    assert len(admin.moves) == 4  # and the outsider's seasonal client, AZ → CZ


def test_rfm_counts_per_segment_of_the_clients_one_may_see(clients, actors):
    services.classification_recompute(on=ON)
    owner = rfm_report(user=actors["owner"])
    assert owner.counts["champions"] == 2 and owner.counts["hibernating"] == 1
    assert sum(owner.counts.values()) == 3
    lost = rfm_report(user=actors["admin"], segment="lost")
    assert [row.partner.name for row in lost.rows] == ["Returned"]


def test_clients_who_stopped_buying(clients, actors):
    # On 15 April 2026 with factor 3: steady and wavy bought monthly (interval 30.3 days)
    # until 10 March (36 days ago): still buying. Seasonal every 61 days: fine. Once: a
    # single purchase day in the window before April, then 1 April: 239 days apart, 14 ago.
    # Returned: 10 June and 10 July 2025 (30 days), nothing for 279 days: stopped.
    found = stopped_buying(user=actors["admin"], factor=D("3"), on=ON)
    assert [(s.partner_name, s.days_since, s.purchase_days) for s in found] == [
        ("Returned", 279, 2)
    ]
    assert stopped_buying(user=actors["owner"], factor=D("3"), on=ON) == []
    # With a factor of 1, a month and a week without the monthly purchase counts too.
    names = [s.partner_name for s in stopped_buying(user=actors["owner"], factor=D("1"), on=ON)]
    assert names == ["Steady", "Wavy"]


def test_a_bad_report_filter_is_refused(actors):
    with pytest.raises(ValidationFailed) as error:
        report_run(report_named("stopped-buying"), user=actors["owner"], data=QueryDict("factor=0"))
    assert error.value.codes == ["report_filter_invalid"]


def test_bcg_of_clients_by_growth_and_relative_share(clients, actors, ship):
    # March 2026 against the 31 days before it (29 January – 28 February 2026).
    period = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    result = bcg(user=actors["admin"], period=period)
    points = {p.name: p for p in result.points}
    # March: steady 100, wavy 100, seasonal 150 (index 11); February: steady 100,
    # wavy 100, seasonal 0 (index 10 is even).
    assert {n: (p.revenue, p.previous) for n, p in points.items()} == {
        "Seasonal": (D("150"), D("0")),
        "Steady": (D("100"), D("100")),
        "Wavy": (D("100"), D("100")),
    }
    assert points["Seasonal"].quadrant == "stars"  # new in the period, the largest
    assert points["Steady"].relative_share == D("100") / D("150")
    assert points["Steady"].growth == 0 and points["Steady"].quadrant == "cash_cows"
    small = bcg(user=actors["admin"], period=period, share_split=D("0.7"))
    assert {p.name: p.quadrant for p in small.points}["Steady"] == "dogs"
    owner = bcg(user=actors["owner"], period=period)
    assert [p.name for p in owner.points] == ["Steady", "Wavy"]
    assert {p.name: p.relative_share for p in owner.points} == {"Steady": 1, "Wavy": 1}


def test_bcg_of_product_groups(db, actors):
    from ladoga.sales import services as sales
    from ladoga.sales.models import ShipmentLine

    assert ShipmentLine.objects.count() == 0
    result = bcg(
        user=actors["admin"],
        period=Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
        subject="groups",
    )
    assert result.points == [] and sales  # nothing shipped: nothing to show
