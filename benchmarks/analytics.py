"""Analytics benchmark (issue 12): the manager comparison, timed in-process.

    .venv/bin/python benchmarks/analytics.py                       # SQLite, 20,000 deals
    .venv/bin/python benchmarks/analytics.py --deals 200000        # the target size
    .venv/bin/python benchmarks/analytics.py --database-url postgresql://postgres@127.0.0.1:5432/DB

The PostgreSQL database must exist and be empty (it is migrated and filled). The dataset:
50 managers in 5 departments, 100 clients each, `--deals` deals over two years with
`--interactions` interactions (default ten per deal), half as many tasks and payments, as
many shipments, a claim per fifty deals. Timed: the manager comparison for 50 managers ×
12 indicators with the same period last year (a year against the year before), against
hand-written SQL computing the same figures (one grouped query per table and period, as
the report does). Both answers are checked to agree. Then every dashboard block, requested
on its own as htmx loads it, for a manager, a head and the administrator (server-side time
through Django's test client, and its query count). Prints median and p95 of each and
the ratio, and writes JSON beside it (benchmarks/results/, git-ignored).
"""

import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

INDICATORS = [
    "new_clients",
    "interactions",
    "meetings",
    "deals_opened",
    "deals_won",
    "won_amount",
    "win_rate",
    "revenue",
    "payments",
    "overdue_tasks",
    "unprocessed",
    "claims",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def setup(database_url: str | None, home: str | None = None) -> str:
    home = home or tempfile.mkdtemp(prefix="ladoga-analytics-bench-")
    os.environ["LADOGA_HOME"] = home
    if database_url:
        os.environ["LADOGA_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladoga.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if connection.vendor == "sqlite":
        # The fill is one long transaction: with SQLite's default 2 MB page cache its pages
        # spill to the WAL over and over (tens of GB written for 5,000,000 rows).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -4000000")
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--home",
        default=None,
        help="keep the installation in this folder; a second run finds the dataset there "
        "(or in the PostgreSQL database) and times it again without refilling",
    )
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--interactions", type=int, default=None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    args.interactions = args.interactions or args.deals * 10
    home = setup(args.database_url, args.home)
    try:
        run(args)
    finally:
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)


def fill(args, rng: random.Random):
    """The dataset, written in bulk."""
    from django.db import connection, transaction
    from django.utils import timezone

    from ladoga.accounts.models import Department, User
    from ladoga.accounts.roles import Role
    from ladoga.claims.models import Claim
    from ladoga.deals.models import Deal, DealKind
    from ladoga.interactions.models import Interaction, Task
    from ladoga.partners.models import Counterparty, Partner
    from ladoga.sales.models import CustomerOrder, Invoice, Payment, Shipment

    D = Decimal
    now = timezone.now()
    today = timezone.localdate()
    admin = User.objects.create(username="bench", role=Role.ADMIN)
    departments = [Department.objects.create(name=f"Dept {i}") for i in range(5)]
    managers = User.objects.bulk_create(
        [
            User(username=f"m{i}", role=Role.MANAGER, department=departments[i % 5])
            for i in range(50)
        ]
    )
    manager_ids = [m.pk for m in managers]

    def moment(days: int = 730):
        return now - datetime.timedelta(days=rng.randrange(days), hours=rng.randrange(24))

    def bulk(model, rows):
        return model.objects.bulk_create(rows, batch_size=5000)

    with transaction.atomic():
        partners = bulk(
            Partner,
            [
                Partner(
                    name=f"P{i}",
                    name_key=f"p{i}",
                    manager_id=manager_ids[i % 50],
                    is_client=True,
                )
                for i in range(5000)
            ],
        )
        Partner.objects.filter(pk__in=[p.pk for p in partners[::3]]).update(created_at=moment())
        partner_ids = [p.pk for p in partners]
        bulk(Counterparty, [Counterparty(partner_id=pk, short_name="C") for pk in partner_ids])
        counterparty_of = dict(Counterparty.objects.values_list("partner_id", "pk"))
        manager_of = {p.pk: p.manager_id for p in partners}
        kind = DealKind.objects.get(process_type="non_process")
        deals = []
        for i in range(args.deals):
            pk = rng.choice(partner_ids)
            opened = moment()
            status = rng.choice(["in_progress", "won", "won", "lost"])
            closed = opened + datetime.timedelta(days=rng.randrange(60))
            closed = closed if status != "in_progress" and closed < now else None
            deals.append(
                Deal(
                    number=f"B-{i}",
                    name="Deal",
                    partner_id=pk,
                    manager_id=manager_of[pk],
                    kind=kind,
                    status=status if closed else "in_progress",
                    amount=D(rng.randint(1000, 900000)),
                    currency="EUR" if rng.random() < 0.03 else "RUB",
                    opened_on=timezone.localtime(opened).date(),
                    closed_at=closed,
                )
            )
        bulk(Deal, deals)
        kinds = ["call", "call", "email", "meeting", "planned"]
        batch = []
        for _ in range(args.interactions):
            start = moment()
            reviewed = rng.random() < 0.9
            batch.append(
                Interaction(
                    kind=rng.choice(kinds),
                    title="Talk",
                    start=start,
                    responsible_id=rng.choice(manager_ids),
                    partner_id=rng.choice(partner_ids),
                    review_status="reviewed" if reviewed else "not_reviewed",
                    reviewed_at=start + datetime.timedelta(days=rng.randrange(5))
                    if reviewed
                    else None,
                )
            )
            if len(batch) >= 50_000:
                bulk(Interaction, batch)
                batch = []
        bulk(Interaction, batch)
        tasks = []
        for _ in range(args.deals // 2):
            due = today - datetime.timedelta(days=rng.randrange(-30, 730))
            done = rng.random() < 0.7
            tasks.append(
                Task(
                    title="Call back",
                    assignee_id=rng.choice(manager_ids),
                    due_date=due,
                    status="done" if done else "open",
                    completed_at=moment() if done else None,
                )
            )
        bulk(Task, tasks)
        order = CustomerOrder.objects.create(
            number="O-1",
            date=today,
            partner_id=partner_ids[0],
            counterparty_id=counterparty_of[partner_ids[0]],
            delivery_date=today,
        )
        invoice = Invoice.objects.create(
            number="I-1",
            date=today,
            order=order,
            partner_id=partner_ids[0],
            counterparty_id=counterparty_of[partner_ids[0]],
            total=D(1),
        )
        shipments, payments = [], []
        for i in range(args.deals):
            pk = rng.choice(partner_ids)
            shipments.append(
                Shipment(
                    number=f"S-{i}",
                    date=timezone.localtime(moment()).date(),
                    order=order,
                    partner_id=pk,
                    counterparty_id=counterparty_of[pk],
                    total=D(rng.randint(1000, 900000)) / 100,
                )
            )
            if i % 2:
                day = timezone.localtime(moment()).date()
                payments.append(
                    Payment(
                        number=f"Y-{i}",
                        date=day,
                        invoice=invoice,
                        partner_id=pk,
                        amount=D(rng.randint(1000, 900000)) / 100,
                        due_date=day,
                    )
                )
        bulk(Shipment, shipments)
        bulk(Payment, payments)
        bulk(
            Claim,
            [
                Claim(
                    number=f"C-{i}",
                    date=timezone.localtime(moment()).date(),
                    partner_id=rng.choice(partner_ids),
                    essence="Broken",
                    culprit_employee_id=rng.choice(manager_ids),
                )
                for i in range(args.deals // 50)
            ],
        )
    if connection.vendor == "postgresql":
        # The tables read, not the whole database: a database-wide ANALYZE also takes
        # the shared catalogs and waits for other databases' transactions.
        with connection.cursor() as cursor:
            for model in (Partner, Interaction, Task, Deal, Shipment, Payment, Invoice, Claim):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return admin, manager_ids


def hand_sql(period, manager_ids) -> dict[str, dict[int, tuple]]:
    """The same figures by hand-written SQL: one grouped query per table, as the report."""
    from django.db import connection

    from ladoga.claims.models import Claim
    from ladoga.deals.models import Deal
    from ladoga.interactions.models import Interaction, Task
    from ladoga.partners.models import Partner
    from ladoga.sales.models import Invoice, Payment, Shipment

    # as the ORM stores them (SQLite: UTC text), so raw SQL compares like with like
    first, after = (connection.ops.adapt_datetimefield_value(t) for t in period.bounds())
    ids = ",".join(str(pk) for pk in manager_ids)
    t = {
        m.__name__: m._meta.db_table
        for m in (Partner, Interaction, Task, Deal, Shipment, Payment, Invoice, Claim)
    }
    queries = {
        "clients": (
            f"SELECT manager_id, COUNT(*) FROM {t['Partner']} WHERE manager_id IN ({ids}) "  # noqa: S608
            "AND created_at >= %s AND created_at < %s AND (is_client OR is_potential_client) "
            "AND merged_into_id IS NULL GROUP BY manager_id",
            [first, after],
        ),
        "interactions": (
            "SELECT responsible_id, COUNT(*), "  # noqa: S608
            "SUM(CASE WHEN kind = 'meeting' THEN 1 ELSE 0 END) "
            f"FROM {t['Interaction']} WHERE responsible_id IN ({ids}) "
            "AND start >= %s AND start < %s AND NOT (kind = 'email' AND email_status = 'draft') "
            "GROUP BY responsible_id",
            [first, after],
        ),
        "unprocessed": (
            f"SELECT responsible_id, COUNT(*) FROM {t['Interaction']} "  # noqa: S608
            f"WHERE responsible_id IN ({ids}) "
            "AND (start < %s OR (start IS NULL AND created_at < %s)) "
            "AND (review_status = 'not_reviewed' OR reviewed_at >= %s) "
            "AND (review_after IS NULL OR review_after <= %s) GROUP BY responsible_id",
            [after, after, after, period.end],
        ),
        "tasks": (
            f"SELECT assignee_id, COUNT(*) FROM {t['Task']} WHERE assignee_id IN ({ids}) "  # noqa: S608
            "AND due_date < %s AND (status = 'open' OR (status = 'done' AND completed_at >= %s)) "
            "GROUP BY assignee_id",
            [period.end, after],
        ),
        "deals": (
            "SELECT manager_id, "  # noqa: S608
            "SUM(CASE WHEN opened_on >= %s AND opened_on <= %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN closed_at >= %s AND closed_at < %s AND status = 'won' "
            "THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN closed_at >= %s AND closed_at < %s AND status = 'lost' "
            "THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN closed_at >= %s AND closed_at < %s AND status = 'won' "
            "AND currency = 'RUB' THEN amount END) "
            f"FROM {t['Deal']} WHERE manager_id IN ({ids}) "
            "AND ((opened_on >= %s AND opened_on <= %s) OR (closed_at >= %s AND closed_at < %s)) "
            "GROUP BY manager_id",
            [period.start, period.end, *(first, after) * 3, period.start, period.end, first, after],
        ),
        "shipments": (
            f"SELECT p.manager_id, SUM(s.total) FROM {t['Shipment']} s "  # noqa: S608
            f"JOIN {t['Partner']} p ON p.id = s.partner_id WHERE p.manager_id IN ({ids}) "
            "AND s.date >= %s AND s.date <= %s AND s.currency = 'RUB' GROUP BY p.manager_id",
            [period.start, period.end],
        ),
        "payments": (
            f"SELECT p.manager_id, SUM(y.amount) FROM {t['Payment']} y "  # noqa: S608
            f"JOIN {t['Partner']} p ON p.id = y.partner_id "
            f"JOIN {t['Invoice']} i ON i.id = y.invoice_id WHERE p.manager_id IN ({ids}) "
            "AND y.date >= %s AND y.date <= %s AND i.currency = 'RUB' GROUP BY p.manager_id",
            [period.start, period.end],
        ),
        "claims": (
            f"SELECT culprit_employee_id, COUNT(*) FROM {t['Claim']} "  # noqa: S608
            f"WHERE culprit_employee_id IN ({ids}) AND date >= %s AND date <= %s "
            "GROUP BY culprit_employee_id",
            [period.start, period.end],
        ),
    }
    found = {}
    with connection.cursor() as cursor:
        for name, (sql, params) in queries.items():
            cursor.execute(sql, params)
            found[name] = {row[0]: row[1:] for row in cursor.fetchall()}
    return found


def dashboard_timings(admin, manager_ids, runs: int) -> dict[tuple[str, str], dict]:
    """Each dashboard block as its own request, the way htmx loads it, for a manager, the head
    of the first department and the administrator: the server-side time of the whole answer."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ladoga.accounts.models import Department, User
    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import department_head_set
    from ladoga.analytics.dashboard import blocks_for

    manager = User.objects.get(pk=manager_ids[0])
    head = User.objects.filter(username="head").first() or User.objects.create(
        username="head", role=Role.HEAD, department=manager.department
    )
    department_head_set(department=Department.objects.get(pk=manager.department_id), head=head)
    found = {}
    for role, user in (("manager", manager), ("head", head), ("admin", admin)):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for block in blocks_for(user):
            url = f"/dashboard/blocks/{block.name}/"
            assert client.get(url).status_code == 200, url
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - began) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            found[(role, block.name)] = {
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "queries": len(queries),
            }
    return found


def monitoring_rules(rng: random.Random) -> dict[str, int]:
    """What "Deals that wait" looks for, as a company that uses it sets it up: a deal kind
    stalls after 30 days without a move or a contact, every open stage has a 14-day norm,
    and a third of the open tasks are about an open deal of their assignee. Idempotent, so
    a reused dataset gets it too (older datasets were filled without it)."""
    from django.db import connection, transaction

    from ladoga.deals.models import Deal, DealKind, Stage
    from ladoga.interactions.models import Task

    with transaction.atomic():
        DealKind.objects.update(stall_days=30)
        Stage.objects.filter(outcome="open").update(norm_days=14)
        if not Task.objects.filter(subject_type="deals.deal").exists():
            deals: dict[int, list[tuple[int, int]]] = {}
            for pk, manager_id, partner_id in Deal.objects.filter(status="in_progress").values_list(
                "pk", "manager_id", "partner_id"
            ):
                deals.setdefault(manager_id, []).append((pk, partner_id))
            changes = []
            for pk, assignee_id in Task.objects.filter(status="open").values_list(
                "pk", "assignee_id"
            ):
                if rng.random() < 1 / 3 and deals.get(assignee_id):
                    deal_id, partner_id = rng.choice(deals[assignee_id])
                    changes.append(("deals.deal", deal_id, partner_id, pk))
            table = connection.ops.quote_name(Task._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET subject_type = %s, subject_id = %s, "  # noqa: S608
                    "partner_id = %s WHERE id = %s",
                    changes,
                )
    return {
        "stalling_kinds": DealKind.objects.filter(stall_days__isnull=False).count(),
        "stages_with_norm": Stage.objects.filter(norm_days__isnull=False).count(),
        "open_deal_tasks": Task.objects.filter(status="open", subject_type="deals.deal").count(),
    }


def run(args) -> None:
    from django.db import connection
    from django.utils import timezone

    from ladoga.accounts.models import User
    from ladoga.analytics.managers import managers_compare
    from ladoga.core.periods import Period

    began = time.perf_counter()
    admin = User.objects.filter(username="bench").first()
    if admin is None:
        admin, manager_ids = fill(args, random.Random(1))
    else:
        manager_ids = list(
            User.objects.filter(username__regex=r"^m[0-9]+$")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        print("dataset: reusing the one filled before")
    print(f"monitoring rules: {monitoring_rules(random.Random(2))}")
    filled = time.perf_counter() - began
    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=364), today)
    compared = period.same_last_year()

    result = managers_compare(user=admin, period=period, compared=compared, indicators=INDICATORS)
    assert {line.manager_id for line in result.managers} >= set(manager_ids)
    check = hand_sql(period, manager_ids)
    for line in result.managers:
        won = check["deals"].get(line.manager_id, (0, 0, 0, None))[1]
        assert line.now["deals_won"] == (won or 0), line.label
        meetings = check["interactions"].get(line.manager_id, (0, 0))[1]
        assert line.now["meetings"] == (meetings or 0), line.label

    timings: dict[str, list[float]] = {"report": [], "hand_sql": []}
    for _ in range(args.runs):
        began = time.perf_counter()
        managers_compare(user=admin, period=period, compared=compared, indicators=INDICATORS)
        timings["report"].append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        hand_sql(period, manager_ids)
        hand_sql(compared, manager_ids)
        timings["hand_sql"].append((time.perf_counter() - began) * 1000)

    engine = connection.vendor
    figures = {
        name: {
            "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
        }
        for name, values in timings.items()
    }
    ratio = figures["report"]["median_ms"] / figures["hand_sql"]["median_ms"]
    print(
        f"\nManager comparison on {engine}: 50 managers × {len(INDICATORS)} indicators, "
        f"a year against the same period last year; {args.deals:,} deals, "
        f"{args.interactions:,} interactions (filled in {filled:.0f} s), {args.runs} runs"
    )
    print(f"  {'':10s} {'median ms':>10s} {'p95 ms':>10s}")
    for name, values in figures.items():
        print(f"  {name:10s} {values['median_ms']:10.1f} {values['p95_ms']:10.1f}")
    print(f"  ratio (median report / median hand SQL): {ratio:.2f} (target ≤ 1.5)")
    blocks = dashboard_timings(admin, manager_ids, args.runs)
    print(f"\nDashboard blocks on {engine} (server side, GET /dashboard/blocks/<name>/), ms")
    print(f"  {'role':8s} {'block':20s} {'median':>8s} {'p95':>8s} {'queries':>8s}")
    for (role, name), values in blocks.items():
        print(
            f"  {role:8s} {name:20s} {values['median_ms']:8.1f} {values['p95_ms']:8.1f} "
            f"{values['queries']:8d}"
        )
    worst = max(values["p95_ms"] for values in blocks.values())
    print(f"  slowest block p95: {worst:.1f} ms (target ≤ 100)")
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    target = out / f"{datetime.datetime.now():%Y%m%d-%H%M%S}-analytics-{engine}.json"
    target.write_text(
        json.dumps(
            {
                "engine": engine,
                "deals": args.deals,
                "interactions": args.interactions,
                "results": figures,
                "ratio": round(ratio, 2),
                "dashboard_blocks": {f"{r}/{n}": v for (r, n), v in blocks.items()},
            },
            indent=1,
        )
    )
    print(f"  written to {target}")


if __name__ == "__main__":
    main()
