"""Interactions benchmarks (issue 4, "Speed"), timed in-process.

    .venv/bin/python benchmarks/interactions.py                       # SQLite in a temporary home
    .venv/bin/python benchmarks/interactions.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

With --database-url the script creates a throw-away database on that server (its name gets a
suffix; the database named in the URL is only used to connect), migrates and fills it, and
drops it at the end. Data: `--interactions` (1,000,000) interactions over `--partners`
(100,000) partners managed by `--managers` (20) sales managers, spread over three years and
the next three months; about 2 % wait in their responsible's unprocessed list (a few of
them deferred); meetings and planned interactions carry one reminder each (past ones done,
a few dozen due now). Participants are not generated in bulk: no measured read needs them.
Scenarios, each as a sales manager (record-level access applies):

- unprocessed_page: the unprocessed list for one user, first page as the view builds it
  (queries.unprocessed_visible_to + Paginator: count and 25 rows) — target p95 ≤ 50 ms;
- timeline_page: a partner's timeline, first page (queries.partner_timeline + Paginator)
  — target p95 ≤ 50 ms;
- call_create_2_participants: services.interaction_create of a call with two participants
  (a partner's person with a phone, and a user) — target p95 ≤ 30 ms;
- reminders_due: the scheduler's lookup (services.reminders_due) — target ≤ 20 ms (p95).

Prints a table and writes JSON beside it (benchmarks/results/, git-ignored).
"""

import argparse
import datetime
import json
import random
import shutil
import statistics
import time
from pathlib import Path

import harness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--managers", type=int, default=20)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    home, admin_url, db_name = harness.setup(args.database_url, "interactions")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if admin_url and db_name:
            harness.pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(home, ignore_errors=True)


class Loader:
    """Fast raw inserts: COPY on PostgreSQL, executemany in one transaction on SQLite."""

    BATCH = 50_000

    def __init__(self, model, columns: list[str]):
        from django.db import connection

        self.connection = connection
        self.table = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        self.columns = list(columns)
        # Every other column gets its default (or NULL / blank), computed once.
        self.constants = {}
        for column, field in fields.items():
            if column in columns or field.primary_key:
                continue
            if field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            else:
                value = ""
            self.constants[column] = field.get_db_prep_save(value, connection)
        self.all_columns = self.columns + list(self.constants)
        self.tail = tuple(self.constants.values())
        self.rows: list[tuple] = []
        self.count = 0

    def dt(self, value: datetime.datetime):
        if self.connection.vendor == "postgresql":
            return value
        return self.connection.ops.adapt_datetimefield_value(value)

    def add(self, *values) -> None:
        self.rows.append(values + self.tail)
        if len(self.rows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        names = ", ".join(f'"{c}"' for c in self.all_columns)
        if self.connection.vendor == "postgresql":
            self.connection.ensure_connection()
            raw = self.connection.connection
            with (
                raw.cursor() as cursor,
                cursor.copy(f'COPY "{self.table}" ({names}) FROM STDIN') as copy,
            ):
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(self.all_columns))
            with self.connection.cursor() as cursor:
                cursor.executemany(
                    f'INSERT INTO "{self.table}" ({names}) VALUES ({marks})',  # noqa: S608
                    self.rows,  # the table and column names come from the model's meta
                )
        self.count += len(self.rows)
        self.rows = []


def timed(function, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def figures(timings: list[float], **extra) -> dict:
    return {
        "runs": len(timings),
        "median_ms": round(statistics.median(timings), 3),
        "p95_ms": round(harness.percentile(timings, 0.95), 3),
        "max_ms": round(max(timings), 3),
        **extra,
    }


def run(args) -> None:
    from django.core.paginator import Paginator
    from django.db import connection, transaction
    from django.utils import timezone

    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import user_create
    from ladoga.interactions import queries, services
    from ladoga.interactions.models import (
        EVENT_KINDS,
        Interaction,
        InteractionKind,
        Reminder,
        ReminderEmail,
        ReviewStatus,
    )
    from ladoga.partners.models import Partner

    rng = random.Random(4)
    results: dict[str, dict] = {}
    setup: dict[str, object] = {}
    now = timezone.now()
    today = timezone.localdate()

    managers = [
        user_create(username=f"manager{i}", role=Role.MANAGER, email=f"m{i}@example.com")
        for i in range(args.managers)
    ]
    manager_ids = [m.pk for m in managers]

    started = time.perf_counter()
    with transaction.atomic():
        partners = []
        for i in range(args.partners):
            partners.append(
                Partner(
                    name=f"Partner {i}",
                    name_key=f"partner {i}",
                    manager_id=manager_ids[i % len(manager_ids)],
                    is_client=True,
                )
            )
            if len(partners) >= 20_000:
                Partner.objects.bulk_create(partners)
                partners = []
        Partner.objects.bulk_create(partners)
    partner_manager = dict(Partner.objects.values_list("pk", "manager_id"))
    partner_ids = list(partner_manager)
    setup["partners_seconds"] = round(time.perf_counter() - started, 1)

    # Interactions: the kind mix of a sales team; starts over three years back and three
    # months ahead (events only ahead). ~2 % unprocessed, a tenth of those deferred.
    started = time.perf_counter()
    columns = [
        "kind", "title", "start", "end", "direction", "phone", "duration", "partner_id",
        "responsible_id", "review_status", "review_after", "reviewed_by_id", "reviewed_at",
        "created_at", "updated_at", "created_by_id", "version",
    ]  # fmt: skip
    loader = Loader(Interaction, columns)
    kinds = (
        [InteractionKind.CALL] * 5
        + [InteractionKind.EMAIL] * 2
        + [InteractionKind.MEETING] * 2
        + [InteractionKind.PLANNED]
    )
    span = 3 * 365 * 24 * 3600
    ahead = 90 * 24 * 3600
    review_after = today + datetime.timedelta(days=7)
    with transaction.atomic():
        for i in range(args.interactions):
            kind = kinds[i % len(kinds)]
            partner_id = rng.choice(partner_ids)
            responsible_id = partner_manager[partner_id]
            if kind in EVENT_KINDS and rng.random() < 0.05:
                start = now + datetime.timedelta(seconds=rng.randrange(60, ahead))
            else:
                start = now - datetime.timedelta(seconds=rng.randrange(60, span))
            unprocessed = rng.random() < 0.02
            deferred = unprocessed and rng.random() < 0.1
            start_value = loader.dt(start)
            loader.add(
                kind,
                f"Interaction {i}",
                start_value,
                loader.dt(start + datetime.timedelta(minutes=30)) if kind in EVENT_KINDS else None,
                "outgoing" if kind == InteractionKind.CALL else "",
                "+7 912 345-67-89" if kind == InteractionKind.CALL else "",
                180 if kind == InteractionKind.CALL else None,
                partner_id,
                responsible_id,
                ReviewStatus.NOT_REVIEWED if unprocessed else ReviewStatus.REVIEWED,
                review_after if deferred else None,
                None if unprocessed else responsible_id,
                None if unprocessed else start_value,
                start_value,
                start_value,
                responsible_id,
                1,
            )
        loader.flush()
    setup["interactions"] = loader.count
    setup["interactions_seconds"] = round(time.perf_counter() - started, 1)

    # One reminder per event, 15 minutes before; past ones done, ~50 due and pending.
    started = time.perf_counter()
    reminders = Loader(
        Reminder,
        ["interaction_id", "user_id", "minutes_before", "remind_at", "delivered_at",
         "email_state", "emailed_at", "done"],
    )  # fmt: skip
    events = Interaction.objects.filter(kind__in=EVENT_KINDS).values_list(
        "pk", "start", "responsible_id"
    )
    due_now = 0
    with transaction.atomic():
        for pk, start, responsible_id in events.iterator(chunk_size=20_000):
            remind_at = start - datetime.timedelta(minutes=15)
            done = remind_at <= now
            if done and due_now < 50 and rng.random() < 0.001:
                done, due_now = False, due_now + 1
            reminders.add(
                pk,
                responsible_id,
                15,
                reminders.dt(remind_at),
                reminders.dt(remind_at) if done else None,
                ReminderEmail.SENT if done else ReminderEmail.PENDING,
                reminders.dt(remind_at) if done else None,
                done,
            )
        reminders.flush()
    setup["reminders"] = reminders.count
    setup["reminders_due_now"] = due_now
    setup["reminders_seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # both engines: fresh statistics for the planner

    runs = args.runs

    # The unprocessed list of one user (their own), first page as the view builds it.
    def unprocessed_page():
        manager = rng.choice(managers)
        found = queries.unprocessed_visible_to(user=manager, responsible=manager.pk)
        page = Paginator(found, 25).get_page(1)
        list(page.object_list)
        return page

    page = unprocessed_page()
    results["unprocessed_page"] = figures(
        timed(unprocessed_page, runs),
        rows_in_list=page.paginator.count,
        target_p95_ms=50,
    )

    def unprocessed_rows():
        manager = rng.choice(managers)
        list(queries.unprocessed_visible_to(user=manager, responsible=manager.pk)[:25])

    results["unprocessed_rows_only"] = figures(timed(unprocessed_rows, runs), note="no count")

    # A partner's timeline, first page, seen by the partner's manager.
    sample = rng.sample(partner_ids, min(500, len(partner_ids)))
    by_pk = {m.pk: m for m in managers}

    def timeline_page():
        partner_id = rng.choice(sample)
        found = queries.partner_timeline(
            user=by_pk[partner_manager[partner_id]], partner_id=partner_id
        )
        page = Paginator(found, 25).get_page(1)
        list(page.object_list)

    results["timeline_page"] = figures(
        timed(timeline_page, runs),
        per_partner_avg=round(args.interactions / max(1, args.partners), 1),
        target_p95_ms=50,
    )

    def timeline_rows():
        partner_id = rng.choice(sample)
        found = queries.partner_timeline(
            user=by_pk[partner_manager[partner_id]], partner_id=partner_id
        )
        list(found[:25])

    results["timeline_rows_only"] = figures(timed(timeline_rows, runs), note="no count")

    # Creating a call with two participants: the partner's person (with a phone) and a user.
    def call_create():
        partner_id = rng.choice(sample)
        manager = by_pk[partner_manager[partner_id]]
        colleague = by_pk[rng.choice(manager_ids)]
        services.interaction_create(
            kind=InteractionKind.CALL,
            title="Call about the order",
            by=manager,
            direction="outgoing",
            phone="+7 912 345-67-89",
            duration=240,
            participants=[
                services.ParticipantData(
                    name="Ivan Petrov", phone="+7 912 345-67-89", partner_id=partner_id
                ),
                services.ParticipantData(user_id=colleague.pk),
            ],
        )

    results["call_create_2_participants"] = figures(timed(call_create, runs), target_p95_ms=30)

    # The reminder scheduler's lookup of due reminders.
    found = services.reminders_due()
    results["reminders_due"] = figures(
        timed(services.reminders_due, runs), found=len(found), target_ms=20
    )

    setup["interactions_total"] = Interaction.objects.count()
    setup["partners_total"] = Partner.objects.count()
    engine = connection.vendor
    print(f"\nInteractions benchmarks on {engine}")
    print(f"  setup {', '.join(f'{k}={v}' for k, v in setup.items())}")
    print(f"  {'scenario':28s} {'median ms':>10s} {'p95 ms':>10s} {'max ms':>10s}  target / notes")
    for name, f in results.items():
        notes = {k: v for k, v in f.items() if k not in {"median_ms", "p95_ms", "max_ms"}}
        print(
            f"  {name:28s} {f['median_ms']:10.2f} {f['p95_ms']:10.2f} {f['max_ms']:10.2f}  "
            + ", ".join(f"{k}={v}" for k, v in notes.items())
        )
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    target = out / f"{datetime.datetime.now():%Y%m%d-%H%M%S}-interactions-{engine}.json"
    target.write_text(json.dumps({"engine": engine, "setup": setup, "results": results}, indent=1))
    print(f"  written to {target}")


if __name__ == "__main__":
    main()
