"""The report registry as the domains fill it, and the Reports menu and API list."""

import pytest

from ladoga.core.reports import REGISTRY, Report, ReportForm, Section, register, reports_for

REGISTERED = {
    "funnel",
    "deal-efficiency",
    "weighted-forecast",
    "claims-dynamics",
    "claims-satisfaction",
    "claims-structure",
    "revenue-by-partner",
    "payment-discipline",
    "unprocessed-interactions",
}


def test_every_existing_report_is_registered_once_with_a_description():
    assert set(REGISTRY) >= REGISTERED
    for name in REGISTERED:
        report = REGISTRY[name]
        assert str(report.title) and str(report.description)
        assert issubclass(report.filters, ReportForm)
        assert report.chart is not None


def test_a_second_different_report_under_a_name_is_refused():
    funnel = REGISTRY["funnel"]
    with pytest.raises(ValueError):
        register(Report(**{**funnel.__dict__, "section": Section.SALES}))
    assert REGISTRY["funnel"] is funnel


def test_the_menu_order_is_by_section(actors):
    names = [r.name for r in reports_for(actors["admin"])]
    sections = [REGISTRY[n].section for n in names]
    order = list(Section)
    assert sections == sorted(sections, key=order.index)
    assert reports_for(actors["portal"]) == []


def test_the_reports_page_lists_every_report_by_section(browser_as):
    response = browser_as("owner").get("/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in REGISTERED:
        assert f'href="/reports/{name}/"' in html
        assert str(REGISTRY[name].description) in html
    assert 'data-section="sales"' in html and 'data-section="claims"' in html


def test_the_navigation_no_longer_calls_reports_soon(browser_as):
    html = browser_as("owner").get("/").content.decode()
    assert 'href="/reports/"' in html
    assert "/soon/reports/" not in html


def test_the_api_lists_the_reports_the_caller_may_open(api_as):
    response = api_as("owner").get("/api/v1/reports")
    assert response.status_code == 200
    found = {r["name"]: r for r in response.json()}
    assert set(found) >= REGISTERED
    assert found["funnel"]["section"] == "deals"
    assert found["revenue-by-partner"]["title"] == "Revenue by partner"


def test_portal_clients_and_strangers_get_no_reports(api_as, browser_as):
    # Portal clients use the portal, never the staff API.
    assert api_as("portal").get("/api/v1/reports").status_code == 403
    assert api_as(None).get("/api/v1/reports").status_code == 401
    # The portal middleware sends portal clients to their own pages before any report.
    response = browser_as("portal").get("/reports/revenue-by-partner/")
    assert response.status_code == 302 and response.url == "/portal/"


def test_a_report_the_user_may_not_open_is_not_found(actors):
    from django.http import Http404

    from ladoga.analytics.reports_views import report_or_404

    with pytest.raises(Http404):
        report_or_404(actors["portal"], "funnel")
    with pytest.raises(Http404):
        report_or_404(actors["admin"], "no-such-report")
    assert report_or_404(actors["admin"], "funnel") is REGISTRY["funnel"]
