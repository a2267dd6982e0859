"""`/healthz` for load balancers: the database and Redis, as JSON, without signing in."""

import socket

import pytest

from ladoga.core import health
from ladoga.core.models import SchedulerBeat


@pytest.fixture(autouse=True)
def fresh_redis_client():
    health._redis.cache_clear()
    yield
    health._redis.cache_clear()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthy_without_redis_and_shows_the_last_beat(client, db, settings):
    settings.REDIS_URL = ""
    SchedulerBeat.objects.create(worker="w:1")
    last = SchedulerBeat.objects.create(worker="w:2")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "not configured",
        "scheduler_last_beat": last.ran_at.isoformat(),
    }


def test_redis_that_answers_is_ok(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/10"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["redis"] == "ok"
    assert response.json()["scheduler_last_beat"] is None


def test_unreachable_redis_makes_the_server_unhealthy(client, db, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["redis"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_head_is_answered_and_writes_are_refused(client, db, settings):
    settings.REDIS_URL = ""

    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert not SchedulerBeat.objects.exists()


def test_behind_the_tls_proxy_the_health_check_is_not_redirected(client, db, settings):
    settings.REDIS_URL = ""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301
