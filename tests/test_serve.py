"""`ladoga serve` as operators run it: a real process on a real port (S3, S6, 12, 13)."""

import http.client
import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

from tests.conftest import cli_environment
from tests.test_cli import LADOGA, ladoga

START_DEADLINE_SECONDS = 180  # the machine may be busy; this is a deadline, not a measure


def _env(home):
    return cli_environment(home) | {"PYTHONUNBUFFERED": "1"}


@pytest.fixture
def home(migrated_sqlite, tmp_path):
    """A LADOGA_HOME as `ladoga migrate` leaves it (a copy: migrating costs more than a test)."""
    copy = tmp_path / "home"
    shutil.copytree(migrated_sqlite.parent, copy)
    return copy


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(command, env, log_path):
    """Start a server process, wait until its port answers, stop it with SIGTERM at the end."""
    port = _free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [*command(port)], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    try:
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
        yield port, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def serve(*extra):
    return lambda port: [*LADOGA, "serve", "--port", str(port), *extra]


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Accept-Language": "en", **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted(home, tmp_path):
    env = _env(home)
    env["LADOGA_SECURE_PROXY"] = "1"

    with running(serve(), env, tmp_path / "serve.log") as (port, _process):
        forwarded, _body = get(port, "/login/", {"X-Forwarded-Proto": "https"})
        plain, _body = get(port, "/login/")
        health, _body = get(port, "/healthz")

    assert forwarded.status == 200
    assert plain.status == 301
    assert plain.getheader("Location").startswith("https://")
    assert health.status == 200  # the load balancer asks over plain HTTP


def test_several_processes_serve_behind_the_proxy_and_stop_together(home, tmp_path):
    env = _env(home)
    env["LADOGA_SECURE_PROXY"] = "1"
    log_path = tmp_path / "serve.log"

    with running(serve("--workers", "2", "--threads", "2"), env, log_path) as (port, process):
        forwarded, _body = get(port, "/login/", {"X-Forwarded-Proto": "https"})
        plain, _body = get(port, "/login/")
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while True:  # the task worker beside the web processes runs the scheduler's beat
            _response, body = get(port, "/healthz")
            if json.loads(body)["scheduler_last_beat"] or time.monotonic() > deadline:
                break
            time.sleep(1)
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=90)

    log = log_path.read_text()
    assert forwarded.status == 200
    assert forwarded.getheader("Server") == "gunicorn"
    assert plain.status == 301
    assert json.loads(body)["scheduler_last_beat"], log
    assert returncode == 0
    assert "with 2 processes of 2 threads" in log
    assert "the web processes share one SQLite file" in log
    assert log.count("Booting worker") == 2
    assert log.count("Background tasks stopped.") == 1  # by the master, not by each process


def test_zero_workers_are_refused_before_anything_starts(tmp_path):
    env = _env(tmp_path / "home")

    result = ladoga(env, "serve", "--workers", "0")

    assert result.returncode == 2
    assert "--workers must be 1 or more" in result.stderr
    assert not (tmp_path / "home" / "ladoga.sqlite3").exists()


def test_an_untrusted_proxy_cannot_claim_https(home, tmp_path):
    env = _env(home)
    env["LADOGA_SECURE_PROXY"] = "1"
    env["LADOGA_TRUSTED_PROXY"] = "10.9.9.9"

    with running(serve(), env, tmp_path / "serve.log") as (port, _process):
        response, _body = get(port, "/login/", {"X-Forwarded-Proto": "https"})

    assert response.status == 301


def test_serve_runs_queued_and_periodic_work_with_the_sqlite_queue(home, tmp_path):
    env = _env(home)
    database = home / "ladoga.sqlite3"

    with running(serve(), env, tmp_path / "serve.log") as (_port, process):
        enqueue = (
            "from ladoga.accounts.models import LoginFailure\n"
            "from ladoga.accounts.tasks import login_failures_prune_daily\n"
            "LoginFailure.objects.create(username='old')\n"
            "LoginFailure.objects.update(at='2000-01-01T00:00:00Z')\n"
            "login_failures_prune_daily()\n"
        )
        ladoga(env, "manage", "shell", "-c", enqueue, check=True)
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while _count(database, "accounts_loginfailure") and time.monotonic() < deadline:
            time.sleep(0.5)
        remaining = _count(database, "accounts_loginfailure")
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=60)

    assert remaining == 0, (tmp_path / "serve.log").read_text()
    assert returncode == 0
    log = (tmp_path / "serve.log").read_text()
    assert "Background tasks run in this process" in log
    assert "Background tasks stopped." in log


def test_serve_leaves_the_work_to_ladoga_worker_when_asked(home, tmp_path):
    env = _env(home)
    with running(serve("--no-worker"), env, tmp_path / "serve.log"):
        pass

    assert "Background tasks run in this process" not in (tmp_path / "serve.log").read_text()


def _count(database, table) -> int:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


def test_serve_shows_progress_while_it_migrates(tmp_path):
    env = _env(tmp_path / "fresh")

    with running(serve(), env, tmp_path / "serve.log"):
        pass

    lines = (tmp_path / "serve.log").read_text().splitlines()
    serving = next(i for i, line in enumerate(lines) if "Ladoga is serving" in line)
    assert any("Preparing the database:" in line for line in lines[:serving])
    assert any(line.strip().startswith("[1/") for line in lines[:serving])


def test_an_unreachable_database_answers_503_with_retry_after(tmp_path):
    (tmp_path / "home").mkdir()
    env = _env(tmp_path / "home")
    env["LADOGA_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/nowhere"
    env["LADOGA_SECRET_KEY"] = "x" * 50

    def waitress(port):
        code = (
            "from waitress import serve\n"
            "from ladoga.wsgi import application\n"
            f"serve(application, host='127.0.0.1', port={port})\n"
        )
        return [sys.executable, "-c", code]

    with running(waitress, env, tmp_path / "serve.log") as (port, _process):
        page, page_body = get(port, "/login/")
        api, api_body = get(port, "/api/v1/me")

    assert page.status == 503
    assert int(page.getheader("Retry-After")) > 0
    assert page.getheader("Content-Type").startswith("text/html")
    assert "The database is not reachable" in page_body.decode()
    assert api.status == 503
    assert int(api.getheader("Retry-After")) > 0
    assert api.getheader("Content-Type") == "application/problem+json"
    assert json.loads(api_body)["status"] == 503
