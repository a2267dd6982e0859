"""Saved report settings per user: the page's "Save as my default", the API, and bad
filters (nothing is saved)."""

import pytest

from ladoga.core.models import ReportSettings


def test_saved_filters_open_the_page(browser_as, actors, sales_rows):
    client = browser_as("admin")
    response = client.post(
        "/reports/revenue-by-partner/settings/", {"start": "2026-03-01", "end": "2026-03-31"}
    )
    assert response.status_code == 302
    assert response.url.startswith("/reports/revenue-by-partner/?")
    saved = ReportSettings.objects.get(user=actors["admin"], report="revenue-by-partner")
    assert saved.filters == {"start": "2026-03-01", "end": "2026-03-31"}

    html = client.get("/reports/revenue-by-partner/").content.decode()
    assert 'data-testid="saved-filters"' in html
    assert 'value="2026-03-01"' in html
    assert "4,450.50" in html  # March's total, not the last year's
    # Someone else's page is not affected.
    other = browser_as("head").get("/reports/revenue-by-partner/").content.decode()
    assert 'data-testid="saved-filters"' not in other


def test_saving_again_replaces_the_saved_filters(api_as, actors):
    client = api_as("owner")
    assert (
        client.put("/api/v1/reports/funnel/settings", {"date_from": "2026-01-01"}).status_code
        == 200
    )
    response = client.put("/api/v1/reports/funnel/settings", {"currency": "EUR"})
    assert response.json()["filters"] == {"currency": "EUR"}
    assert ReportSettings.objects.filter(user=actors["owner"]).count() == 1
    got = client.get("/api/v1/reports/funnel/settings").json()
    assert got["report"] == "funnel" and got["filters"] == {"currency": "EUR"}


def test_no_saved_settings_read_empty(api_as, db):
    body = api_as("owner").get("/api/v1/reports/payment-discipline/settings").json()
    assert body == {"report": "payment-discipline", "filters": {}, "updated_at": None}


@pytest.mark.parametrize(
    "filters, field",
    [
        ({"start": "2026-03-31", "end": "2026-03-01"}, "start"),
        ({"manager": "somebody"}, "manager"),
        ({"compare": "ages ago"}, "compare"),
    ],
)
def test_bad_filters_are_not_saved(api_as, actors, filters, field):
    response = api_as("owner").put("/api/v1/reports/revenue-by-partner/settings", filters)
    assert response.status_code == 422
    body = response.json()
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["code"] == "report_filter_invalid"
    assert not ReportSettings.objects.exists()


def test_a_manager_the_user_may_not_see_is_not_saved(api_as, browser_as, actors):
    outsider = actors["outsider"].pk
    response = api_as("owner").put(
        "/api/v1/reports/revenue-by-partner/settings", {"manager": outsider}
    )
    assert response.status_code == 404
    assert (
        browser_as("owner")
        .post("/reports/revenue-by-partner/settings/", {"manager": outsider})
        .status_code
        == 404
    )
    assert not ReportSettings.objects.exists()


def test_the_page_refuses_bad_filters_with_a_message(browser_as, actors):
    response = browser_as("owner").post(
        "/reports/revenue-by-partner/settings/",
        {"start": "2026-03-31", "end": "2026-03-01"},
        follow=True,
    )
    assert "The period starts after it ends." in response.content.decode()
    assert not ReportSettings.objects.exists()


def test_settings_of_unknown_reports_are_not_found(api_as, db):
    assert api_as("owner").put("/api/v1/reports/nope/settings", {}).status_code == 404
    assert not ReportSettings.objects.exists()
