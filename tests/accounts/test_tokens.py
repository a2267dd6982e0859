import hashlib

import pytest

from ladoga.accounts.models import ApiToken
from ladoga.accounts.services import token_create, token_use


def test_token_is_stored_hashed_and_shown_once(owner):
    record, token = token_create(user=owner, name="integration")

    assert token.startswith("ldg_")
    stored = ApiToken.objects.get(pk=record.pk)
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.prefix == token[:12]


def test_using_a_token_notes_when(owner):
    record, token = token_create(user=owner)
    assert record.last_used_at is None

    assert token_use(token=token) == owner

    record.refresh_from_db()
    assert record.last_used_at is not None


def test_obtain_token_with_password(api_as, actors):
    response = api_as(None).post(
        "/api/v1/auth/token",
        {"username": "owner", "password": "correct horse battery staple", "name": "script"},
    )

    assert response.status_code == 201
    token = response.json()["token"]
    me = api_as(None).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "owner"


def test_obtain_token_with_wrong_password_is_refused_and_creates_nothing(api_as, actors):
    response = api_as(None).post("/api/v1/auth/token", {"username": "owner", "password": "wrong"})

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "credentials_invalid"
    assert not ApiToken.objects.filter(user=actors["owner"]).exists()


def test_token_endpoint_is_throttled_after_repeated_failures(api_as, actors, settings):
    client = api_as(None)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/api/v1/auth/token", {"username": "owner", "password": "wrong"})

    response = client.post(
        "/api/v1/auth/token",
        {"username": "owner", "password": "correct horse battery staple"},
    )

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "login_throttled"
    assert not ApiToken.objects.filter(user=actors["owner"]).exists()


def test_list_and_revoke_own_tokens(api_as, actors):
    client = api_as("owner")
    listed = client.get("/api/v1/tokens").json()
    assert listed["count"] == 1
    token_id = listed["items"][0]["id"]
    assert "token" not in listed["items"][0]
    assert "key_hash" not in listed["items"][0]

    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_cannot_revoke_someone_elses_token(api_as, actors):
    other, _token = token_create(user=actors["outsider"])

    response = api_as("owner").delete(f"/api/v1/tokens/{other.pk}")

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


@pytest.mark.parametrize(
    "actor, status", [("owner", 200), ("head", 200), ("admin", 200), ("portal", 403), (None, 401)]
)
def test_users_list_permissions(api_as, actor, status):
    response = api_as(actor).get("/api/v1/users")
    assert response.status_code == status
    if status == 200:
        assert response.json()["count"] == 6
