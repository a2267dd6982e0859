"""Run Ladoga's benchmark scenarios against a real server and print a table.

    .venv/bin/python benchmarks/run.py --size 200 --runs 300
    .venv/bin/python benchmarks/run.py --database-url postgresql://postgres@127.0.0.1:5432/x

Every run starts from nothing: a fresh LADOGA_HOME (and, for PostgreSQL, a throw-away
database on the server named by --database-url), `ladoga demo --size N`, then `ladoga serve`
(the real waitress server) in a subprocess. Each scenario is warmed up, then timed `--runs`
times over one keep-alive HTTP connection. Results go to the terminal and to JSON
(benchmarks/results/ by default). The server is stopped and the database dropped at the end,
also after a failure. See benchmarks/README.md.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from bench import Bench
from scenarios import SCENARIOS

HERE = Path(__file__).resolve().parent
LADOGA = Path(sys.executable).with_name("ladoga")
PORTS = range(8820, 8830)


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of each of `runs` calls."""
    samples = []
    clock = time.perf_counter_ns
    for _ in range(runs):
        start = clock()
        action()
        samples.append((clock() - start) / 1e6)
    return samples


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "runs": len(samples),
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(statistics.quantiles(ordered, n=100, method="inclusive")[94], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
        "min_ms": round(ordered[0], 3),
        "max_ms": round(ordered[-1], 3),
    }


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def rss_kib(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = int(value.split()[0])
    return fields


def public_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


@contextlib.contextmanager
def throwaway_database(server_url: str | None):
    """None → SQLite in the home; a postgres URL → a new database on that server."""
    if not server_url or server_url.startswith("sqlite"):
        yield None
        return
    import psycopg
    from psycopg import sql

    name = f"ladoga_bench_{secrets.token_hex(4)}"
    admin = urlsplit(server_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(server_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def ladoga(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(LADOGA), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"ladoga {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


# `ladoga demo --size N` run in-process so that the seconds of each step are kept, and so
# that a run may fill only the steps its scenarios need (--demo-steps).
_DEMO_FILL = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from ladoga import demo
call_command("migrate", interactive=False, verbosity=0)
wanted = sys.argv[2].split(",") if sys.argv[2] else [title for title, _step in demo.DEMO_STEPS]
known = [title for title, _step in demo.DEMO_STEPS]
if unknown := [w for w in wanted if w not in known]:
    sys.exit(f"unknown demo steps {unknown}; known: {', '.join(known)}")
demo.DEMO_STEPS[:] = [(title, step) for title, step in demo.DEMO_STEPS if title in wanted]
ctx = demo.demo_fill(size=int(sys.argv[1]), seed=1, progress=False)
print("TIMINGS " + json.dumps({k: round(v, 1) for k, v in ctx.timings.items()}))
"""


def demo_fill(env: dict, size: int, steps: str) -> dict:
    """Fill the database as `ladoga demo --size N` does; the seconds per step."""
    done = subprocess.run(
        [sys.executable, "-c", _DEMO_FILL, str(size), steps],
        env=env | {"DJANGO_SETTINGS_MODULE": "ladoga.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"ladoga demo --size {size} failed:\n{done.stderr}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("TIMINGS "))
    return json.loads(line.removeprefix("TIMINGS "))


@contextlib.contextmanager
def server(env: dict, port: int, log: Path):
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(LADOGA), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"ladoga serve exited:\n{log.read_text()}")
                with contextlib.suppress(OSError):
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                if time.monotonic() > deadline:
                    raise SystemExit(f"ladoga serve did not start:\n{log.read_text()}")
                time.sleep(0.1)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def git_revision() -> str:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        rev = subprocess.run(
            ["git", "-C", str(HERE), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return rev
    return "unknown"


def print_table(result: dict) -> None:
    header = ("scenario", "runs", "median ms", "p95 ms", "floor ms", "× floor")
    rows = []
    for name, data in result["scenarios"].items():
        floor = data.get("floor")
        rows.append(
            (
                name,
                str(data["runs"]),
                f"{data['median_ms']:.3f}",
                f"{data['p95_ms']:.3f}",
                f"{floor['median_ms']:.3f}" if floor else "—",
                f"{data['ratio_to_floor']:.1f}" if floor else "—",
            )
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        first = cells[0].ljust(widths[0])
        return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    print(
        f"\nLadoga {result['revision']} · {result['engine']} · demo size {result['size']} · "
        f"{result['runs']} runs after {result['warmup']} warm-up"
    )
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    rss, peak = result["server"]["rss_kib"] / 1024, result["server"]["hwm_kib"] / 1024
    print(f"server RSS after the run: {rss:.1f} MiB (peak {peak:.1f} MiB)")
    steps = ", ".join(f"{k} {v:.0f} s" for k, v in result.get("demo_steps_seconds", {}).items())
    print(f"demo fill: {result['demo_seconds']:.0f} s ({steps})")
    before, after = result["machine"]["load_before"], result["machine"]["load_after"]
    print(f"machine load (1, 5, 15 min) before the timing {before}, after {after}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200, help="demo data size (ladoga demo)")
    parser.add_argument("--runs", type=int, default=300, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests first")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to use (a throw-away database is created on it); "
        "default: SQLite in a temporary LADOGA_HOME",
    )
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help="comma-separated, from: %(default)s"
    )
    parser.add_argument("--port", type=int, help="server port (default: a free one, 8820-8829)")
    parser.add_argument("--json", type=Path, help="where to write the results")
    parser.add_argument(
        "--demo-steps",
        default="",
        help="fill only these demo steps, comma-separated (e.g. people,partners); "
        "default: all, as `ladoga demo`",
    )
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    if unknown := [s for s in chosen if s not in SCENARIOS]:
        parser.error(f"unknown scenarios {unknown}; known: {', '.join(SCENARIOS)}")

    home = Path(tempfile.mkdtemp(prefix="ladoga-bench-"))
    try:
        with throwaway_database(args.database_url) as pg_url:
            database_url = pg_url or f"sqlite:///{home / 'ladoga.sqlite3'}"
            env = {k: v for k, v in os.environ.items() if not k.startswith("LADOGA_")}
            env |= {"LADOGA_HOME": str(home), "LADOGA_DATABASE_URL": database_url}
            result = run(args, chosen, env, home, database_url)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    out = args.json or HERE / "results" / (
        f"{datetime.datetime.now():%Y%m%d-%H%M%S}-{result['engine']}-size{args.size}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_table(result)
    print(f"results: {out}")
    return 0


def run(args, chosen: list[str], env: dict, home: Path, database_url: str) -> dict:
    started = time.perf_counter()
    print(f"filling demo data (size {args.size}) …", file=sys.stderr)
    demo_steps = demo_fill(env, args.size, args.demo_steps)
    demo_seconds = time.perf_counter() - started
    print(f"demo filled in {demo_seconds:.0f} s: {demo_steps}", file=sys.stderr)
    if not database_url.startswith("sqlite"):
        # What autovacuum does on a server soon after a bulk load (statistics for the
        # planner, the visibility map for index-only scans): timing before it would measure
        # a state no production database stays in, and some servers run with it off.
        # SQLite keeps no statistics unless told, nor does an installation: none there.
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    token = ladoga(env, "token", "create", "admin", "--name", "benchmark").strip()
    port = args.port or free_port()

    with server(env, port, home / "serve.log") as process:
        bench = Bench(port=port, token=token, database_url=database_url, home=home)
        scenarios = {}
        load_before = [round(x, 2) for x in os.getloadavg()]
        try:
            for name in chosen:
                scenario = SCENARIOS[name]
                print(f"timing {name} …", file=sys.stderr)
                action = lambda s=scenario: s.run(bench)  # noqa: E731
                timed(action, args.warmup)
                data = summary(timed(action, args.runs))
                if scenario.floor is not None:
                    floor = scenario.floor(bench)
                    timed(floor, args.warmup)
                    data["floor"] = summary(timed(floor, args.runs))
                    data["ratio_to_floor"] = round(
                        data["median_ms"] / max(data["floor"]["median_ms"], 1e-6), 1
                    )
                data["description"] = scenario.description
                scenarios[name] = data
            memory = rss_kib(process.pid)
            load_after = [round(x, 2) for x in os.getloadavg()]
        finally:
            bench.close()

    return {
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "revision": git_revision(),
        "engine": "sqlite" if database_url.startswith("sqlite") else "postgresql",
        "database": public_url(database_url),
        "size": args.size,
        "runs": args.runs,
        "warmup": args.warmup,
        "demo_seconds": round(demo_seconds, 1),
        "demo_steps_seconds": demo_steps,
        "server": {
            "command": "ladoga serve (waitress, 8 threads)",
            "rss_kib": memory.get("VmRSS"),
            "hwm_kib": memory.get("VmHWM"),
            "keep_alive_reconnects": bench.reconnects,
        },
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_before": load_before,
            "load_after": load_after,
        },
        "scenarios": scenarios,
    }


if __name__ == "__main__":
    sys.exit(main())
