"""Several Ladoga app servers on one PostgreSQL and one Redis, as docs/deploy.md sets them up.

The fixture `cluster` builds the deployment for real, whichever database the rest of the suite
runs on: a throw-away PostgreSQL database, Redis database 9 (flushed before and after), one
LADOGA_HOME and secret key shared by both servers, `ladoga migrate` once, a user and a token,
then two servers on two free ports: A with `--workers 2` (gunicorn), B with one process
(waitress), both `--no-worker`. Each check talks to both over HTTP.

To add a check, write a test taking `cluster` and use `cluster.a` / `cluster.b` (httpx clients
signed in with the API token), `cluster.start_workers(...)` for `ladoga worker` processes and
`cluster.sql(...)` to look into the shared database.
"""

import os
import re
import secrets
import signal
import subprocess
import threading
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
import redis

from tests.test_cli import LADOGA, ladoga
from tests.test_serve import START_DEADLINE_SECONDS, running, serve
from tests.webhooks.conftest import receiver_start

# Both suite runs (SQLite and PostgreSQL) run these tests; they share one set of servers, so
# pytest-xdist keeps them on one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("multi_server")

REDIS_URL = "redis://127.0.0.1:6379/9"
PASSWORD = "a long enough password"
REQUEST_TIMEOUT_SECONDS = 60
BEAT_TASK = "ladoga.core.tasks.core.scheduler_beat"


def _postgres_server_url() -> str:
    """The maintenance database of the suite's PostgreSQL server when the suite runs on one,
    else of the local server."""
    url = os.environ.get("LADOGA_TEST_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    return _with_database(url, "postgres")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


@dataclass
class Cluster:
    env: dict
    home: Path
    database_url: str
    token: str
    username: str
    ports: dict[str, int]
    logs: Path
    stack: ExitStack
    clients: list = field(default_factory=list)

    def client(self, server: str, *, token: bool = True) -> httpx.Client:
        headers = {"Accept-Language": "en"}
        if token:
            headers["Authorization"] = f"Bearer {self.token}"
        client = httpx.Client(
            base_url=f"http://127.0.0.1:{self.ports[server]}",
            headers=headers,
            timeout=REQUEST_TIMEOUT_SECONDS,
        )
        self.clients.append(client)
        return client

    @property
    def a(self) -> httpx.Client:
        return self.client("a")

    @property
    def b(self) -> httpx.Client:
        return self.client("b")

    def sql(self, query: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()

    def start_worker(self, name: str, *args: str) -> tuple[subprocess.Popen, Path]:
        """A `ladoga worker` on the shared queue, stopped (SIGTERM) when the test ends."""
        log_path = self.logs / f"{name}.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [*LADOGA, "worker", *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        self.stack.callback(_stop, process)
        return process, log_path


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    server_url = _postgres_server_url()
    name = f"ladoga_multi_{uuid.uuid4().hex[:12]}"
    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    root = tmp_path_factory.mktemp("cluster")
    home = root / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LADOGA_")}
    for variable in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(variable, None)
    database_url = _with_database(server_url, name)
    env.update(
        LADOGA_HOME=str(home),
        LADOGA_DATABASE_URL=database_url,
        LADOGA_REDIS_URL=REDIS_URL,
        LADOGA_SECRET_KEY=secrets.token_urlsafe(50),
        PYTHONUNBUFFERED="1",
    )
    stack = ExitStack()
    try:
        migrate = subprocess.run(
            [*LADOGA, "migrate", "--verbosity", "0"],
            env=env,
            capture_output=True,
            text=True,
            timeout=START_DEADLINE_SECONDS * 3,
        )
        assert migrate.returncode == 0, migrate.stderr
        username = "anna"
        ladoga(
            env, "user", "create", username, "--role", "admin", "--password", PASSWORD, check=True
        )
        token = ladoga(env, "token", "create", username, check=True).stdout.strip()
        ports = {}
        for server, extra in (("a", ("--workers", "2", "--threads", "4")), ("b", ())):
            port, _process = stack.enter_context(
                running(serve("--no-worker", *extra), env, root / f"server-{server}.log")
            )
            ports[server] = port
        cluster = Cluster(env, home, database_url, token, username, ports, root, stack)
        yield cluster
        for client in cluster.clients:
            client.close()
    finally:
        stack.close()
        queue.flushdb()
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_both_servers_are_healthy_on_the_shared_database_and_redis(cluster):
    for client in (cluster.client("a", token=False), cluster.client("b", token=False)):
        response = client.get("/healthz")

        assert response.status_code == 200
        assert response.json()["database"] == "ok"
        assert response.json()["redis"] == "ok"


def test_a_session_made_on_one_server_works_on_the_other(cluster):
    a = cluster.client("a", token=False)
    form = a.get("/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)

    signed_in = a.post(
        "/login/",
        data={"username": cluster.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
    )
    assert signed_in.status_code == 302
    assert "sessionid" in a.cookies

    b = cluster.client("b", token=False)
    assert b.get("/api/v1/me").status_code == 401  # not signed in on B yet
    b.cookies.set("sessionid", a.cookies["sessionid"])
    me = b.get("/api/v1/me")
    page = b.get("/")

    assert me.status_code == 200
    assert me.json()["username"] == cluster.username
    assert page.status_code == 200


def test_concurrent_changes_through_two_servers_one_wins_and_one_is_refused_with_412(cluster):
    a, b = cluster.a, cluster.b
    created = a.post("/api/v1/partners", json={"name": "Ладога-Сервис"})
    assert created.status_code == 201, created.text
    path = f"/api/v1/partners/{created.json()['id']}"
    for round_ in range(3):
        before = b.get(path)
        etag, version = before.headers["ETag"], before.json()["version"]
        barrier = threading.Barrier(2, timeout=REQUEST_TIMEOUT_SECONDS)
        answers = {}

        def change(client, name, answers=answers, barrier=barrier, etag=etag):
            barrier.wait()
            answers[name] = client.patch(path, json={"name": name}, headers={"If-Match": etag})

        names = {f"Через A {round_}": a, f"Через B {round_}": b}
        threads = [threading.Thread(target=change, args=(c, n)) for n, c in names.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(REQUEST_TIMEOUT_SECONDS * 2)

        statuses = sorted(answer.status_code for answer in answers.values())
        assert statuses == [200, 412], {n: r.text for n, r in answers.items()}
        winner = next(n for n, r in answers.items() if r.status_code == 200)
        loser = next(r for r in answers.values() if r.status_code == 412)
        assert loser.json()["errors"][0]["code"] == "version_stale"
        after = a.get(path).json()
        assert after["version"] == version + 1  # one change, not two
        assert after["name"] == winner


def test_an_attachment_uploaded_through_one_server_downloads_through_the_other(cluster):
    partner = cluster.a.post("/api/v1/partners", json={"name": "Файловая"}).json()
    content = "Договор поставки № 17\n".encode() * 50

    uploaded = cluster.a.post(
        "/api/v1/files",
        data={"target": "partners.partner", "target_id": str(partner["id"])},
        files={"file": ("dogovor.txt", content, "text/plain")},
    )
    assert uploaded.status_code == 201, uploaded.text
    downloaded = cluster.b.get(uploaded.json()["url"])

    assert downloaded.status_code == 200
    assert downloaded.content == content


def test_two_schedulers_started_by_mistake_enqueue_each_tick_once(cluster):
    """Two workers with their schedulers on (the mistake the tick claim guards against): the
    every-minute beat runs once per claimed minute, and at least one minute was contested."""
    _wait_for_a_calm_moment_in_the_minute()
    workers = [cluster.start_worker(f"worker-{n}") for n in (1, 2)]
    try:
        _observe_one_run_per_tick(cluster, [log for _process, log in workers])
    finally:
        for process, _log in workers:
            _stop(process)


def _observe_one_run_per_tick(cluster, logs) -> None:
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    contested = f"{BEAT_TASK} for"
    while not any(contested in log.read_text() for log in logs):
        assert time.monotonic() < deadline, [log.read_text() for log in logs]
        time.sleep(1)
    # Every tick claimed so far; read again at the end, and kept from both reads (twice, on
    # a loaded machine, a claim seen here was gone three seconds later; not understood yet).
    claimed = set(_claimed_beat_ticks())
    while len(_beats(cluster)) < len(claimed):
        assert time.monotonic() < deadline, [log.read_text() for log in logs]
        time.sleep(0.5)
    time.sleep(3)  # room for a second run of the same tick, were there one

    beats = _beats(cluster)
    claimed |= set(_claimed_beat_ticks())
    assert claimed
    assert len(beats) == len(claimed), (beats, claimed)


def _wait_for_a_calm_moment_in_the_minute() -> None:
    """Start the workers early in a minute, so their first checks fall in the same one."""
    second = time.time() % 60
    if second > 40:
        time.sleep(61 - second)


def _claimed_beat_ticks() -> list[bytes]:
    return redis.Redis.from_url(REDIS_URL).keys(f"huey.periodic.ladoga.{BEAT_TASK}.*")


def _beats(cluster) -> list[tuple]:
    return cluster.sql("SELECT ran_at, worker FROM core_schedulerbeat ORDER BY ran_at")


def test_a_webhook_is_delivered_once(cluster):
    """The event is caused through B, the endpoint subscribed through A, and two workers
    with their schedulers share the queue: the receiver gets exactly one signed delivery."""
    receiver = receiver_start()
    try:
        created = cluster.a.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["partner.created"], "allow_private": True},
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        workers = [cluster.start_worker(f"hooks-{n}") for n in (1, 2)]
        partner = cluster.b.post("/api/v1/partners", json={"name": "Слушаемая"}).json()

        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while not receiver.requests:
            assert time.monotonic() < deadline, [log.read_text() for _p, log in workers]
            time.sleep(0.5)
        time.sleep(5)  # room for a second delivery, were there one

        assert len(receiver.requests) == 1
        payload = receiver.requests[0].verified(secret)
        assert payload["type"] == "partner.created"
        assert payload["data"]["id"] == partner["id"]
        assert cluster.sql(
            "SELECT status, attempts FROM webhooks_webhookdelivery WHERE event_type = %s",
            ("partner.created",),
        ) == [("delivered", 1)]
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
