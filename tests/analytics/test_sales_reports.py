"""Revenue by partner and payment discipline: against a hand-computed dataset, per user
(a manager sees only their partners, totals included), and against plain Python over the
raw shipment and payment rows of the demo data."""

from collections import defaultdict
from decimal import Decimal as D

import pytest

from ladoga import demo
from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.core.numbers import half_up
from ladoga.core.reports import REGISTRY, plain, report_run
from ladoga.partners.models import Partner
from ladoga.sales.models import Payment, Shipment

from .conftest import MARCH


def rows_of(api_as, actor, name, **query):
    response = api_as(actor).get(f"/api/v1/reports/{name}", {**MARCH, **query})
    assert response.status_code == 200, response.content
    body = response.json()
    return body["rows"], body["totals"]


def test_revenue_by_partner_by_hand(api_as, sales_rows):
    rows, totals = rows_of(api_as, "admin", "revenue-by-partner")
    assert [(r["partner"], r["shipments"], r["revenue"], r["vat"], r["share"]) for r in rows] == [
        ("Outsider's client", 1, "3000.00", "500.00", "67.4"),
        ("Stroymontazh", 2, "1250.50", "208.42", "28.1"),
        ("Colleague's client", 1, "200.00", "33.33", "4.5"),
    ]
    assert totals == [
        {
            "partner": "Total",
            "shipments": 4,
            "revenue": "4450.50",
            "vat": "741.75",
            "share": "100.0",
        }
    ]


def test_revenue_compared_with_the_previous_period(api_as, sales_rows):
    rows, totals = rows_of(api_as, "admin", "revenue-by-partner", compare="previous")
    found = {r["partner"]: (r["compared"], r["change"]) for r in rows}
    # The previous 31 days are 29 January – 28 February: only the owner's 500.00.
    assert found == {
        "Outsider's client": ("0.00", None),
        "Stroymontazh": ("500.00", "150.1"),
        "Colleague's client": ("0.00", None),
    }
    assert (totals[0]["compared"], totals[0]["change"]) == ("500.00", "790.1")


def test_a_manager_sees_only_their_partners_revenue_totals_included(api_as, sales_rows):
    rows, totals = rows_of(api_as, "owner", "revenue-by-partner")
    assert [(r["partner"], r["revenue"]) for r in rows] == [("Stroymontazh", "1250.50")]
    assert (totals[0]["revenue"], totals[0]["share"]) == ("1250.50", "100.0")


def test_a_head_may_narrow_revenue_to_one_manager(api_as, actors, sales_rows):
    rows, totals = rows_of(api_as, "head", "revenue-by-partner", manager=actors["colleague"].pk)
    assert [(r["partner"], r["revenue"]) for r in rows] == [("Colleague's client", "200.00")]
    assert totals[0]["revenue"] == "200.00"


def test_payment_discipline_by_hand(api_as, sales_rows):
    rows, totals = rows_of(api_as, "admin", "payment-discipline")
    assert [
        (
            r["partner"],
            r["payments"],
            r["on_time"],
            r["late"],
            r["on_time_share"],
            r["average_days_late"],
        )
        for r in rows
    ] == [
        ("Stroymontazh", 3, 1, 2, "33.3", "7.5"),
        ("Outsider's client", 2, 2, 0, "100.0", None),
    ]
    assert totals[0] | {} == {
        "partner": "All partners",
        "payments": 5,
        "on_time": 3,
        "late": 2,
        "on_time_share": "60.0",
        "average_days_late": "7.5",
    }


def test_a_manager_sees_only_their_partners_payments(api_as, sales_rows):
    rows, totals = rows_of(api_as, "outsider", "payment-discipline")
    assert [r["partner"] for r in rows] == ["Outsider's client"]
    assert (totals[0]["payments"], totals[0]["on_time_share"]) == (2, "100.0")


# --- The same figures, computed again in plain Python over the raw rows of the demo --------


def _visible_partners(user) -> set[int]:
    """A manager sees the partners they manage; an administrator sees all."""
    managers = dict(Partner.objects.values_list("pk", "manager_id"))
    if user.role == Role.ADMIN:
        return set(managers)
    return {pk for pk, manager in managers.items() if manager == user.pk}


def _plain_revenue(user, start, end) -> dict[int, tuple]:
    mine = _visible_partners(user)
    found: dict[int, list] = defaultdict(lambda: [0, D(0), D(0)])
    for partner_id, day, total, vat in Shipment.objects.values_list(
        "partner_id", "date", "total", "vat_total"
    ):
        if start <= day <= end and partner_id in mine:
            entry = found[partner_id]
            entry[0] += 1
            entry[1] += total
            entry[2] += vat
    return {pk: (n, f"{t:.2f}", f"{v:.2f}") for pk, (n, t, v) in found.items()}


def _plain_discipline(user, start, end) -> dict[int, tuple]:
    mine = _visible_partners(user)
    delays: dict[int, list[int]] = defaultdict(list)
    for partner_id, day, days_late in Payment.objects.values_list(
        "partner_id", "date", "days_late"
    ):
        if start <= day <= end and partner_id in mine:
            delays[partner_id].append(days_late)
    result = {}
    for pk, found in delays.items():
        overdue = [d for d in found if d > 0]
        result[pk] = (
            len(found),
            len(found) - len(overdue),
            len(overdue),
            str(half_up(D(len(found) - len(overdue)) * 100 / len(found), 1)),
            str(half_up(D(sum(overdue)) / len(overdue), 1)) if overdue else None,
        )
    return result


def _text(value):
    return str(value) if value is not None else None


PICK = {
    "revenue-by-partner": lambda r: (r["shipments"], str(r["revenue"]), str(r["vat"])),
    "payment-discipline": lambda r: (
        r["payments"],
        r["on_time"],
        r["late"],
        _text(r["on_time_share"]),
        _text(r["average_days_late"]),
    ),
}
PLAIN = {"revenue-by-partner": _plain_revenue, "payment-discipline": _plain_discipline}


@pytest.fixture
def demo_data(db, settings, tmp_path):
    settings.HOME = tmp_path
    demo.demo_fill(size=15, seed=5, progress=False)
    days = sorted(
        [
            *Shipment.objects.values_list("date", flat=True),
            *Payment.objects.values_list("date", flat=True),
        ]
    )
    assert days, "the demo ships and is paid"
    return days[0], days[-1]


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_the_report_agrees_with_plain_python_on_the_demo_data(demo_data, name):
    start, end = demo_data
    report = REGISTRY[name]
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    manager = User.objects.get(
        pk=Partner.objects.exclude(manager=None)
        .order_by("pk")
        .values_list("manager_id", flat=True)[0]
    )
    assert manager.role == Role.MANAGER
    for user in (admin, manager):
        _form, result = report_run(
            report, user=user, data={"start": start.isoformat(), "end": end.isoformat()}
        )
        table = report.table(result)
        computed = {}
        for row in table.rows:
            cells = {c.key: plain(row.get(c.key), c.kind) for c in table.columns}
            partner_id = int(row["_url"].rstrip("/").rsplit("/", 1)[1])
            computed[partner_id] = PICK[name](cells)
        expected = PLAIN[name](user, start, end)
        assert computed == expected, user
        assert expected, user
