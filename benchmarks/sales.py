"""Sales benchmarks (issue "Sales conditions and documents"), timed in-process.

    .venv/bin/python benchmarks/sales.py                      # SQLite in a temporary home
    .venv/bin/python benchmarks/sales.py --database-url postgresql://postgres@127.0.0.1:5432/DB

The PostgreSQL database must exist and be empty (it is migrated and filled). Scenarios:

- price_on_date: the price of a product on a date among 1,000,000 price records (p95);
- order_post_20_lines: posting an order of 20 lines, every rule checked (p95);
- revenue_year: revenue per partner for a year over 500,000 shipped orders (median).

Prints a table and writes JSON beside it (benchmarks/results/, git-ignored).
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


def setup(database_url: str | None) -> str:
    home = tempfile.mkdtemp(prefix="ladoga-sales-bench-")
    os.environ["LADOGA_HOME"] = home
    if database_url:
        os.environ["LADOGA_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladoga.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--prices", type=int, default=1_000_000)
    parser.add_argument("--shipments", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    home = setup(args.database_url)
    try:
        run(args)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(args) -> None:

    from django.db import connection, transaction

    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import user_create
    from ladoga.partners.models import Counterparty, Partner
    from ladoga.sales import pricing, queries, services
    from ladoga.sales.models import OrderStatus, Price, Product, Shipment

    rng = random.Random(1)
    D = Decimal
    admin = user_create(username="bench", role=Role.ADMIN)
    start = datetime.date(2020, 1, 1)
    results: dict[str, dict] = {}

    # 1,000,000 prices: 10,000 products × 100 price changes each.
    base = services.price_type_create(name="Base")
    products_count = max(1, args.prices // 100)
    Product.objects.bulk_create(
        [Product(code=f"B-{i}", name=f"Product {i}") for i in range(products_count)],
        batch_size=5000,
    )
    product_ids = list(Product.objects.values_list("pk", flat=True))
    batch = []
    for pk in product_ids:
        for step in range(100):
            batch.append(
                Price(
                    product_id=pk,
                    price_type=base,
                    effective_from=start + datetime.timedelta(days=15 * step),
                    amount=D(100 + step),
                )
            )
        if len(batch) >= 50_000:
            Price.objects.bulk_create(batch)
            batch = []
    Price.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in=rng.sample(product_ids, min(200, len(product_ids))))
    }
    timings = []
    for _ in range(args.runs):
        product = products[rng.choice(list(products))]
        day = start + datetime.timedelta(days=rng.randrange(0, 1500))
        began = time.perf_counter()
        pricing.price_on(product=product, price_type=base, on=day)
        timings.append((time.perf_counter() - began) * 1000)
    results["price_on_date"] = {
        "records": Price.objects.count(),
        "p95_ms": round(percentile(timings, 0.95), 3),
        "median_ms": round(statistics.median(timings), 3),
        "target_p95_ms": 5,
    }

    # Posting an order of 20 lines.
    partner = Partner.objects.create(
        name="Client", manager=admin, is_client=True, name_key="client"
    )
    counterparty = Counterparty.objects.create(partner=partner, short_name="Client", kind="person")
    agreement = services.agreement_create(
        name="Terms",
        price_type=base,
        valid_from=start,
        stages=[("prepayment", D("30"), 3), ("credit", D("70"), 14)],
        delivery_days=2,
        max_manual_discount=D("5"),
    )
    services.agreement_transition(agreement=agreement, status="agreed")
    services.agreement_transition(agreement=agreement, status="active")
    timings = []
    for _ in range(args.runs):
        lines = [
            services.LineIn(product=products[pk], quantity=D(rng.randint(1, 9)))
            for pk in rng.sample(list(products), 20)
        ]
        order = services.order_create(
            partner=partner,
            counterparty=counterparty,
            agreement=agreement,
            date=datetime.date(2023, 6, 1),
            lines=lines,
        )
        began = time.perf_counter()
        posted = services.order_post(order=order)
        timings.append((time.perf_counter() - began) * 1000)
        assert posted.status == OrderStatus.POSTED
    results["order_post_20_lines"] = {
        "p95_ms": round(percentile(timings, 0.95), 3),
        "median_ms": round(statistics.median(timings), 3),
        "target_p95_ms": 50,
    }

    # Revenue per partner for a year over 500,000 shipped orders (one shipment each, spread
    # over two years and 2,000 partners; the orders themselves are not needed by the query).
    partners = Partner.objects.bulk_create(
        [
            Partner(name=f"P{i}", manager=admin, is_client=True, name_key=f"p{i}")
            for i in range(2000)
        ]
    )
    partner_ids = [p.pk for p in partners]
    Counterparty.objects.bulk_create(
        [Counterparty(partner_id=pk, short_name="C", kind="person") for pk in partner_ids]
    )
    counterparty_of = dict(Counterparty.objects.values_list("partner_id", "pk"))
    template_order = posted
    batch = []
    with transaction.atomic():
        for i in range(args.shipments):
            pk = rng.choice(partner_ids)
            batch.append(
                Shipment(
                    number=f"SB-{i:07d}",
                    date=datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(731)),
                    order=template_order,
                    partner_id=pk,
                    counterparty_id=counterparty_of[pk],
                    total=D(rng.randint(1000, 900000)) / 100,
                    vat_total=D("0"),
                )
            )
            if len(batch) >= 50_000:
                Shipment.objects.bulk_create(batch)
                batch = []
        Shipment.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings = []
    for _ in range(max(5, args.runs // 20)):
        began = time.perf_counter()
        rows = queries.revenue_by_partner(queries.Period.year(2024), user=admin)
        timings.append((time.perf_counter() - began) * 1000)
    results["revenue_year"] = {
        "shipments": Shipment.objects.count(),
        "partners": len(rows),
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "target_ms": 300,
    }

    engine = connection.vendor
    print(f"\nSales benchmarks on {engine}")
    for name, figures in results.items():
        print(f"  {name:22s} " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    target = out / f"{datetime.datetime.now():%Y%m%d-%H%M%S}-sales-{engine}.json"
    target.write_text(json.dumps({"engine": engine, "results": results}, indent=1))
    print(f"  written to {target}")


if __name__ == "__main__":
    main()
