"""The classification pages: the matrix, the list behind a cell, recompute, settings, the
partner card; a manager sees only their own clients."""

from decimal import Decimal

import pytest

from ladoga.analytics import classification_services as services
from ladoga.analytics.models import ClassificationRun

from .conftest import ON


@pytest.fixture
def classified(clients, admin_user):
    return services.classification_recompute(by=admin_user, on=ON)


def test_the_matrix_counts_the_clients_the_user_may_see(
    browser_as, classified, django_assert_max_num_queries
):
    with django_assert_max_num_queries(24):  # the base page's own, then 3: not per cell
        page = browser_as("owner").get("/analytics/classes/")

    assert page.status_code == 200
    cells = page.context["matrix"].cells
    assert (cells["AX"].clients, cells["AY"].clients, cells["BZ"].clients) == (1, 1, 1)
    assert cells["AZ"].clients == 0 and page.context["matrix"].clients == 3
    assert cells["AX"].revenue == Decimal("1200")
    assert round(cells["BZ"].share, 2) == Decimal("11.11")  # 300 of the 2,700 the owner sees
    assert b'href="/analytics/classes/list/?abc=A&amp;xyz=X"' in page.content
    assert b"classes-recompute" not in page.content

    admin = browser_as("admin").get("/analytics/classes/").context["matrix"]
    assert (admin.cells["AZ"].clients, admin.cells["C"].clients, admin.clients) == (1, 1, 5)


def test_the_administrators_matrix_is_the_one_stored_with_the_run(
    browser_as, classified, admin_user, django_assert_max_num_queries
):
    from ladoga.analytics.classification_queries import abc_xyz_matrix

    assert (
        classified.cells["AZ"] == [1, "900.00"]
        and sum(clients for clients, _ in classified.cells.values()) == classified.clients
    )
    stored = abc_xyz_matrix(user=admin_user)
    ClassificationRun.objects.filter(pk=classified.pk).update(cells={})  # as a run before it
    grouped = abc_xyz_matrix(user=admin_user)
    assert stored.cells == grouped.cells and stored.revenue == grouped.revenue


def test_the_list_behind_a_cell(browser_as, classified):
    page = browser_as("owner").get("/analytics/classes/list/?abc=A")
    names = [row["cells"][0]["value"] for row in page.context["rows"]]
    assert names == ["Steady", "Wavy"]
    outsider = browser_as("outsider").get("/analytics/classes/list/?abc=A&xyz=X")
    assert outsider.context["rows"] == []


def test_recompute_asks_first_and_is_for_heads_and_administrators(browser_as, clients):
    assert browser_as("owner").get("/analytics/classes/recompute/").status_code == 403
    assert browser_as("owner").post("/analytics/classes/recompute/").status_code == 403
    confirm = browser_as("head").get("/analytics/classes/recompute/")
    assert confirm.status_code == 200 and b"recompute-confirm" in confirm.content
    assert not ClassificationRun.objects.exists()

    done = browser_as("head").post("/analytics/classes/recompute/")

    assert done.status_code == 302 and ClassificationRun.objects.count() == 1


def test_the_settings_form_refuses_bad_thresholds_and_saves_good_ones(browser_as):
    data = {
        "basis": "revenue",
        "a_share": "80",
        "b_share": "15",
        "c_share": "10",
        "months": "12",
        "x_limit": "10",
        "y_limit": "25",
        "stopped_factor": "3",
    }
    page = browser_as("admin").post("/analytics/classes/settings/", data)
    assert page.status_code == 200
    assert page.context["form"].errors == {"c_share": ["The A, B and C shares add up to 100 %."]}
    assert services.settings_current().c_share == 5

    assert browser_as("owner").post("/analytics/classes/settings/", data).status_code == 403
    saved = browser_as("admin").post(
        "/analytics/classes/settings/", {**data, "c_share": "5", "months": "6"}
    )
    assert saved.status_code == 302 and services.settings_current().months == 6


def test_the_partner_card_shows_the_class_since_and_before(browser_as, clients, classified, ship):
    page = browser_as("owner").get(f"/partners/{clients['steady'].pk}/")
    assert b'data-testid="client-class"' in page.content
    assert "AX</span> since April 2026" in page.content.decode()

    import datetime

    ship(clients["steady"], datetime.date(2026, 4, 20), "5000")
    services.classification_recompute(on=datetime.date(2026, 5, 3))
    page = browser_as("owner").get(f"/partners/{clients['steady'].pk}/")
    assert "BZ</span> since May 2026; was AX" in page.content.decode()


def test_reports_pages_and_export(browser_as, classified):
    rfm = browser_as("owner").get("/analytics/classes/reports/rfm/")
    assert rfm.status_code == 200
    assert [row["cells"][0]["value"] for row in rfm.context["rows"] if not row["level"]] == [
        "Steady",
        "Wavy",
        "Once",
    ]
    csv = browser_as("owner").get("/analytics/classes/reports/rfm/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    content = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Steady" in content and "Seasonal" not in content
    assert browser_as("owner").get("/analytics/classes/reports/nope/").status_code == 404
    portal = browser_as("portal").get("/analytics/classes/")
    assert (portal.status_code, portal.get("Location")) == (302, "/portal/")
