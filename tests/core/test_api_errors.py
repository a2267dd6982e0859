"""Every API failure is an RFC 9457 problem document, and a refused change writes nothing."""

import pytest

from ladoga.accounts.models import User
from ladoga.accounts.services import token_create, token_revoke

PROBLEM = "application/problem+json"


def test_unknown_token_is_401_problem(api_as):
    response = api_as(None).get("/api/v1/me", headers={"Authorization": "Bearer ldg_nope"})

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Authentication required"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(actors, api_as):
    record, token = token_create(user=actors["owner"], name="soon revoked")
    headers = {"Authorization": f"Bearer {token}"}
    assert api_as(None).get("/api/v1/me", headers=headers).status_code == 200

    token_revoke(token=record)

    assert api_as(None).get("/api/v1/me", headers=headers).status_code == 401


def test_token_of_deactivated_user_is_401(actors, api_as):
    client = api_as("owner")
    User.objects.filter(pk=actors["owner"].pk).update(is_active=False)

    assert client.get("/api/v1/me").status_code == 401


def test_me_answers_with_etag(api_as, actors):
    response = api_as("owner").get("/api/v1/me")

    assert response.status_code == 200
    assert response["ETag"] == f'"{actors["owner"].version}"'
    assert response.json()["username"] == "owner"


def test_patch_without_if_match_is_428_and_changes_nothing(api_as, actors):
    response = api_as("owner").patch("/api/v1/me", {"first_name": "Changed"})

    assert response.status_code == 428
    assert response.json()["errors"][0]["code"] == "if_match_required"
    actors["owner"].refresh_from_db()
    assert actors["owner"].first_name == "Owner"


def test_patch_with_stale_version_is_412_and_changes_nothing(api_as, actors):
    client = api_as("owner")
    etag = client.get("/api/v1/me")["ETag"]
    assert (
        client.patch("/api/v1/me", {"last_name": "First"}, headers={"If-Match": etag}).status_code
        == 200
    )

    response = client.patch("/api/v1/me", {"last_name": "Second"}, headers={"If-Match": etag})

    assert response.status_code == 412
    assert response.json()["errors"][0]["code"] == "version_stale"
    actors["owner"].refresh_from_db()
    assert actors["owner"].last_name == "First"


def test_patch_with_current_version_changes_and_returns_new_etag(api_as, actors):
    client = api_as("owner")
    etag = client.get("/api/v1/me")["ETag"]

    response = client.patch("/api/v1/me", {"language": "ru"}, headers={"If-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["language"] == "ru"


def test_patch_with_invalid_values_lists_each_field_and_changes_nothing(api_as, actors):
    client = api_as("owner")
    etag = client.get("/api/v1/me")["ETag"]

    response = client.patch(
        "/api/v1/me",
        {"email": "not-an-address", "time_zone": "Mars/Olympus", "first_name": "X"},
        headers={"If-Match": etag},
    )

    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"email", "time_zone"}
    actors["owner"].refresh_from_db()
    assert actors["owner"].first_name == "Owner"
    assert f'"{actors["owner"].version}"' == etag


def test_malformed_json_is_400_naming_the_position(api_as, actors):
    client = api_as("owner")
    etag = client.get("/api/v1/me")["ETag"]

    response = client.patch("/api/v1/me", '{"first_name": "A",}', headers={"If-Match": etag})

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert "line 1, column 20" in body["detail"]
    assert body["errors"][0]["position"] == 19
    actors["owner"].refresh_from_db()
    assert actors["owner"].first_name == "Owner"


def test_schema_violation_is_422_with_fields(api_as):
    response = api_as(None).post("/api/v1/auth/token", {"username": "x"})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert {e["field"] for e in response.json()["errors"]} == {"password"}


def test_unknown_api_path_is_404_problem(api_as):
    response = api_as("owner").get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_wrong_method_is_405_problem_with_allow(api_as):
    response = api_as("owner").put("/api/v1/me", {})

    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert "PATCH" in response["Allow"]


def test_oversized_body_is_413_before_it_is_read(api_as, settings, actors):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api_as("owner")
    etag = client.get("/api/v1/me")["ETag"]

    response = client.patch("/api/v1/me", {"first_name": "x" * 2000}, headers={"If-Match": etag})

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    actors["owner"].refresh_from_db()
    assert actors["owner"].first_name == "Owner"


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/tokens", "/api/v1/users"])
def test_anonymous_requests_are_401(api_as, path):
    assert api_as(None).get(path).status_code == 401


def test_session_auth_works_for_the_browser(browser_as):
    response = browser_as("owner").get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == "owner"


def test_session_writes_need_csrf(actors):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(actors["owner"])

    response = client.patch(
        "/api/v1/me", "{}", content_type="application/json", headers={"If-Match": '"1"'}
    )

    assert response.status_code in {401, 403}


def test_if_match_star_means_any_version(api_as, actors):
    """RFC 9110: `If-Match: *` matches any current representation, so it is never 412."""
    client = api_as("owner")
    etag = client.get("/api/v1/me")["ETag"]
    client.patch("/api/v1/me", {"last_name": "First"}, headers={"If-Match": etag})

    response = client.patch("/api/v1/me", {"last_name": "Second"}, headers={"If-Match": "*"})

    assert response.status_code == 200
    actors["owner"].refresh_from_db()
    assert actors["owner"].last_name == "Second"
