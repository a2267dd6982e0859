"""Every registered report on the generic page, in the API and as CSV/XLSX; bad filters;
the old per-domain report addresses."""

import io
import json

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from ladoga.analytics.api import report_get
from ladoga.core.reports import REGISTRY

from .test_registry import REGISTERED

NAMES = sorted(REGISTERED)
# The deals and claims routers answer these addresses themselves (older, own shapes).
GENERIC_ADDRESSES = ["revenue-by-partner", "payment-discipline", "unprocessed-interactions"]


def generic(user, name, **query):
    """The generic API handler, also for the names whose address a domain answers."""
    request = RequestFactory().get(f"/api/v1/reports/{name}", query)
    request.user = user
    return report_get(request, name)


@pytest.mark.parametrize("actor", ["admin", "owner"])
@pytest.mark.parametrize("name", NAMES)
def test_every_report_page_renders(browser_as, sales_rows, name, actor):
    response = browser_as(actor).get(f"/reports/{name}/", {"date_from": "2026-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="report-filters"' in html
    assert str(REGISTRY[name].title) in html
    assert 'data-testid="report-table"' in html or 'data-testid="empty-state"' in html


def test_a_report_page_shows_chart_table_totals_and_downloads(browser_as, sales_rows):
    response = browser_as("admin").get("/reports/revenue-by-partner/", {**MARCH_QUERY})
    html = response.content.decode()
    assert 'data-testid="chart"' in html and 'role="img"' in html
    assert 'data-testid="report-table"' in html
    # Money: right-aligned, two decimals, grouped thousands (core.formats); percent: one decimal.
    assert '<td class="number nowrap">3,000.00</td>' in html
    assert '<td class="number nowrap">67.4</td>' in html
    assert 'class="level-2"' in html
    assert f'href="/partners/{sales_rows["outsider"].pk}/"' in html
    assert "format=csv" in html and "format=xlsx" in html


MARCH_QUERY = {"start": "2026-03-01", "end": "2026-03-31"}


def test_an_empty_report_says_so(browser_as, db, actors):
    response = browser_as("admin").get("/reports/revenue-by-partner/", MARCH_QUERY)
    assert 'data-testid="empty-state"' in response.content.decode()
    assert 'data-testid="report-table"' not in response.content.decode()


def test_the_report_page_reads_a_bounded_number_of_queries(
    browser_as, sales_rows, django_assert_max_num_queries
):
    client = browser_as("admin")
    for name in NAMES:
        with django_assert_max_num_queries(30):
            assert client.get(f"/reports/{name}/").status_code == 200


def test_unknown_report_is_not_found(browser_as, api_as):
    assert browser_as("admin").get("/reports/no-such-report/").status_code == 404
    assert api_as("admin").get("/api/v1/reports/no-such-report").status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_the_generic_api_answers_rows_for_every_report(actors, sales_rows, name):
    body = generic(actors["admin"], name, date_from="2026-01-01")
    assert body["name"] == name
    assert [c["key"] for c in body["columns"]]
    assert isinstance(body["rows"], list) and isinstance(body["totals"], list)
    json.dumps(body["filters"])  # JSON-safe


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", NAMES)
def test_every_report_downloads_with_its_header_row(browser_as, sales_rows, name, fmt):
    response = browser_as("admin").get(f"/reports/{name}/", {"format": fmt})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    headers = [str(c) for c in REGISTRY[name].table(_result(name, sales_rows)).headers()]
    if fmt == "csv":
        first = content.decode("utf-8-sig").splitlines()[0]
        assert first.split(",")[0] == headers[0]
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        assert next(sheet.iter_rows(max_row=1))[0].value == headers[0]


def _result(name, sales_rows):
    from ladoga.accounts.models import User

    report = REGISTRY[name]
    admin = User.objects.get(username="admin")
    form = report.filters({}, user=admin)
    return report.run(user=admin, **form.filters())


@pytest.mark.parametrize("name", GENERIC_ADDRESSES)
def test_the_api_address_answers_json_and_downloads(api_as, sales_rows, name):
    client = api_as("admin")
    response = client.get(f"/api/v1/reports/{name}", {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200
    assert response.json()["name"] == name
    csv = client.get(f"/api/v1/reports/{name}", {"format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    xlsx = client.get(f"/api/v1/reports/{name}", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert next(sheet.iter_rows(max_row=1))[0].value


def test_an_unknown_export_format_is_refused(api_as, db):
    response = api_as("admin").get("/api/v1/reports/revenue-by-partner", {"format": "pdf"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "export_format_unknown"


@pytest.mark.parametrize(
    "query, field",
    [
        ({"start": "2026-03-31", "end": "2026-03-01"}, "start"),
        ({"start": "yesterday"}, "start"),
        ({"start": "2026-03-01", "end": "2026-03-31", "compare": "never"}, "compare"),
        ({"manager": "abc"}, "manager"),
    ],
)
def test_bad_filters_are_a_422_naming_the_field(api_as, db, query, field):
    response = api_as("admin").get("/api/v1/reports/revenue-by-partner", query)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == {field}
    assert {e["code"] for e in errors} == {"report_filter_invalid"}


def test_an_inverted_period_is_shown_in_the_form(browser_as, db):
    response = browser_as("admin").get(
        "/reports/revenue-by-partner/", {"start": "2026-03-31", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The period starts after it ends." in html
    assert 'data-testid="report-table"' not in html


def test_a_manager_the_user_may_not_see_is_not_found(api_as, browser_as, actors):
    """A manager sees only their own figures: naming the outsider, or no one at all, is a
    404 — the report does not tell whether such a person exists."""
    outsider = actors["outsider"].pk
    client = api_as("owner")
    assert (
        client.get("/api/v1/reports/revenue-by-partner", {"manager": outsider}).status_code == 404
    )
    assert client.get("/api/v1/reports/revenue-by-partner", {"manager": 999999}).status_code == 404
    assert browser_as("owner").get("/reports/funnel/", {"manager": outsider}).status_code == 404
    assert (
        api_as("head")
        .get("/api/v1/reports/revenue-by-partner", {"manager": actors["owner"].pk})
        .status_code
        == 200
    )
    assert (
        api_as("head").get("/api/v1/reports/revenue-by-partner", {"manager": outsider}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "old, new",
    [
        ("/deals/reports/funnel/", "/reports/funnel/"),
        ("/deals/reports/efficiency/", "/reports/deal-efficiency/"),
        ("/deals/reports/forecast/", "/reports/weighted-forecast/"),
        ("/claims/reports/dynamics/", "/reports/claims-dynamics/"),
        ("/claims/reports/satisfaction/", "/reports/claims-satisfaction/"),
        ("/claims/reports/structure/", "/reports/claims-structure/"),
    ],
)
def test_the_old_report_addresses_lead_to_the_generic_page(browser_as, old, new):
    response = browser_as("owner").get(old, {"date_from": "2026-01-01"})
    assert response.status_code == 302
    assert response.url == f"{new}?date_from=2026-01-01"
