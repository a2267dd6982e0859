"""Classification benchmarks (SPEC A7), timed in-process.

    .venv/bin/python benchmarks/classification.py --clients 10000 --shipments 500000
    .venv/bin/python benchmarks/classification.py --database-url postgresql://postgres@127.0.0.1:5432/DB

The PostgreSQL database must exist and be empty (it is migrated and filled). Scenarios:

- recompute: the ABC/XYZ/RFM recomputation over 12 months (median, p95 of `--runs`),
  beside one hand-written SQL query computing the same ABC and XYZ classes (window
  functions; the variance from SUM(x) and SUM(x*x), which SQLite needs), and the ratio;
- matrix_page: the ABC×XYZ page for an administrator (p95).

Targets (issue 13): 100,000 clients / 5,000,000 shipment rows ≤ 30 s on PostgreSQL, ≤ 60 s
on SQLite, within 2× of the SQL floor; the page ≤ 100 ms.
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def setup(database_url: str | None, home: str | None = None) -> str:
    home = home or tempfile.mkdtemp(prefix="ladoga-classes-bench-")
    os.environ["LADOGA_HOME"] = home
    if database_url:
        os.environ["LADOGA_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladoga.settings")
    os.environ.setdefault("LADOGA_ALLOWED_HOSTS", "testserver,localhost")
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


FLOOR_SQL = """
WITH monthly AS (
    SELECT partner_id, {month} AS month, SUM(total) AS t
    FROM sales_shipment WHERE date >= %s AND date <= %s
    GROUP BY partner_id, {month}
),
per AS (
    SELECT partner_id, SUM(t) AS revenue, SUM(t * t) AS sq FROM monthly GROUP BY partner_id
),
positive AS (
    SELECT partner_id, revenue, sq,
        SUM(revenue) OVER (ORDER BY revenue DESC)
            - SUM(revenue) OVER (PARTITION BY revenue) AS before,
        SUM(revenue) OVER () AS total
    FROM per WHERE revenue > 0
)
SELECT partner_id,
    CASE WHEN before < total * 0.80 THEN 'A' WHEN before < total * 0.95 THEN 'B' ELSE 'C' END,
    CASE
        WHEN (sq / {n} - (revenue / {n}) * (revenue / {n})) * 10000
            <= 100 * (revenue / {n}) * (revenue / {n}) THEN 'X'
        WHEN (sq / {n} - (revenue / {n}) * (revenue / {n})) * 10000
            <= 625 * (revenue / {n}) * (revenue / {n}) THEN 'Y'
        ELSE 'Z' END
FROM positive
UNION ALL
SELECT partner_id, 'C', '' FROM per WHERE revenue <= 0
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--home",
        default=None,
        help="keep the installation in this folder; a second run finds the dataset there "
        "(or in the PostgreSQL database) and times it again without refilling",
    )
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--shipments", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page-runs", type=int, default=50)
    args = parser.parse_args()
    home = setup(args.database_url, args.home)
    try:
        run(args)
    finally:
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)


def fill(args, admin, on: datetime.date) -> None:
    """The dataset, written in bulk: clients and a year of shipments, Pareto-skewed."""
    from django.db import connection, transaction

    from ladoga.partners.models import Counterparty, Partner
    from ladoga.sales.models import CustomerOrder, Shipment

    rng = random.Random(1)
    D = Decimal
    began = time.perf_counter()
    partners = Partner.objects.bulk_create(
        [
            Partner(name=f"P{i}", manager=admin, is_client=True, name_key=f"p{i}")
            for i in range(args.clients)
        ],
        batch_size=5000,
    )
    ids = [p.pk for p in partners]
    counterparty = Counterparty.objects.create(partner=partners[0], short_name="C", kind="person")
    order = CustomerOrder.objects.create(
        number="B-1",
        date=on,
        partner=partners[0],
        counterparty=counterparty,
        delivery_date=on,
        status="posted",
    )
    with transaction.atomic():
        batch = []
        for i in range(args.shipments):
            pk = ids[min(len(ids) - 1, int(rng.paretovariate(1.2)) * 7 % len(ids))]
            pk = rng.choice(ids) if rng.random() < 0.6 else pk
            total = D(rng.randint(1000, 900000)) / 100
            batch.append(
                Shipment(
                    number=f"SB-{i:08d}",
                    date=datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
                    order=order,
                    partner_id=pk,
                    counterparty_id=counterparty.pk,
                    total=-total if rng.random() < 0.01 else total,
                )
            )
            if len(batch) >= 50_000:
                Shipment.objects.bulk_create(batch)
                batch = []
        Shipment.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"dataset: {args.clients} clients, {args.shipments} shipments in "
        f"{time.perf_counter() - began:.0f} s"
    )


def run(args) -> None:
    from django.db import connection
    from django.test import Client

    from ladoga.accounts.models import User
    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import user_create
    from ladoga.analytics.classification_services import classification_recompute
    from ladoga.analytics.models import ClientClassification
    from ladoga.sales.models import Shipment

    on = datetime.date(2026, 1, 15)  # twelve months: January – December 2025
    admin = User.objects.filter(username="bench").first()
    if admin is None:
        admin = user_create(username="bench", role=Role.ADMIN)
        fill(args, admin, on)
    else:
        args.shipments = Shipment.objects.count()
        print(f"dataset: reusing the one filled before ({args.shipments} shipments)")

    results: dict[str, dict] = {}
    timings = []
    for _ in range(args.runs):
        began = time.perf_counter()
        done = classification_recompute(by=admin, on=on)
        timings.append(time.perf_counter() - began)
        print(f"  recompute: {timings[-1]:.2f} s", flush=True)
    month = (
        "date_trunc('month', date)"
        if connection.vendor == "postgresql"
        else ("strftime('%%Y-%%m', date)")
    )
    sql = FLOOR_SQL.format(month=month, n=12)
    floor = []
    for _ in range(args.runs):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)])
            rows = cursor.fetchall()
        floor.append(time.perf_counter() - began)
        print(f"  SQL floor: {floor[-1]:.2f} s", flush=True)
    ours = dict(
        (
            (pk, (abc, xyz))
            for pk, abc, xyz in ClientClassification.objects.filter(run=done).values_list(
                "partner_id", "abc", "xyz"
            )
        )
    )
    sql_classes = {pk: (abc, xyz) for pk, abc, xyz in rows}
    differ = sum(1 for pk in ours if ours[pk] != sql_classes.get(pk))
    results["recompute"] = {
        "clients": done.clients,
        "shipments": args.shipments,
        "median_s": round(statistics.median(timings), 2),
        "p95_s": round(percentile(timings, 0.95), 2),
        "sql_floor_median_s": round(statistics.median(floor), 2),
        "sql_floor_p95_s": round(percentile(floor, 0.95), 2),
        "ratio": round(statistics.median(timings) / statistics.median(floor), 2),
        "classes_differing_from_sql": differ,
    }

    client = Client()
    client.force_login(admin)
    for _ in range(3):  # warm-up: templates, translations
        client.get("/analytics/classes/")
    page = []
    for _ in range(args.page_runs):
        began = time.perf_counter()
        response = client.get("/analytics/classes/")
        page.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    results["matrix_page"] = {
        "median_ms": round(statistics.median(page), 1),
        "p95_ms": round(percentile(page, 0.95), 1),
        "target_p95_ms": 100,
    }

    engine = connection.vendor
    print(f"\nClassification benchmarks on {engine}")
    for name, figures in results.items():
        print(f"  {name:12s} " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    target = out / f"{datetime.datetime.now():%Y%m%d-%H%M%S}-classification-{engine}.json"
    target.write_text(json.dumps({"engine": engine, "results": results}, indent=1))
    print(f"  written to {target}")


if __name__ == "__main__":
    main()
