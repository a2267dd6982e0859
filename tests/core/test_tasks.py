"""The background-work runtime (X7): the embedded SQLite queue consumed by `ladoga worker`,
and Redis chosen by LADOGA_REDIS_URL. The suite itself runs tasks immediately; these tests
start real processes with a queue of their own."""

import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from huey import RedisHuey

LADOGA = Path(sys.executable).with_name("ladoga")
REDIS_URL = os.environ.get("LADOGA_REDIS_URL") or "redis://127.0.0.1:6379/0"


def _env(home: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LADOGA_")}
    return env | {"LADOGA_HOME": str(home), **extra}


def _ladoga(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(LADOGA), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _shell(env: dict, code: str) -> str:
    return _ladoga(env, "manage", "shell", "--no-imports", "-c", code)


def _usernames(home: Path) -> list[str]:
    with sqlite3.connect(home / "ladoga.sqlite3") as conn:
        return [r[0] for r in conn.execute("SELECT username FROM accounts_loginfailure")]


def test_worker_consumes_a_task_from_the_sqlite_queue(tmp_path, migrated_sqlite):
    from tests.test_cli import home_migrated

    home = tmp_path / "home"
    env = home_migrated(_env(home), migrated_sqlite)
    queued = _shell(
        env,
        "import datetime\n"
        "from django.utils import timezone\n"
        "from huey.contrib.djhuey import HUEY\n"
        "from ladoga.accounts.models import LoginFailure\n"
        "from ladoga.accounts.tasks import login_failures_prune_daily\n"
        "LoginFailure.objects.create(username='expired')\n"
        "LoginFailure.objects.create(username='recent')\n"
        "LoginFailure.objects.filter(username='expired')"
        ".update(at=timezone.now() - datetime.timedelta(days=2))\n"
        "assert not HUEY.immediate\n"
        "login_failures_prune_daily()\n"
        "print(type(HUEY).__name__, HUEY.pending_count())\n",
    )
    assert queued.split() == ["SqliteHuey", "1"]
    assert (home / "tasks.sqlite3").is_file()
    assert sorted(_usernames(home)) == ["expired", "recent"]  # queued, not run yet

    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [str(LADOGA), "worker", "--workers", "1"], env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 60  # a deadline for a hung worker, not a speed check
        while _usernames(home) != ["recent"] and time.monotonic() < deadline:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGINT)  # huey's graceful shutdown
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()

    assert _usernames(home) == ["recent"], (tmp_path / "worker.log").read_text()
    left = _shell(env, "from huey.contrib.djhuey import HUEY; print(HUEY.pending_count())")
    assert left.strip() == "0"


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({}, "SqliteHuey LocMemCache"),
        ({"LADOGA_REDIS_URL": "redis://127.0.0.1:6379/3"}, "OncePerTickRedisHuey RedisCache"),
    ],
)
def test_settings_pick_the_queue_from_the_environment(tmp_path, extra, expected):
    code = (
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ladoga.settings')\n"
        "django.setup()\n"
        "from django.core.cache import caches\n"
        "from huey.contrib.djhuey import HUEY\n"
        "print(type(HUEY).__name__, type(caches['default']).__name__, HUEY.immediate)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [*expected.split(), "False"]


@pytest.fixture
def redis_huey():
    """A RedisHuey on the local Redis under a queue name of its own, emptied afterwards."""
    huey = RedisHuey(f"ladoga-test-{secrets.token_hex(6)}", url=REDIS_URL, immediate=False)
    try:
        huey.storage.conn.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield huey
    huey.storage.flush_all()


def test_redis_queue_round_trip(redis_huey):
    @redis_huey.task()
    def add(a, b):
        return a + b

    result = add(2, 3)
    assert redis_huey.pending_count() == 1

    task = redis_huey.dequeue()
    assert redis_huey.pending_count() == 0
    redis_huey.execute(task)

    assert result.get() == 5


@pytest.mark.parametrize("flags, periodic", [((), "enabled"), (("--no-scheduler",), "disabled")])
def test_only_a_worker_with_the_scheduler_enqueues_periodic_tasks(tmp_path, flags, periodic):
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [str(LADOGA), "worker", "--workers", "1", *flags],
            env=_env(tmp_path / "home"),
            stdout=log,
            stderr=log,
        )
    try:
        deadline = time.monotonic() + 120  # a deadline for a hung worker, not a speed check
        while "Periodic tasks are" not in log_path.read_text():
            assert worker.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

    assert f"Periodic tasks are {periodic}." in log_path.read_text()
