"""The claim reports (C5) against a small dataset whose figures were worked out by hand.

Departments: A = "Sales", B = "Other sales". Reasons: "Late delivery", "Defect", "Price".
Period: January–March 2026. Claims (date, department, reason, resolved on, resolution):

    c0 2025-12-10 A late   —                      (open when the period starts)
    c1 2025-12-15 B defect 2025-12-20 satisfied   (closed before the period)
    c2 2025-12-20 A defect 2026-01-15 rejected    (open at the start, resolved in January)
    c3 2026-01-05 A late   2026-02-10 satisfied
    c4 2026-01-20 B price  —                      (the outsider's partner)
    c5 2026-02-03 A late   2026-02-25 partly
    c6 2026-02-14 — —      —
    c7 2026-03-01 B defect 2026-03-05 satisfied   (the outsider's partner)
    c8 2026-03-30 A defect 2026-04-02 satisfied   (resolved after the period)
    c9 2026-04-05 A late   —                      (after the period)
"""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from openpyxl import load_workbook

from ladoga.claims import reports
from ladoga.claims.services import claim_transition
from ladoga.core.errors import ValidationFailed

D = datetime.date
PERIOD = {"date_from": D(2026, 1, 1), "date_to": D(2026, 3, 31)}
MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def dataset(claim_factory, partner, other_partner, outsider, owner, departments, reasons):
    a, b = departments["sales"], departments["other"]
    late, defect, price = reasons["late"], reasons["defect"], reasons["price"]
    rows = [
        ("c0", partner, D(2025, 12, 10), a, late, None, None),
        ("c1", partner, D(2025, 12, 15), b, defect, D(2025, 12, 20), "satisfied"),
        ("c2", partner, D(2025, 12, 20), a, defect, D(2026, 1, 15), "rejected"),
        ("c3", partner, D(2026, 1, 5), a, late, D(2026, 2, 10), "satisfied"),
        ("c4", other_partner, D(2026, 1, 20), b, price, None, None),
        ("c5", partner, D(2026, 2, 3), a, late, D(2026, 2, 25), "partly"),
        ("c6", partner, D(2026, 2, 14), None, None, None, None),
        ("c7", other_partner, D(2026, 3, 1), b, defect, D(2026, 3, 5), "satisfied"),
        ("c8", partner, D(2026, 3, 30), a, defect, D(2026, 4, 2), "satisfied"),
        ("c9", partner, D(2026, 4, 5), a, late, None, None),
    ]
    claims = {}
    for name, who, date, department, reason, resolved, resolution in rows:
        by = outsider if who == other_partner else owner
        claim = claim_factory(
            who, by=by, date=date, culprit_department=department, reason=reason, essence=name
        )
        if resolved:
            at = datetime.datetime.combine(resolved, datetime.time(12), tzinfo=MSK)
            claim = claim_transition(claim=claim, status="investigating", by=by, at=at)
            claim = claim_transition(
                claim=claim, status="resolved", resolution=resolution, result="Done", by=by, at=at
            )
        claims[name] = claim
    return claims


def figures(rows):
    return [(f"{r.month:%Y-%m}", r.department, r.registered, r.resolved, r.open) for r in rows]


def test_dynamics_by_month_and_department(dataset, actors):
    report = reports.claims_dynamics(user=actors["claims"], **PERIOD)

    assert figures(report.rows) == [
        ("2026-01", "Other sales", 1, 0, 1),
        ("2026-02", "Other sales", 0, 0, 1),
        ("2026-03", "Other sales", 1, 1, 1),
        ("2026-01", "Sales", 1, 1, 2),
        ("2026-02", "Sales", 1, 2, 1),
        ("2026-03", "Sales", 1, 0, 2),
        ("2026-01", "Not specified", 0, 0, 0),
        ("2026-02", "Not specified", 1, 0, 1),
        ("2026-03", "Not specified", 0, 0, 1),
    ]
    assert [(r.registered, r.resolved, r.open) for r in report.totals] == [
        (2, 1, 3),
        (2, 2, 3),
        (2, 1, 4),
    ]


def test_dynamics_goes_through_record_level_access(dataset, actors):
    report = reports.claims_dynamics(user=actors["outsider"], **PERIOD)
    assert [(r.registered, r.resolved, r.open) for r in report.totals] == [
        (1, 0, 1),
        (0, 0, 1),
        (1, 1, 1),
    ]
    nothing = reports.claims_dynamics(user=actors["colleague"], **PERIOD)
    assert nothing.rows == []
    assert [(r.registered, r.resolved, r.open) for r in nothing.totals] == [(0, 0, 0)] * 3


def test_dynamics_filtered_by_department_and_reason(dataset, actors, departments, reasons):
    report = reports.claims_dynamics(
        user=actors["admin"],
        department=departments["sales"].pk,
        reason=reasons["late"].pk,
        **PERIOD,
    )
    # A + late: c0 open at the start, c3 (Jan, resolved Feb), c5 (Feb, resolved Feb).
    assert [(r.registered, r.resolved, r.open) for r in report.totals] == [
        (1, 0, 2),
        (1, 2, 1),
        (0, 0, 1),
    ]


def test_satisfaction_by_reason(dataset, actors):
    report = reports.claims_satisfaction(user=actors["claims"], **PERIOD)

    assert [(r.reason, r.total, r.satisfied, r.partly, r.rejected) for r in report.rows] == [
        ("Defect", 2, 1, 0, 1),
        ("Late delivery", 2, 1, 1, 0),
    ]
    defect, late = report.rows
    assert (defect.satisfied_share, defect.partly_share, defect.rejected_share) == (
        Decimal("50.0"),
        Decimal("0.0"),
        Decimal("50.0"),
    )
    assert late.partly_share == Decimal("50.0")
    total = report.total
    assert (total.total, total.satisfied, total.partly, total.rejected) == (4, 2, 1, 1)
    assert (total.satisfied_share, total.partly_share, total.rejected_share) == (
        Decimal("50.0"),
        Decimal("25.0"),
        Decimal("25.0"),
    )


def test_satisfaction_through_access(dataset, actors):
    report = reports.claims_satisfaction(user=actors["outsider"], **PERIOD)
    assert [(r.reason, r.total, r.satisfied) for r in report.rows] == [("Defect", 1, 1)]
    assert report.total.satisfied_share == Decimal("100.0")


def test_structure_department_by_reason(dataset, actors, departments, reasons):
    report = reports.claims_structure(user=actors["claims"], **PERIOD)

    assert [name for _id, name in report.departments] == ["Other sales", "Sales", "Not specified"]
    assert [name for _id, name in report.reasons] == [
        "Defect",
        "Late delivery",
        "Price",
        "Not specified",
    ]
    assert [(row["name"], row["cells"], row["total"]) for row in report.matrix()] == [
        ("Other sales", [1, 0, 1, 0], 2),
        ("Sales", [1, 2, 0, 0], 3),
        ("Not specified", [0, 0, 0, 1], 1),
    ]
    assert report.total == 6
    assert report.reason_total(reasons["late"].pk) == 2
    with translation.override("en"):
        headers, rows = report.table()
    assert headers[0] == "Department" and headers[-1] == "Total"
    assert rows[-1] == ["Total", 2, 2, 1, 1, 6]


def test_structure_for_the_head_counts_what_the_head_sees(dataset, actors):
    # The head of Sales sees the owner's partner's claims (department scope) and the claims
    # against Sales; the outsider's claims are against "Other sales": not seen.
    report = reports.claims_structure(user=actors["head"], **PERIOD)
    assert report.total == 4


def test_a_period_that_ends_before_it_starts_is_refused(actors):
    with pytest.raises(ValidationFailed) as error:
        reports.claims_dynamics(
            user=actors["admin"], date_from=D(2026, 3, 1), date_to=D(2026, 1, 1)
        )
    assert error.value.codes == ["claim_report_period_invalid"]


def test_the_default_period_is_the_last_twelve_months():
    period = reports.period_default(D(2026, 5, 17))
    assert (period.date_from, period.date_to) == (D(2025, 6, 1), D(2026, 5, 17))
    assert len(period.months) == 12


# --- The API and the exports ---------------------------------------------------------


@pytest.mark.parametrize("name", ["claims-dynamics", "claims-satisfaction", "claims-structure"])
@pytest.mark.parametrize(
    "actor, status",
    [
        ("owner", 200),
        ("head", 200),
        ("admin", 200),
        ("claims", 200),
        ("outsider", 200),
        ("portal", 403),
        (None, 401),
    ],
)
def test_report_endpoint_permissions(api_as, name, actor, status):
    response = api_as(actor).get(f"/api/v1/reports/{name}")
    assert response.status_code == status


def test_dynamics_api(api_as, dataset):
    response = api_as("claims").get(
        "/api/v1/reports/claims-dynamics", {"date_from": "2026-01-01", "date_to": "2026-03-31"}
    )
    assert response.status_code == 200
    body = response.json()
    assert [(t["month"], t["registered"], t["resolved"], t["open"]) for t in body["totals"]] == [
        ("2026-01", 2, 1, 3),
        ("2026-02", 2, 2, 3),
        ("2026-03", 2, 1, 4),
    ]
    assert len(body["rows"]) == 9


def test_satisfaction_api(api_as, dataset):
    body = (
        api_as("claims")
        .get(
            "/api/v1/reports/claims-satisfaction",
            {"date_from": "2026-01-01", "date_to": "2026-03-31"},
        )
        .json()
    )
    assert body["total"]["satisfied_share"] == "50.0"
    assert [r["reason"] for r in body["rows"]] == ["Defect", "Late delivery"]


def test_structure_api(api_as, dataset, departments, reasons):
    body = (
        api_as("claims")
        .get(
            "/api/v1/reports/claims-structure", {"date_from": "2026-01-01", "date_to": "2026-03-31"}
        )
        .json()
    )
    cells = {(c["department_id"], c["reason_id"]): c["count"] for c in body["cells"]}
    assert cells[(departments["sales"].pk, reasons["late"].pk)] == 2
    assert cells[(None, None)] == 1
    assert body["total"] == 6


def test_report_api_refuses_an_inverted_period(api_as):
    response = api_as("admin").get(
        "/api/v1/reports/claims-structure", {"date_from": "2026-03-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "claim_report_period_invalid"


def test_report_api_refuses_an_unknown_format(api_as):
    response = api_as("admin").get("/api/v1/reports/claims-structure", {"format": "pdf"})
    assert response.status_code == 422


def test_csv_export(api_as, dataset):
    response = api_as("claims").get(
        "/api/v1/reports/claims-structure",
        {"date_from": "2026-01-01", "date_to": "2026-03-31", "format": "csv"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="claims-structure.csv"' in response["Content-Disposition"]
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert lines[0] == "Department,Defect,Late delivery,Price,Not specified,Total"
    assert lines[-1] == "Total,2,2,1,1,6"


def test_xlsx_export(api_as, dataset):
    response = api_as("claims").get(
        "/api/v1/reports/claims-satisfaction",
        {"date_from": "2026-01-01", "date_to": "2026-03-31", "format": "xlsx"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Reason"
    assert rows[1][:5] == ("Defect", 2, 1, 0, 1)
    assert rows[-1][:2] == ("All reasons", 4)


def test_exports_neutralise_formulas(api_as, claim_factory, partner, actors):
    from ladoga.claims.services import claim_reason_create

    evil = claim_reason_create(name='=HYPERLINK("http://evil","x")')
    claim_factory(partner, reason=evil)

    csv_body = (
        api_as("owner")
        .get("/api/v1/reports/claims-structure", {"format": "csv"})
        .getvalue()
        .decode("utf-8-sig")
    )
    assert "'=HYPERLINK" in csv_body
    assert "\n=HYPERLINK" not in csv_body and ",=HYPERLINK" not in csv_body

    response = api_as("owner").get("/api/v1/reports/claims-structure", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    header = [cell for cell in sheet[1]]
    evil_cell = next(c for c in header if "HYPERLINK" in str(c.value))
    assert evil_cell.data_type == "s"


def test_export_cell_rules():
    from ladoga.core.exports import cell_safe

    assert cell_safe("=1+1") == "'=1+1"
    assert cell_safe("+7 999") == "'+7 999"
    assert cell_safe("-x") == "'-x"
    assert cell_safe("@SUM(A1)") == "'@SUM(A1)"
    assert cell_safe("\tcmd") == "'\tcmd"
    assert cell_safe("plain") == "plain"
    assert cell_safe(-5) == -5
