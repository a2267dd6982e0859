"""The client dossier benchmark (issue 12, A9 "Speed"), timed in-process.

    .venv/bin/python benchmarks/dossier.py                    # SQLite in a temporary home
    .venv/bin/python benchmarks/dossier.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

Data: one client of a sales manager with `--interactions` (1,000) interactions over three
years, `--deals` (40) deals and `--orders` (60) orders with a shipment each, plus 200 other
partners with a few interactions each so the indexes are not trivially small. Scenarios,
as the client's manager (record-level access applies):

- dossier_page: GET /analytics/partners/<id>/dossier/ through the Django test client;
- dossier_api: GET /api/v1/partners/<id>/dossier with a bearer token;
- dossier_function: analytics.dossier.dossier_of alone;
- floor_sql: the hand-written floor — the partner row, the latest 50 interactions and the
  interaction count in three plain SQL statements.

Target: p95 of the page ≤ 80 ms. Prints median, p95 and the ratio to the floor.
"""

import argparse
import datetime
import os
import random
import shutil
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import percentile, pg_admin, setup


def fill(args):
    from django.utils import timezone

    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import token_create, user_create
    from ladoga.deals.models import Deal, DealKind
    from ladoga.interactions.models import Interaction
    from ladoga.partners.models import Counterparty, Partner
    from ladoga.sales.models import CustomerOrder, Shipment

    rng = random.Random(7)
    manager = user_create(username="bench", role=Role.MANAGER, language="en")
    token = token_create(user=manager, name="bench")[1]
    partner = Partner.objects.create(name="ООО «Дозор»", is_client=True, manager=manager)
    counterparty = Counterparty.objects.create(
        partner=partner, short_name="Дозор", kind="legal_entity", inn="7707083893"
    )
    others = Partner.objects.bulk_create(
        Partner(name=f"Other {i}", is_client=True, manager=manager) for i in range(200)
    )
    now = timezone.now()
    kinds = ["call", "meeting", "email", "planned"]
    Interaction.objects.bulk_create(
        [
            Interaction(
                kind=rng.choice(kinds),
                title=f"Contact {i}",
                start=now - datetime.timedelta(hours=rng.randint(1, 3 * 365 * 24)),
                partner=partner,
                responsible=manager,
                review_status="reviewed",
            )
            for i in range(args.interactions)
        ]
        + [
            Interaction(
                kind="call",
                title="x",
                start=now - datetime.timedelta(days=rng.randint(1, 900)),
                partner=other,
                responsible=manager,
                review_status="reviewed",
            )
            for other in others
            for _ in range(5)
        ]
    )
    kind = DealKind.objects.get(process_type="manual")
    stage = kind.stages.filter(outcome="open").first()
    Deal.objects.bulk_create(
        Deal(
            number=f"DL-B-{i}",
            name=f"Deal {i}",
            partner=partner,
            manager=manager,
            kind=kind,
            stage=stage,
            amount=Decimal(rng.randint(1, 100) * 1000),
        )
        for i in range(args.deals)
    )
    orders = CustomerOrder.objects.bulk_create(
        CustomerOrder(
            number=f"ORD-B-{i}",
            date=now.date() - datetime.timedelta(days=7 * i),
            delivery_date=now.date(),
            status="posted",
            partner=partner,
            counterparty=counterparty,
            manager=manager,
            total=Decimal("1000.00"),
            amount=Decimal("1000.00"),
        )
        for i in range(args.orders)
    )
    Shipment.objects.bulk_create(
        Shipment(
            number=f"SH-B-{i}",
            date=order.date,
            order=order,
            partner=partner,
            counterparty=counterparty,
            total=order.total,
        )
        for i, order in enumerate(orders)
    )
    return manager, token, partner


def timed(function, runs: int, warmup: int = 10) -> list[float]:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(args) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from ladoga.analytics.dossier import dossier_of
    from ladoga.interactions.models import Interaction
    from ladoga.partners.models import Partner

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    manager, token, partner = fill(args)
    page = Client()
    page.force_login(manager)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    url = f"/analytics/partners/{partner.pk}/dossier/"
    api_url = f"/api/v1/partners/{partner.pk}/dossier"
    first = page.get(url)
    assert first.status_code == 200, (first.status_code, first.content[:300])
    assert api.get(api_url).status_code == 200
    p_table, i_table = Partner._meta.db_table, Interaction._meta.db_table

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT * FROM "{p_table}" WHERE id = %s', [partner.pk])  # noqa: S608
            cursor.fetchall()
            cursor.execute(
                f'SELECT * FROM "{i_table}" WHERE partner_id = %s ORDER BY start DESC, id DESC '  # noqa: S608
                "LIMIT 50",
                [partner.pk],
            )
            cursor.fetchall()
            count = f'SELECT COUNT(*) FROM "{i_table}" WHERE partner_id = %s'  # noqa: S608
            cursor.execute(count, [partner.pk])
            cursor.fetchall()

    scenarios = {
        "floor_sql": floor,
        "dossier_function": lambda: dossier_of(partner_id=partner.pk, user=manager),
        "dossier_api": lambda: api.get(api_url),
        "dossier_page": lambda: page.get(url),
    }
    results = {name: timed(function, args.runs) for name, function in scenarios.items()}
    base = statistics.median(results["floor_sql"])
    print(f"engine: {connection.vendor}; interactions of the partner: {args.interactions}")
    print(f"{'scenario':<18} {'median ms':>10} {'p95 ms':>8} {'× floor':>8}")
    for name, samples in results.items():
        median = statistics.median(samples)
        print(
            f"{name:<18} {median:>10.1f} {percentile(samples, 0.95):>8.1f} "
            f"{median / base if base else 0:>8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--interactions", type=int, default=1000)
    parser.add_argument("--deals", type=int, default=40)
    parser.add_argument("--orders", type=int, default=60)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("LADOGA_DEBUG", "0")
    home, admin_url, db_name = setup(args.database_url, "dossier")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if admin_url and db_name:
            pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
