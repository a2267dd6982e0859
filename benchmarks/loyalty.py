"""Loyalty benchmark (issue 13, "Speed"): card lookup by number over 1,000,000 cards.

    .venv/bin/python benchmarks/loyalty.py                       # SQLite in a temporary home
    .venv/bin/python benchmarks/loyalty.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

With --database-url a throw-away database is created on that server (the one named in the
URL is only used to connect) and dropped at the end. Data: `--cards` (1,000,000) EAN-13
cards of one kind, bulk-inserted, over `--partners` (20,000) partners of `--managers` (20)
sales managers. Scenarios, each for a random existing number typed as a scanner does:

- lookup_query: `queries.card_lookup(number, manager)` (record-level access applies);
- lookup_api: `GET /api/v1/loyalty-cards/lookup?number=` through the Django test client
  as a manager with a token (the whole request: auth, access, schema);
- floor_sql: the bare SQL `SELECT … FROM loyalty_loyaltycard WHERE number = %s`.

Target: lookup p95 ≤ 10 ms. Prints median, p95 and the ratio to the floor; writes JSON to
benchmarks/results/ (git-ignored).
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


def fill(cards: int, partners: int, managers: int, rng: random.Random):
    from django.db import connection, transaction
    from django.utils import timezone

    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import user_create
    from ladoga.loyalty import rules, services
    from ladoga.loyalty.models import LoyaltyCard
    from ladoga.partners.models import Partner

    people = [user_create(username=f"m{i}", role=Role.MANAGER) for i in range(managers)]
    Partner.objects.bulk_create(
        [
            Partner(name=f"Client {i}", name_key=f"client {i}", manager=people[i % managers])
            for i in range(partners)
        ],
        batch_size=5000,
    )
    partner_ids = list(Partner.objects.values_list("pk", flat=True))
    kind = services.card_kind_create(name="Bench", percent=5, prefix="200", check_digit="ean13")
    # Rows go in with executemany, not the ORM: a million model instances would cost more
    # than the lookups being measured. Numbers are the kind's own (rules.number_make).
    now = timezone.now()
    today = datetime.date.today()
    table = connection.ops.quote_name(LoyaltyCard._meta.db_table)
    sql = (
        f"INSERT INTO {table} (number, kind_id, partner_id, contact_id, issued_on, valid_to, "  # noqa: S608
        "status, replaced_by_id, percent, block_reason, created_at, updated_at, created_by_id, "
        "version) VALUES (%s, %s, %s, NULL, %s, NULL, 'active', NULL, 5, '', %s, %s, NULL, 1)"
    )
    numbers = []
    rows = []
    with connection.cursor() as cursor:
        for serial in range(1, cards + 1):
            number = rules.number_make(prefix="200", length=13, check_digit="ean13", serial=serial)
            numbers.append(number)
            rows.append((number, kind.pk, rng.choice(partner_ids), today, now, now))
            if len(rows) == 20_000:
                with transaction.atomic():
                    cursor.executemany(sql, rows)
                rows = []
        if rows:
            with transaction.atomic():
                cursor.executemany(sql, rows)
    return people, numbers


def timed(fn, samples: list[str], runs: int) -> list[float]:
    times = []
    for i in range(runs):
        number = samples[i % len(samples)]
        started = time.perf_counter()
        fn(number)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--cards", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=20_000)
    parser.add_argument("--managers", type=int, default=20)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    home, admin_url, db_name = harness.setup(args.database_url, "loyalty")
    try:
        from django.db import connection
        from django.test import Client

        from ladoga.accounts.services import token_create
        from ladoga.loyalty import queries
        from ladoga.loyalty.models import LoyaltyCard
        from ladoga.loyalty.queries import card_lookup

        started = time.perf_counter()
        people, _numbers = fill(args.cards, args.partners, args.managers, rng)
        filled = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # Lookups by a manager of numbers of that manager's own clients (found, not 404).
        manager = people[0]
        own = list(
            LoyaltyCard.objects.filter(partner__manager=manager).values_list("number", flat=True)
        )
        samples = rng.sample(own, min(len(own), args.runs))
        _token, token = token_create(user=manager)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="localhost")

        def query(number):
            assert card_lookup(number, manager) is not None

        def api(number):
            response = client.get("/api/v1/loyalty-cards/lookup", {"number": number})
            assert response.status_code == 200, response.content

        table = LoyaltyCard._meta.db_table

        def floor(number):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, number, kind_id, partner_id, status FROM {table} "  # noqa: S608
                    "WHERE number = %s",
                    [number],
                )
                assert cursor.fetchone() is not None

        plan_sql, plan_params = (
            queries.cards_visible_to(user=manager).filter(number=samples[0]).query.sql_with_params()
        )
        with connection.cursor() as cursor:
            explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            cursor.execute(explain + plan_sql, plan_params)
            print("plan:", "; ".join(str(row[-1]) for row in cursor.fetchall()))
        for fn in (floor, query, api):  # warm up
            timed(fn, samples, 30)
        results = {}
        for name, fn in (("floor_sql", floor), ("lookup_query", query), ("lookup_api", api)):
            times = timed(fn, samples, args.runs)
            results[name] = {
                "median_ms": round(statistics.median(times), 3),
                "p95_ms": round(harness.percentile(times, 0.95), 3),
            }
        floor_median = results["floor_sql"]["median_ms"] or 0.001
        print(
            f"{connection.vendor}: {args.cards:,} cards over {args.partners:,} partners "
            f"(filled in {filled:.0f} s), {args.runs} lookups each"
        )
        print(f"{'scenario':<14}{'median ms':>11}{'p95 ms':>9}{'× floor':>9}")
        for name, row in results.items():
            ratio = row["median_ms"] / floor_median
            row["ratio_to_floor"] = round(ratio, 1)
            print(f"{name:<14}{row['median_ms']:>11.3f}{row['p95_ms']:>9.3f}{ratio:>9.1f}")
        out = Path(__file__).parent / "results"
        out.mkdir(exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = out / f"{stamp}-loyalty-{connection.vendor}.json"
        target.write_text(json.dumps({"cards": args.cards, "results": results}, indent=2))
        print(f"JSON: {target}")
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(home, ignore_errors=True)
        if admin_url and db_name:
            harness.pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
