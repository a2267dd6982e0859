"""Partner import benchmark (issue "Partners and master data", P12), timed in-process.

    .venv/bin/python benchmarks/partners_import.py                  # SQLite, temporary home
    .venv/bin/python benchmarks/partners_import.py --database-url postgresql://postgres@127.0.0.1:5432/DB

The PostgreSQL database must exist and be empty (it is migrated and filled). The scenario:
a 10,000-row CSV (name, INN, phone, e-mail, roles) against `--existing` partners already in
the database, a tenth of the rows naming one of them by INN (updates) and a few per cent
repeating a phone (skipped as duplicates). Times the dry run and the import, each with the
duplicate check of every row (target: the import within 20 s), and the peak memory of the
reading. runs.py's HTTP harness does not suit: an import is one long job, not a request.

Prints a table and writes JSON beside the other results (benchmarks/results/, git-ignored).
"""

import argparse
import csv
import datetime
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def setup(database_url: str | None) -> Path:
    home = Path(tempfile.mkdtemp(prefix="ladoga-import-bench-"))
    os.environ["LADOGA_HOME"] = str(home)
    if database_url:
        os.environ["LADOGA_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladoga.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return home


SYLLABLES = "ба ве ги до жу зы ка ле ми но пу ры са ти фу хо".split()  # noqa: SIM905


def company(n: int) -> str:
    digits = f"{(n * 2654435761) % 16**7:07x}"
    return "".join(SYLLABLES[int(d, 16)] for d in digits).capitalize()


def inn10(n: int) -> str:
    from ladoga.partners import taxnumbers

    base = f"77{n:07d}"[-9:]
    return base + taxnumbers.inn_control_digits(base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--existing", type=int, default=2_000)
    args = parser.parse_args()
    home = setup(args.database_url)

    from django.db import connection

    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import user_create
    from ladoga.partners import services
    from ladoga.partners.exchange.importer import Importer
    from ladoga.partners.exchange.tabular import TableReader, mapping_guess

    admin = user_create(username="bench", role=Role.ADMIN, password="bench password 123")  # noqa: S106
    started = time.perf_counter()
    for n in range(args.existing):
        partner = services.partner_create(name=f"ООО «{company(n + 500_000)}»", by=admin)
        services.counterparty_create(
            partner=partner, short_name=partner.name, inn=inn10(n + 500_000), by=admin
        )
    fill_s = time.perf_counter() - started

    path = home / "partners.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Наименование", "ИНН", "Телефон", "E-mail", "Роли"])
        for n in range(args.rows):
            # every tenth row names an existing partner by INN: an update
            existing = n % 10 == 0 and n // 10 < args.existing
            inn = inn10(n // 10 + 500_000) if existing else inn10(n)
            phone_n = n - 1 if n % 37 == 0 and n else n  # repeats the row before: duplicate
            phone = f"+7 9{phone_n // 10_000_000 % 100:02d} {phone_n // 10000 % 1000:03d}-"
            phone += f"{phone_n // 100 % 100:02d}-{phone_n % 100:02d}"
            writer.writerow([f"ООО «{company(n)}»", inn, phone, f"info{n}@example.com", "клиент"])

    with TableReader(path, fmt="csv") as reader:
        mapping = mapping_guess(reader.headers)
        tracemalloc.start()
        rows = reader.count()
        _current, read_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    results = {}
    for name, dry_run in (("dry_run", True), ("import", False)):
        started, cpu = time.perf_counter(), time.process_time()
        report = Importer(
            path=path, fmt="csv", mapping=mapping, user=admin, dry_run=dry_run, skip_invalid=True
        ).run()
        seconds = time.perf_counter() - started
        results[name] = {
            "rows": rows,
            "seconds": round(seconds, 2),
            # this process only (not the PostgreSQL server): what another busy process on
            # the machine does not inflate
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "rows_per_second": round(rows / seconds),
            **report.counts,
            "target_s": 20,
        }
    results["reading"] = {"rows": rows, "peak_memory_kib": round(read_peak / 1024)}
    results["setup"] = {"existing_partners": args.existing, "fill_seconds": round(fill_s, 1)}

    engine = connection.vendor
    print(f"\nPartner import benchmark on {engine}")
    for name, figures in results.items():
        print(f"  {name:10s} " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    target = out / f"{datetime.datetime.now():%Y%m%d-%H%M%S}-partners-import-{engine}.json"
    target.write_text(json.dumps({"engine": engine, "results": results}, indent=1))
    print(f"  written to {target}")


if __name__ == "__main__":
    main()
