"""The classification API: record-level access, filters, permissions, bad thresholds."""

from decimal import Decimal

import pytest

from ladoga.analytics import classification_services as services
from ladoga.analytics.models import ClassificationRun, ClassificationSettings

from .conftest import ON


@pytest.fixture
def classified(clients, admin_user):
    return services.classification_recompute(by=admin_user, on=ON)


def test_a_manager_lists_the_classes_of_their_own_clients_only(
    api_as, classified, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):  # token, user, count, rows: not per row
        response = api_as("owner").get("/api/v1/analytics/classification")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(i["partner_name"], i["label"]) for i in body["items"]] == [
        ("Steady", "AX"),
        ("Wavy", "AY"),
        ("Once", "BZ"),
    ]
    assert body["items"][0]["revenue"] == "1200.00"
    assert body["items"][0]["rfm"] == "champions"


def test_the_head_and_the_administrator_see_more(api_as, classified):
    assert api_as("head").get("/api/v1/analytics/classification").json()["count"] == 3
    assert api_as("admin").get("/api/v1/analytics/classification").json()["count"] == 5
    assert api_as("outsider").get("/api/v1/analytics/classification").json()["count"] == 2
    portal = api_as("portal").get("/api/v1/analytics/classification")
    assert portal.status_code != 200 or portal.json()["count"] == 0


def test_filter_by_class(api_as, classified):
    admin = api_as("admin")
    names = lambda r: [i["partner_name"] for i in r.json()["items"]]  # noqa: E731
    assert names(admin.get("/api/v1/analytics/classification?abc=a")) == [
        "Steady",
        "Wavy",
        "Seasonal",
    ]
    assert names(admin.get("/api/v1/analytics/classification?xyz=Z")) == ["Seasonal", "Once"]
    assert names(admin.get("/api/v1/analytics/classification?xyz=-")) == ["Returned"]
    assert names(admin.get("/api/v1/analytics/classification?rfm=lost")) == ["Returned"]


@pytest.mark.parametrize(
    "actor, status",
    [("admin", 201), ("head", 201), ("owner", 403), ("claims", 403), ("portal", 403), (None, 401)],
)
def test_recompute_permissions(api_as, clients, actor, status):
    response = api_as(actor).post("/api/v1/analytics/classification/recompute")
    assert response.status_code == status
    assert ClassificationRun.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["clients"] == ClassificationRun.objects.get().clients


def test_settings_read_and_write(api_as):
    assert api_as("owner").get("/api/v1/analytics/classification/settings").json()["months"] == 12
    payload = {
        "basis": "revenue",
        "a_share": "75",
        "b_share": "20",
        "c_share": "5",
        "months": 24,
        "x_limit": "12",
        "y_limit": "30",
        "stopped_factor": "2.5",
    }
    assert (
        api_as("owner").put("/api/v1/analytics/classification/settings", payload).status_code == 403
    )
    response = api_as("admin").put("/api/v1/analytics/classification/settings", payload)
    assert response.status_code == 200
    assert response.json()["months"] == 24
    assert ClassificationSettings.objects.get().a_share == Decimal("75")


def test_bad_thresholds_answer_422_listing_them_and_nothing_is_saved(api_as):
    payload = {
        "basis": "revenue",
        "a_share": "80",
        "b_share": "15",
        "c_share": "10",
        "months": 12,
        "x_limit": "30",
        "y_limit": "20",
    }
    response = api_as("admin").put("/api/v1/analytics/classification/settings", payload)

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("classification_shares_not_100", "c_share"),
        ("classification_xyz_limits_order", "y_limit"),
    ]
    assert response.json()["errors"][0]["message"] == "The A, B and C shares add up to 100 %."
    assert services.settings_current().c_share == 5 and services.settings_current().x_limit == 10


@pytest.mark.parametrize("actor, status", [("owner", 200), ("head", 200), ("outsider", 404)])
def test_a_partners_class(api_as, clients, classified, actor, status):
    response = api_as(actor).get(f"/api/v1/partners/{clients['steady'].pk}/class")
    assert response.status_code == status
    if status == 200:
        assert response.json() == {
            "partner_id": clients["steady"].pk,
            "abc": "A",
            "xyz": "X",
            "label": "AX",
            "since": "2026-04-15",
            "previous": "",
        }


def test_a_partner_never_classified_has_no_class(api_as, clients):
    assert api_as("owner").get(f"/api/v1/partners/{clients['steady'].pk}/class").status_code == 404
