"""The scheduler runs once (docs/deploy.md): with several `ladoga worker` processes on one
Redis, each periodic task is enqueued once per minute, whoever's scheduler asks first."""

import datetime
import os
import secrets

import pytest
import redis
from django.utils import timezone
from huey import crontab

from ladoga.core import services
from ladoga.core.models import SchedulerBeat
from ladoga.core.scheduling import TICK_CLAIM_SECONDS, OncePerTickRedisHuey
from ladoga.core.tasks import scheduler_beat

REDIS_URL = "redis://127.0.0.1:6379/10"
TICK = datetime.datetime(2026, 12, 3, 12, 30, 5)


@pytest.fixture
def queue_name():
    name = f"ladoga-test-{secrets.token_hex(6)}"
    yield name
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"huey.*{name}*"):
        connection.delete(key)


def _scheduler(name: str) -> OncePerTickRedisHuey:
    """One consumer's view of the shared queue, with the same two periodic tasks."""
    huey = OncePerTickRedisHuey(name, url=REDIS_URL, immediate=False)

    @huey.periodic_task(crontab(minute="*"), name="every_minute")
    def every_minute():
        pass

    @huey.periodic_task(crontab(minute="0"), name="hourly")
    def hourly():
        pass

    try:
        huey.storage.conn.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    return huey


def _names(tasks) -> list[str]:
    return sorted(type(task).__name__ for task in tasks)


def test_two_schedulers_enqueue_a_tick_once(queue_name):
    first, second = _scheduler(queue_name), _scheduler(queue_name)

    assert _names(first.read_periodic(TICK)) == ["every_minute"]
    assert _names(second.read_periodic(TICK.replace(second=40))) == []  # same minute, later
    assert _names(first.read_periodic(TICK)) == []  # asking twice does not help either


def test_the_next_minute_is_a_new_tick(queue_name):
    first, second = _scheduler(queue_name), _scheduler(queue_name)
    first.read_periodic(TICK)

    assert _names(second.read_periodic(TICK + datetime.timedelta(minutes=1))) == ["every_minute"]
    assert _names(second.read_periodic(TICK.replace(hour=13, minute=0))) == [
        "every_minute",
        "hourly",
    ]


def test_queues_of_other_names_do_not_share_ticks(queue_name):
    ours, theirs = _scheduler(queue_name), _scheduler(queue_name + "-other")
    try:
        assert _names(ours.read_periodic(TICK)) == ["every_minute"]
        assert _names(theirs.read_periodic(TICK)) == ["every_minute"]
    finally:
        theirs.storage.flush_all()


def test_a_claim_expires_on_its_own(queue_name):
    huey = _scheduler(queue_name)
    huey.read_periodic(TICK)

    keys = list(huey.storage.conn.scan_iter(f"huey.periodic.{queue_name}.*"))
    assert len(keys) == 1
    assert 0 < huey.storage.conn.ttl(keys[0]) <= TICK_CLAIM_SECONDS


def test_the_beat_records_a_run_and_forgets_old_ones(db):
    old = SchedulerBeat.objects.create(worker="gone:1")
    SchedulerBeat.objects.filter(pk=old.pk).update(
        ran_at=timezone.now() - services.SCHEDULER_BEATS_KEPT - datetime.timedelta(minutes=1)
    )
    recent = SchedulerBeat.objects.create(worker="here:2")

    scheduler_beat()  # the suite runs tasks immediately

    beats = list(SchedulerBeat.objects.order_by("ran_at"))
    assert beats[0] == recent
    assert len(beats) == 2
    assert beats[1].worker.endswith(f":{os.getpid()}")
