"""The reports (A1 funnel, A2 efficiency, A4 weighted forecast) against a small dataset
computed by hand, through record-level access; their API and exports.

The kind "Mini" (strict, no guards): a (20 %) → b (40 %) → c (60 %) → won / lost.
Opened in March 2026, RUB:
  D1 owner   a→b→c→won        100   opened 03-02, closed 03-12 (10 days)
  D2 owner   a→b→lost (R1)    200   opened 03-03, closed 03-23 (20 days)
  D3 owner   a→lost (R2)      300   opened 03-04, closed 03-09 (5 days)
  D4 owner   a→b              400   expected 2026-04-15
  D5 owner   a                500   expected 2026-04-20, probability set to 10 %
  D6 outsider a→b→c           600   expected 2026-05-10
Outside the cohort: D7 (EUR, a), D8 (opened 2025-01, lost at a), D9 (opened 2025-06, a,
1000, no expected date).
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga.deals import reports, services
from ladoga.deals.models import Deal
from ladoga.deals.services import StageSpec
from ladoga.partners.services import partner_create

D = Decimal
MARCH = {"date_from": datetime.date(2026, 3, 1), "date_to": datetime.date(2026, 3, 31)}


@pytest.fixture
def mini(actors):
    return services.deal_kind_create(
        name="Mini",
        process_type="strict",
        stages=[
            StageSpec("a", "A", default_probability=20),
            StageSpec("b", "B", default_probability=40),
            StageSpec("c", "C", default_probability=60),
            StageSpec("won", "Won", outcome="won", default_probability=100),
            StageSpec("lost", "Lost", outcome="lost", default_probability=0),
        ],
        by=actors["admin"],
    )


@pytest.fixture
def dataset(mini, actors, partner, reasons):
    owner, outsider = actors["owner"], actors["outsider"]
    theirs = partner_create(name="Outsider's client", manager=outsider, by=outsider)
    r1, r2 = reasons[0], reasons[1]
    stages = {s.code: s for s in mini.stages.all()}

    def make(name, *, by, client, amount, opened, path=(), end=None, closed=None, **kwargs):
        deal = services.deal_create(
            name=name,
            partner=client,
            kind=mini,
            by=by,
            amount=D(amount),
            opened_on=opened,
            **kwargs,
        )
        for code in path:
            deal = services.deal_move(deal=deal, stage=stages[code], by=by)
        if end == "won":
            deal = services.deal_win(deal=deal, by=by)
        elif end is not None:
            deal = services.deal_lose(deal=deal, reason=end, by=by)
        if closed:
            Deal.objects.filter(pk=deal.pk).update(
                closed_at=timezone.make_aware(datetime.datetime.combine(closed, datetime.time(12)))
            )
        return deal

    def day(d):
        return datetime.date(2026, 3, d)

    def own(name, amount, opened, **kwargs):
        return make(name, by=owner, client=partner, amount=amount, opened=opened, **kwargs)

    return {
        "D1": own("D1", "100", day(2), path="bc", end="won", closed=day(12)),
        "D2": own("D2", "200", day(3), path="b", end=r1, closed=day(23)),
        "D3": own("D3", "300", day(4), end=r2, closed=day(9)),
        "D4": own("D4", "400", day(5), path="b", expected_close_date=datetime.date(2026, 4, 15)),
        "D5": own(
            "D5",
            "500",
            day(6),
            expected_close_date=datetime.date(2026, 4, 20),
            probability_override=10,
        ),
        "D6": make(
            "D6",
            by=outsider,
            client=theirs,
            amount="600",
            opened=day(7),
            path="bc",
            expected_close_date=datetime.date(2026, 5, 10),
        ),
        "D7": own(
            "D7", "700", day(8), currency="EUR", expected_close_date=datetime.date(2026, 4, 1)
        ),
        "D8": own("D8", "800", datetime.date(2025, 1, 10), end=r1),
        "D9": own("D9", "1000", datetime.date(2025, 6, 1)),
    }


def rows_of(funnel):
    return [
        (r.code, r.reached, r.reached_amount, r.conversion, r.lost, r.lost_amount)
        for r in funnel.rows
    ]


def test_funnel_for_the_administrator(dataset, mini, actors, reasons):
    funnel = reports.funnel(user=actors["admin"], kind=mini, **MARCH)

    assert funnel.deals == 6
    assert rows_of(funnel) == [
        ("a", 6, D("2100"), D("66.7"), 1, D("300")),
        ("b", 4, D("1300"), D("50.0"), 1, D("200")),
        ("c", 2, D("700"), D("50.0"), 0, D("0")),
        ("won", 1, D("100"), None, 0, D("0")),
    ]
    assert [(x.reason, x.count) for x in funnel.rows[0].lost_by_reason] == [(reasons[1].name, 1)]
    assert [(x.reason, x.count) for x in funnel.rows[1].lost_by_reason] == [(reasons[0].name, 1)]


def test_funnel_follows_record_level_access(dataset, mini, actors):
    funnel = reports.funnel(user=actors["owner"], kind=mini, **MARCH)

    assert funnel.deals == 5
    assert rows_of(funnel) == [
        ("a", 5, D("1500"), D("60.0"), 1, D("300")),
        ("b", 3, D("700"), D("33.3"), 1, D("200")),
        ("c", 1, D("100"), D("100.0"), 0, D("0")),
        ("won", 1, D("100"), None, 0, D("0")),
    ]
    assert reports.funnel(user=actors["colleague"], kind=mini, **MARCH).deals == 0


def test_funnel_by_manager(dataset, mini, actors):
    funnel = reports.funnel(user=actors["admin"], kind=mini, manager=actors["outsider"].pk, **MARCH)
    assert [(r.code, r.reached) for r in funnel.rows] == [("a", 1), ("b", 1), ("c", 1), ("won", 0)]


def test_efficiency_by_manager(dataset, actors):
    report = reports.efficiency(user=actors["admin"], group_by="manager", **MARCH)

    by_name = {row.name: row for row in report.rows}
    owner = by_name[str(actors["owner"])]
    assert (owner.won, owner.won_amount, owner.lost, owner.lost_amount) == (
        1,
        D("100"),
        2,
        D("500"),
    )
    assert (owner.in_progress, owner.in_progress_amount) == (2, D("900"))
    assert owner.win_rate == D("33.3")
    assert owner.median_cycle_days == 10.0  # of 10, 20 and 5 days
    outsider = by_name[str(actors["outsider"])]
    assert (outsider.won, outsider.lost, outsider.in_progress, outsider.win_rate) == (0, 0, 1, None)
    total = report.total
    assert (total.won, total.lost, total.in_progress, total.win_rate) == (1, 2, 3, D("33.3"))
    assert total.median_cycle_days == 10.0


def test_efficiency_by_kind_and_access(dataset, mini, actors):
    report = reports.efficiency(user=actors["owner"], group_by="kind", **MARCH)
    [row] = report.rows
    assert (row.name, row.won, row.lost, row.in_progress) == ("Mini", 1, 2, 2)


def test_weighted_forecast(dataset, actors):
    report = reports.forecast(user=actors["admin"])

    assert [(r.month, r.deals, r.amount, r.weighted) for r in report.rows] == [
        # D4 at b (40 %): 160; D5 overridden to 10 %: 50
        (datetime.date(2026, 4, 1), 2, D("900.00"), D("210.00")),
        # D6 at c (60 %)
        (datetime.date(2026, 5, 1), 1, D("600.00"), D("360.00")),
        # D9 at a (20 %), no expected date
        (None, 1, D("1000.00"), D("200.00")),
    ]
    assert (report.total_amount, report.total_weighted) == (D("2500.00"), D("770.00"))


def test_weighted_forecast_follows_access_and_period(dataset, actors):
    mine = reports.forecast(user=actors["owner"])
    assert [(r.month, r.weighted) for r in mine.rows] == [
        (datetime.date(2026, 4, 1), D("210.00")),
        (None, D("200.00")),
    ]
    may = reports.forecast(
        user=actors["admin"],
        date_from=datetime.date(2026, 5, 1),
        date_to=datetime.date(2026, 5, 31),
    )
    assert [(r.month, r.deals) for r in may.rows] == [(datetime.date(2026, 5, 1), 1)]


def test_a_period_that_ends_before_it_starts_is_refused(actors):
    from ladoga.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as error:
        reports.efficiency(
            user=actors["admin"],
            date_from=datetime.date(2026, 3, 2),
            date_to=datetime.date(2026, 3, 1),
        )
    assert error.value.codes == ["deal_report_period_invalid"]


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("head", 200), ("admin", 200), ("claims", 200), ("portal", 403), (None, 401)],
)
@pytest.mark.parametrize("name", ["funnel", "deal-efficiency", "weighted-forecast"])
def test_report_api_permissions(api_as, mini, actor, status, name):
    response = api_as(actor).get(f"/api/v1/reports/{name}?kind={mini.pk}")
    assert response.status_code == status


def test_report_api_answers_the_hand_computed_rows(api_as, dataset, mini):
    body = (
        api_as("admin")
        .get(f"/api/v1/reports/funnel?kind={mini.pk}&date_from=2026-03-01&date_to=2026-03-31")
        .json()
    )
    assert body["deals"] == 6
    assert [(r["code"], r["reached"], r["conversion"]) for r in body["rows"]] == [
        ("a", 6, "66.7"),
        ("b", 4, "50.0"),
        ("c", 2, "50.0"),
        ("won", 1, None),
    ]
    forecast = api_as("owner").get("/api/v1/reports/weighted-forecast").json()
    assert forecast["total_weighted"] == "410.00"
    efficiency = (
        api_as("admin")
        .get(
            "/api/v1/reports/deal-efficiency?group_by=kind&date_from=2026-03-01&date_to=2026-03-31"
        )
        .json()
    )
    assert efficiency["total"]["win_rate"] == "33.3"


def test_report_api_bad_filters(api_as, non_process):
    client = api_as("admin")
    assert client.get("/api/v1/reports/funnel?format=pdf").json()["errors"][0]["code"] == (
        "export_format_unknown"
    )
    assert (
        client.get(f"/api/v1/reports/funnel?kind={non_process.pk}").json()["errors"][0]["code"]
        == "deal_report_kind_required"
    )
    assert client.get("/api/v1/reports/deal-efficiency?group_by=moon").status_code == 422


def test_exports_neutralise_formulas(api_as, dataset, mini):
    from openpyxl import load_workbook

    from ladoga.deals.models import LossReason

    LossReason.objects.filter(pk=dataset["D3"].loss_reason_id).update(name="=cmd|' /C calc'!A0")
    query = f"kind={mini.pk}&date_from=2026-03-01&date_to=2026-03-31"
    csv = api_as("admin").get(f"/api/v1/reports/funnel?{query}&format=csv")
    assert csv.status_code == 200
    assert csv["Content-Disposition"] == 'attachment; filename="funnel.csv"'
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "'=cmd|" in text
    assert "A,6,2100" in text.replace("\r", "")
    xlsx = api_as("admin").get(f"/api/v1/reports/funnel?{query}&format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    formula = next(c for c in cells if "cmd" in c.value)
    assert formula.data_type == "s"
    assert [c.value for c in sheet[2]][:3] == ["A", 6, 2100]


def test_the_running_totals_equal_a_rebuild_from_the_facts(dataset, actors, owner):
    from ladoga.deals import funnel
    from ladoga.deals.models import FunnelCell

    services.deal_update(
        deal=dataset["D4"],
        expected_version=None,
        by=owner,
        amount=D("450"),
        manager=actors["colleague"],
    )
    services.deal_update(deal=dataset["D5"], expected_version=None, by=owner, currency="EUR")
    services.deal_reopen(deal=dataset["D2"], by=actors["head"])

    def cells():
        return sorted(
            FunnelCell.objects.exclude(deals=0).values_list(
                "kind_id", "stage_id", "day", "manager_id", "currency", "measure", "reason_id",
                "deals", "amount",
            )
        )  # fmt: skip

    incremental = cells()
    funnel.rebuild()
    assert cells() == incremental
    assert FunnelCell.objects.filter(manager=actors["colleague"], deals=1).exists()
