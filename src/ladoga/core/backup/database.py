"""The configured database as backup and restore see it: engine, connection for the
PostgreSQL tools, row counts, applied migrations, and the consistent dump of each engine."""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings

from .format import ENGINES, BackupError

# ---------------------------------------------------------------- the configured database


def configured_database() -> tuple[str, dict]:
    db = settings.DATABASES["default"]
    engine = ENGINES.get(db["ENGINE"])
    if engine is None:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {db['ENGINE']}")
    if engine == "sqlite" and str(db["NAME"]) in {"", ":memory:"}:
        raise BackupError("the SQLite database is in memory; there is nothing to back up")
    return engine, db


def pg_connection(db: dict) -> tuple[str, dict, dict]:
    """A libpq connection string without the password, the environment carrying it, and
    keyword arguments for psycopg.connect."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    known = {d.keyword.decode() for d in psycopg.pq.Conninfo.get_defaults()} - {"password"}
    params = {"dbname": db["NAME"], "host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    # OPTIONS mixes libpq parameters (sslmode, ...) with Django's own (pool, ...).
    params |= {k: v for k, v in (db.get("OPTIONS") or {}).items() if k in known}
    params = {k: str(v) for k, v in params.items() if v not in {"", None}}
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return make_conninfo("", **params), env, {"password": db.get("PASSWORD") or None}


def tool_run(args: list[str], *, env: dict | None = None, what: str) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"{args[0]} is not installed; install the PostgreSQL client tools "
            "(the same major version as the server or newer)"
        ) from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: " + " | ".join(lines[-5:]))
    return done.stdout


def sqlite_tables(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    quoted = {name: '"' + name.replace('"', '""') + '"' for name in names}
    return {
        name: conn.execute(f"SELECT COUNT(*) FROM {quoted[name]}").fetchone()[0]  # noqa: S608
        for name in names
    }


def _sqlite_migrations(conn: sqlite3.Connection) -> list[str]:
    try:
        rows = conn.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    except sqlite3.DatabaseError:
        return []
    return [f"{app}.{name}" for app, name in rows]


def pg_tables(cursor) -> dict[str, int]:
    from psycopg import sql

    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    counts = {}
    for (name,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(name)))
        counts[name] = cursor.fetchone()[0]
    return counts


def _pg_migrations(cursor, tables) -> list[str]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def sqlite_dump(db: dict, out: Path) -> tuple[dict[str, int], list[str]]:
    live = Path(db["NAME"])
    if not live.is_file():
        raise BackupError(f"there is no database at {live}; run `ladoga migrate` first")
    try:
        with (
            closing(sqlite3.connect(live, timeout=30)) as source,
            closing(sqlite3.connect(out)) as copy,
        ):
            source.backup(copy)
            # One self-contained file in the archive, no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            return sqlite_tables(copy), _sqlite_migrations(copy)
    except sqlite3.Error as error:
        raise BackupError(f"cannot copy the SQLite database {live}: {error}") from None


def pg_dump(db: dict, out: Path) -> tuple[dict[str, int], list[str]]:
    import psycopg

    conninfo, env, kwargs = pg_connection(db)
    try:
        with psycopg.connect(conninfo, **kwargs) as conn, conn.cursor() as cursor:
            # Counts, migrations and pg_dump all read one exported snapshot, so the manifest
            # describes exactly the data in the dump even while the server keeps writing.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = pg_tables(cursor)
            migrations = _pg_migrations(cursor, tables)
            tool_run(
                [
                    "pg_dump",
                    "-Fc",
                    f"--snapshot={snapshot}",
                    f"--file={out}",
                    f"--dbname={conninfo}",
                ],
                env=env,
                what="pg_dump",
            )
            conn.rollback()
    except psycopg.Error as error:
        raise BackupError(f"cannot read the PostgreSQL database: {error}") from None
    return tables, migrations
