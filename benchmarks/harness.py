"""What the in-process benchmarks share: percentiles, and a fresh installation (a temporary
LADOGA_HOME; on PostgreSQL a throw-away database) migrated and ready."""

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def setup(database_url: str | None, name: str) -> tuple[str, str | None, str | None]:
    """Returns (home, admin_url, db_name); admin_url and db_name are None on SQLite."""
    home = tempfile.mkdtemp(prefix=f"ladoga-{name}-bench-")
    os.environ["LADOGA_HOME"] = home
    admin_url = db_name = None
    if database_url:
        parts = urlsplit(database_url)
        admin_url = urlunsplit(parts._replace(path="/postgres", query=""))
        db_name = f"ladoga_bench_{name}_{os.getpid()}"
        pg_admin(admin_url, f'CREATE DATABASE "{db_name}"')
        os.environ["LADOGA_DATABASE_URL"] = urlunsplit(parts._replace(path="/" + db_name))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladoga.settings")
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "src"))
    sys.path.insert(0, str(root))  # the IMAP benchmark starts Dovecot with tests/dovecot.py
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return home, admin_url, db_name
