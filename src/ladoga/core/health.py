"""`/healthz`: is this app server fit to take requests? For load balancers and monitoring.

No sign-in, no session, no template: one `SELECT 1`, one Redis PING when Redis is configured,
and the time of the scheduler's last beat (one indexed row). 200 when the database and Redis
answer, 503 otherwise. A missing scheduler beat does not make an app server unhealthy (it can
serve without one) but is shown, so monitoring can warn that no `ladoga worker` schedules.
"""

import functools

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .models import SchedulerBeat

REDIS_TIMEOUT_SECONDS = 2


@functools.cache
def _redis():
    import redis

    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
    )


def _database() -> tuple[str, str | None]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat = SchedulerBeat.objects.order_by("-ran_at").values_list("ran_at", flat=True).first()
    except DatabaseError:
        return "unavailable", None
    return "ok", beat.isoformat() if beat else None


def _redis_state() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        _redis().ping()
    except Exception:  # any failure (refused, timeout, auth) means Redis cannot be used
        return "unavailable"
    return "ok"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database, last_beat = _database()
    redis_state = _redis_state()
    healthy = database == "ok" and redis_state in {"ok", "not configured"}
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database,
            "redis": redis_state,
            "scheduler_last_beat": last_beat,
        },
        status=200 if healthy else 503,
    )
