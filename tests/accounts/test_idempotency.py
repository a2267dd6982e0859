"""S5: a POST sent again with the same Idempotency-Key replays the first answer instead of
creating a second record; the same key with another body is refused."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from ladoga.accounts.models import IdempotentRequest
from ladoga.accounts.services import idempotent_requests_prune, token_create
from ladoga.partners.models import Partner

NEW = {"name": "Новая фирма", "roles": ["client"]}


def test_a_retry_with_the_same_key_replays_the_first_answer(api_as, actors):
    client = api_as("owner")

    first = client.post("/api/v1/partners", NEW, headers={"Idempotency-Key": "k-1"})
    again = client.post("/api/v1/partners", NEW, headers={"Idempotency-Key": "k-1"})

    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Partner.objects.filter(name="Новая фирма").count() == 1


def test_the_same_key_with_another_body_is_422_and_writes_nothing(api_as, actors):
    client = api_as("owner")
    client.post("/api/v1/partners", NEW, headers={"Idempotency-Key": "k-1"})

    response = client.post(
        "/api/v1/partners", {**NEW, "name": "Другая"}, headers={"Idempotency-Key": "k-1"}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert "another request" in response.json()["errors"][0]["message"]
    assert not Partner.objects.filter(name="Другая").exists()


def test_keys_are_per_user(api_as, actors):
    api_as("owner").post("/api/v1/partners", NEW, headers={"Idempotency-Key": "k-1"})

    response = api_as("colleague").post(
        "/api/v1/partners", {**NEW, "name": "Своя"}, headers={"Idempotency-Key": "k-1"}
    )

    assert response.status_code == 201
    assert response.json()["name"] == "Своя"


def test_without_a_key_every_post_creates(api_as, actors):
    client = api_as("owner")
    client.post("/api/v1/partners", NEW)
    client.post("/api/v1/partners", NEW)

    assert Partner.objects.filter(name="Новая фирма").count() == 2
    assert not IdempotentRequest.objects.exists()


def test_a_refused_request_is_replayed_too(api_as, actors):
    client = api_as("owner")
    bad = {"name": " ", "roles": ["client"]}

    first = client.post("/api/v1/partners", bad, headers={"Idempotency-Key": "k-2"})
    again = client.post("/api/v1/partners", bad, headers={"Idempotency-Key": "k-2"})

    assert first.status_code == 422
    assert again.status_code == 422
    assert again.json() == first.json()


def test_an_expired_key_may_be_used_again_and_is_pruned(api_as, actors):
    client = api_as("owner")
    client.post("/api/v1/partners", NEW, headers={"Idempotency-Key": "k-1"})
    IdempotentRequest.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))

    response = client.post("/api/v1/partners", NEW, headers={"Idempotency-Key": "k-1"})
    assert response.status_code == 201
    assert Partner.objects.filter(name="Новая фирма").count() == 2
    IdempotentRequest.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))

    assert idempotent_requests_prune() == 1
    assert not IdempotentRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_record(actors):
    token = token_create(user=actors["owner"], name="tests")[1]
    start = threading.Barrier(6)
    statuses = []

    def send():
        try:
            start.wait()
            response = Client().post(
                "/api/v1/partners",
                NEW,
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "same"},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Partner.objects.filter(name="Новая фирма").count() == 1
    assert set(statuses) <= {201, 409}
    assert 201 in statuses


def test_the_schema_documents_the_header_on_creating_posts(db):
    from ladoga.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    names = [p["name"] for p in paths["/api/v1/partners"]["post"].get("parameters", [])]

    assert "Idempotency-Key" in names
    token = [p["name"] for p in paths["/api/v1/auth/token"]["post"].get("parameters", [])]
    assert "Idempotency-Key" not in token
