"""Webhook fan-out benchmark (issue 16, X9): 1,000 events to 5 endpoints, by a real worker.

    .venv/bin/python benchmarks/webhooks.py                        # SQLite, Redis DB 11
    .venv/bin/python benchmarks/webhooks.py --database-url postgresql://postgres@127.0.0.1:5432/DB
    .venv/bin/python benchmarks/webhooks.py --events 1000 --endpoints 5 --workers 8

A fresh LADOGA_HOME (SQLite there, or the given PostgreSQL database, which must exist and
be empty), the huey queue on Redis (`--redis-url`, its database is emptied first: give one
nobody else uses). Five threaded receivers on 127.0.0.1 verify every signature with
`standardwebhooks.Webhook(secret).verify`. A `ladoga worker` subprocess sends; this process
announces the events (`partner.created`, one partner each, each in its own transaction)
from `--announcers` threads, as an app server's threads would.
Timed: from the first announcement until every delivery arrived, verified, exactly once;
and each delivery's latency from its event's commit to its arrival. Prints a table and
writes JSON to benchmarks/results/ (git-ignored). The target is 60 s.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Receivers:
    """`count` HTTP servers; each verifies signatures with its endpoint's secret."""

    def __init__(self, count: int):
        self.lock = threading.Lock()
        self.arrivals: dict[tuple[int, str], float] = {}
        self.partner_of: dict[str, int] = {}
        self.duplicates = 0
        self.bad_signatures = 0
        self.secrets: dict[int, str] = {}
        self.servers = [self._start(index) for index in range(count)]

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.servers[index].server_address[1]}/hooks"

    def _start(self, index: int) -> ThreadingHTTPServer:
        from standardwebhooks import Webhook

        receivers = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                at = time.monotonic()
                try:
                    secret = receivers.secrets[index]
                    payload = Webhook(secret).verify(body, dict(self.headers))
                except Exception:
                    payload = None
                with receivers.lock:
                    if index not in receivers.secrets:
                        pass  # the ping of the endpoint being created: its secret is unknown yet
                    elif payload is None:
                        receivers.bad_signatures += 1
                    elif payload["type"] == "partner.created":
                        key = (index, self.headers["webhook-id"])
                        if key in receivers.arrivals:
                            receivers.duplicates += 1
                        else:
                            receivers.arrivals[key] = at
                            receivers.partner_of[key[1]] = payload["data"]["id"]
                self.send_response(204 if payload else 401)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def received(self) -> int:
        with self.lock:
            return len(self.arrivals)

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def setup(args) -> dict[str, str]:
    home = tempfile.mkdtemp(prefix="ladoga-webhooks-bench-")
    environment = {
        "LADOGA_HOME": home,
        "LADOGA_REDIS_URL": args.redis_url,
        "DJANGO_SETTINGS_MODULE": "ladoga.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    if args.database_url:
        environment["LADOGA_DATABASE_URL"] = args.database_url
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    redis.Redis.from_url(args.redis_url).flushdb()
    print("migrating…", flush=True)
    call_command("migrate", verbosity=0)
    return environment


def worker_start(environment: dict[str, str], workers: int) -> subprocess.Popen:
    # `ladoga worker`, from this tree (python -m, so the venv's script is not needed).
    command = [sys.executable, "-m", "ladoga.cli", "worker", "--workers", str(workers)]
    log = open(Path(environment["LADOGA_HOME"]) / "worker.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        command,
        env={**os.environ, **environment},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def run(args, environment: dict[str, str]) -> dict:
    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import user_create
    from ladoga.partners.services import partner_create
    from ladoga.webhooks.models import WebhookDelivery
    from ladoga.webhooks.services import endpoint_create

    admin = user_create(username="bench-admin", role=Role.ADMIN, password="x" * 20)
    receivers = Receivers(args.endpoints)
    for index in range(args.endpoints):
        endpoint = endpoint_create(
            url=receivers.url(index), events=["partner.created"], by=admin, allow_private=True
        )
        receivers.secrets[index] = endpoint.secret
    worker = worker_start(environment, args.workers)
    time.sleep(3)  # the worker imports Django and connects to Redis
    expected = args.events * args.endpoints
    committed: dict[int, float] = {}

    def announce(numbers) -> None:
        """Like the threads of an app server, each committing one partner at a time."""
        from django.db import connection

        try:
            for number in numbers:
                partner = partner_create(name=f"Bench client {number}", manager=admin, by=admin)
                committed[partner.pk] = time.monotonic()
        finally:
            connection.close()

    try:
        started = time.monotonic()
        threads = [
            threading.Thread(target=announce, args=(range(n, args.events, args.announcers),))
            for n in range(args.announcers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        announced = time.monotonic() - started
        deadline = started + args.timeout
        while receivers.received() < expected and time.monotonic() < deadline:
            time.sleep(0.05)
        finished = time.monotonic()
        total = (max(receivers.arrivals.values()) if receivers.arrivals else finished) - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        receivers.stop()
    latencies = [
        (at - committed[receivers.partner_of[message]]) * 1000
        for (_index, message), at in receivers.arrivals.items()
    ]
    delivered = WebhookDelivery.objects.filter(status="delivered").count()
    return {
        "load_average_1m": round(os.getloadavg()[0], 1),
        "events": args.events,
        "endpoints": args.endpoints,
        "worker_threads": args.workers,
        "announcing_threads": args.announcers,
        "database": "postgresql" if args.database_url else "sqlite",
        "expected": expected,
        "received_verified_once": receivers.received(),
        "duplicates": receivers.duplicates,
        "bad_signatures": receivers.bad_signatures,
        "delivered_rows": delivered,
        "announce_seconds": round(announced, 2),
        "all_delivered_seconds": round(total, 2),
        "deliveries_per_second": round(receivers.received() / total, 1) if total else None,
        "latency_ms_median": round(statistics.median(latencies), 1) if latencies else None,
        "latency_ms_p95": round(percentile(latencies, 0.95), 1) if latencies else None,
        "latency_ms_max": round(max(latencies), 1) if latencies else None,
        "target_seconds": TARGET_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--endpoints", type=int, default=5)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--announcers", type=int, default=4, help="threads announcing")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    environment = setup(args)
    try:
        result = run(args, environment)
    finally:
        shutil.rmtree(environment["LADOGA_HOME"], ignore_errors=True)
    width = max(len(k) for k in result)
    print()
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    ok = (
        result["received_verified_once"] == result["expected"] == result["delivered_rows"]
        and not result["duplicates"]
        and result["all_delivered_seconds"] <= TARGET_SECONDS
    )
    print(f"{'within target':<{width}}  {'yes' if ok else 'NO'}")
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "webhooks.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
