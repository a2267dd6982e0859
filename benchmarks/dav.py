"""CalDAV benchmark (issue 16 point 3, X10), timed in-process through the whole stack.

    .venv/bin/python benchmarks/dav.py                       # SQLite in a temporary home
    .venv/bin/python benchmarks/dav.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

A sales manager has `--events` (500) meetings in one month and `--others` (2,000) more
spread over the year around it, plus 20 open tasks in the month. Scenario:

- calendar_query_month: a CalDAV REPORT calendar-query with a VEVENT time-range filter for
  that month (what Thunderbird, Apple Calendar and vdirsyncer send), through Django's
  middleware, the /dav/ view, Radicale and the Ladoga storage plugin, answered with every
  event's calendar-data and ETag — target ≤ 200 ms (p95); the texts of unchanged events
  come from the storage's rendered-item cache, as after any first sync;
- calendar_query_month_cold: the same with that cache emptied before each request (every
  event rendered by `icalendar`), the first sync of a month;
- propfind_calendar: PROPFIND Depth 1 of the calendar (hrefs and ETags of the listed
  window), for comparison.

With --database-url a throw-away database is created on that server and dropped at the end.
Prints a table (median, p95, max) and writes JSON to benchmarks/results/ (git-ignored).
"""

import argparse
import base64
import datetime
import json
import os
import shutil
import statistics
import time
from pathlib import Path

import harness

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start}" end="{end}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


def fill(events: int, others: int) -> tuple[str, datetime.datetime, datetime.datetime]:
    """The manager's calendar; returns the Basic credentials and the month's bounds."""
    import random

    from ladoga.accounts.services import token_create, user_create
    from ladoga.interactions.models import Interaction, InteractionKind, ReviewStatus, Task

    manager = user_create(username="calendar", role="manager")
    token = token_create(user=manager, name="bench")[1]
    now = datetime.datetime.now(datetime.UTC)
    first = (now.replace(day=1) + datetime.timedelta(days=32)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    month_seconds = int((following - first).total_seconds()) - 3600
    rng = random.Random(16)

    def meeting(start: datetime.datetime, number: int) -> Interaction:
        return Interaction(
            kind=InteractionKind.MEETING,
            title=f"Meeting {number} with a client",
            body="Agenda: prices, delivery, the next order.",
            place=f"Office {number % 40}",
            start=start,
            end=start + datetime.timedelta(minutes=rng.choice((30, 60, 90))),
            responsible=manager,
            created_by=manager,
            review_status=ReviewStatus.REVIEWED,
        )

    rows = [
        meeting(first + datetime.timedelta(seconds=rng.randrange(month_seconds)), n)
        for n in range(events)
    ]
    rows += [
        meeting(
            first + datetime.timedelta(days=rng.choice((-1, 1)) * rng.randrange(32, 180), hours=9),
            events + n,
        )
        for n in range(others)
    ]
    Interaction.objects.bulk_create(rows, batch_size=500)
    Task.objects.bulk_create(
        Task(
            title=f"Task {n}",
            assignee=manager,
            created_by=manager,
            due_date=(first + datetime.timedelta(days=n)).date(),
        )
        for n in range(20)
    )
    credentials = base64.b64encode(f"calendar:{token}".encode()).decode()
    return credentials, first, following


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--others", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    home, admin_url, db_name = harness.setup(args.database_url, "dav")
    try:
        from django.db import connection
        from django.test import Client

        credentials, first, following = fill(args.events, args.others)
        client = Client(HTTP_AUTHORIZATION=f"Basic {credentials}", HTTP_HOST="localhost")
        stamp = "%Y%m%dT%H%M%SZ"
        body = REPORT.format(start=first.strftime(stamp), end=following.strftime(stamp))

        def report():
            response = client.generic(
                "REPORT", "/dav/calendar/calendar/", body, "application/xml", HTTP_DEPTH="1"
            )
            assert response.status_code == 207, response.status_code
            assert response.content.count(b"BEGIN:VEVENT") == args.events + 20
            return response

        def propfind():
            response = client.generic(
                "PROPFIND",
                "/dav/calendar/calendar/",
                '<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>',
                "application/xml",
                HTTP_DEPTH="1",
            )
            assert response.status_code == 207, response.status_code
            return response

        from ladoga.dav.items import rendered

        def nothing():
            pass

        scenarios = (
            ("calendar_query_month", nothing, report),
            ("calendar_query_month_cold", rendered.clear, report),
            ("propfind_calendar", nothing, propfind),
        )
        results = []
        for name, before, call in scenarios:
            for _ in range(args.warmup):
                call()
            timings = []
            for _ in range(args.runs):
                before()
                began = time.perf_counter()
                call()
                timings.append((time.perf_counter() - began) * 1000)
            results.append(
                {
                    "scenario": name,
                    "runs": args.runs,
                    "median_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(harness.percentile(timings, 0.95), 1),
                    "max_ms": round(max(timings), 1),
                }
            )
        engine = connection.vendor
        print(f"\nCalDAV on {engine}: {args.events} events in the month, {args.others} others")
        print(f"{'scenario':<24}{'runs':>6}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}")
        for row in results:
            print(
                f"{row['scenario']:<24}{row['runs']:>6}{row['median_ms']:>12}"
                f"{row['p95_ms']:>10}{row['max_ms']:>10}"
            )
        print("target: calendar_query_month ≤ 200 ms")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        out = (
            Path(args.json)
            if args.json
            else (
                Path(__file__).parent
                / "results"
                / f"{time.strftime('%Y%m%d-%H%M%S')}-dav-{engine}.json"
            )
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"engine": engine, "results": results}, indent=2))
    finally:
        from django.db import connections

        connections.close_all()
        if admin_url and db_name:
            harness.pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
