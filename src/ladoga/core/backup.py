"""Backup and restore (X8): one archive format for SQLite and PostgreSQL.

`ladoga backup FILE` writes a tar.gz whose members are, in this order:

    manifest.json      format marker and version, Ladoga version, engine, created_at, the
                       applied migrations, row counts per table, size and sha256 of every
                       other member
    database.sqlite3   SQLite: a copy made with SQLite's online backup API, a consistent
                       snapshot even while the server writes (WAL readers do not block)
    database.pgdump    PostgreSQL: `pg_dump -Fc`, taken from an exported snapshot so the
                       row counts in the manifest describe exactly the dumped data
    files/...          LADOGA_HOME/files (settings.FILES_ROOT), the uploaded files

The manifest comes first so that `ladoga restore` can refuse a foreign archive at its first
member. Restore checks everything before it touches anything: a readable gzip/tar stream,
the marker and format version, the engine, migrations this code knows, safe member names
(no absolute paths, no `..`, no links or devices), sizes and checksums, and that the
database member is readable (`PRAGMA integrity_check` / `pg_restore --list`). Members are
unpacked into a staging folder next to the files folder; only then is the database
replaced (SQLite: the backup API into the live file; PostgreSQL: `pg_restore --clean
--if-exists --no-owner --single-transaction`, so a failure rolls back) and the files folder
swapped by rename. The archive holds password hashes and customer data: it is written
with mode 0600.

PostgreSQL tools get the connection from settings.DATABASES as a libpq connection string;
the password travels in PGPASSWORD, never on the command line.
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import closing
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections

import ladoga

FORMAT = "ladoga-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
FILES = "files"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or the restore failed; the message says why."""


class BackupRefused(BackupError):
    """The archive was refused before anything was changed (the CLI exits with 2)."""


# ---------------------------------------------------------------- the configured database


def _database() -> tuple[str, dict]:
    db = settings.DATABASES["default"]
    engine = ENGINES.get(db["ENGINE"])
    if engine is None:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {db['ENGINE']}")
    if engine == "sqlite" and str(db["NAME"]) in {"", ":memory:"}:
        raise BackupError("the SQLite database is in memory; there is nothing to back up")
    return engine, db


def _pg_connection(db: dict) -> tuple[str, dict, dict]:
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


def _run(args: list[str], *, env: dict | None = None, what: str) -> str:
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


def _sqlite_tables(conn: sqlite3.Connection) -> dict[str, int]:
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


def _pg_tables(cursor) -> dict[str, int]:
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


def _sqlite_dump(db: dict, out: Path) -> tuple[dict[str, int], list[str]]:
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
            return _sqlite_tables(copy), _sqlite_migrations(copy)
    except sqlite3.Error as error:
        raise BackupError(f"cannot copy the SQLite database {live}: {error}") from None


def _pg_dump(db: dict, out: Path) -> tuple[dict[str, int], list[str]]:
    import psycopg

    conninfo, env, kwargs = _pg_connection(db)
    try:
        with psycopg.connect(conninfo, **kwargs) as conn, conn.cursor() as cursor:
            # Counts, migrations and pg_dump all read one exported snapshot, so the manifest
            # describes exactly the data in the dump even while the server keeps writing.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = _pg_tables(cursor)
            migrations = _pg_migrations(cursor, tables)
            _run(
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


# ---------------------------------------------------------------------------- backup


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def _files_listing(root: Path) -> dict[str, tuple[Path, int, str]]:
    """Regular files under `root` by archive name. Uploads are written once under generated
    names and never changed, so hashing them before archiving is safe; a change in between
    is caught and reported."""
    listing = {}
    if not root.is_dir():
        return listing
    for current, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(current) / name
            if path.is_symlink() or not path.is_file():
                continue  # Ladoga writes only regular files here
            arcname = f"{FILES}/{path.relative_to(root).as_posix()}"
            listing[arcname] = (path, path.stat().st_size, _sha256(path))
    return listing


def _tarinfo(name: str, size: int = 0, *, directory: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mtime = int(datetime.datetime.now().timestamp())
    if directory:
        info.type, info.mode = tarfile.DIRTYPE, 0o700
    else:
        info.size, info.mode = size, 0o600
    return info


def backup_create(*, path) -> str:
    """Write the database and the files folder to a new archive at `path`.

    The archive is written beside `path` under a temporary name and renamed when complete,
    so `path` never holds half a backup.
    """
    engine, db = _database()
    target = Path(path).expanduser().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    files_root = Path(settings.FILES_ROOT).resolve()
    if target.is_relative_to(files_root):
        raise BackupError(f"write the backup outside the files folder {files_root}")
    db_member = DATABASE_MEMBER[engine]
    partial = target.with_name(f".{target.name}.partial")
    with tempfile.TemporaryDirectory(prefix=".ladoga-backup-", dir=target.parent) as work:
        dump = Path(work) / db_member
        tables, migrations = (_sqlite_dump if engine == "sqlite" else _pg_dump)(db, dump)
        files = _files_listing(files_root)
        members = {db_member: {"size": dump.stat().st_size, "sha256": _sha256(dump)}}
        members |= {name: {"size": size, "sha256": sha} for name, (_p, size, sha) in files.items()}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "ladoga_version": ladoga.__version__,
            "engine": engine,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": db_member,
            "migrations": migrations,
            "tables": tables,
            "files": len(files),
            "members": members,
        }
        body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(fd, 0o600)  # also when a stale partial file was there
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                    tar.addfile(_tarinfo(MANIFEST, len(body)), io.BytesIO(body))
                    with dump.open("rb") as f:
                        tar.addfile(_tarinfo(db_member, members[db_member]["size"]), f)
                    tar.addfile(_tarinfo(FILES, directory=True))
                    for name, (file_path, size, sha) in files.items():
                        _add_file(tar, name, file_path, size, sha)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    rows = sum(tables.values())
    return (
        f"Backup written to {target}: {engine}, {len(tables)} tables, {rows} rows, "
        f"{len(files)} files, {_human(target.stat().st_size)}."
    )


def _add_file(tar: tarfile.TarFile, name: str, path: Path, size: int, sha: str) -> None:
    try:
        with path.open("rb") as f:
            reader = _HashingReader(f)
            tar.addfile(_tarinfo(name, size), reader)
    except OSError as error:
        raise BackupError(f"cannot archive {path} ({error}); run the backup again") from None
    if reader.digest.hexdigest() != sha:
        raise BackupError(f"{path} changed while the backup was written; run the backup again")


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


# ---------------------------------------------------------------------------- restore


def _refused(path: Path, reason: str) -> BackupRefused:
    return BackupRefused(f"refused {path}: {reason}; nothing was changed")


def _unsafe(name: str) -> str | None:
    """Why a member name must not be unpacked, or None when it is a plain relative path."""
    if not name or "\x00" in name or "\\" in name:
        return f"member name {name!r} is not a plain path"
    path = PurePosixPath(name)
    if path.is_absolute():
        return f"member {name!r} has an absolute path"
    if ".." in path.parts:
        return f"member {name!r} points outside the archive with '..'"
    if str(path) != name:
        return f"member name {name!r} is not in canonical form"
    return None


def _known_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _manifest_problem(manifest, engine: str) -> str | None:
    """Why the manifest cannot be restored here, or None."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return "it is not a Ladoga backup (its manifest has no ladoga-backup marker)"
    version = manifest.get("format_version")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        return (
            f"its format version {version!r} is not one this Ladoga reads "
            f"(1 to {FORMAT_VERSION}); restore it with the Ladoga that made it or a newer one"
        )
    theirs = manifest.get("engine")
    if theirs != engine:
        return (
            f"it holds a {theirs} database, but Ladoga is configured for {engine}; "
            f"point LADOGA_DATABASE_URL at a {theirs} database to restore it"
        )
    members, tables = manifest.get("members"), manifest.get("tables")
    migrations = manifest.get("migrations")
    if (
        not isinstance(members, dict)
        or not isinstance(tables, dict)
        or not isinstance(migrations, list)
        or manifest.get("database") != DATABASE_MEMBER[engine]
        or DATABASE_MEMBER[engine] not in members
    ):
        return "its manifest is incomplete"
    for name, entry in members.items():
        if reason := _unsafe(name):
            return reason
        if name != DATABASE_MEMBER[engine] and not name.startswith(f"{FILES}/"):
            return f"member {name!r} is neither the database nor under {FILES}/"
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("size"), int)
            and entry["size"] >= 0
            and isinstance(entry.get("sha256"), str)
            and len(entry["sha256"]) == 64
        ):
            return f"its manifest entry for {name!r} is malformed"
    if not all(isinstance(v, int) for v in tables.values()):
        return "its manifest's row counts are malformed"
    unknown = sorted(set(map(str, migrations)) - _known_migrations())
    if unknown:
        return (
            f"it was made by a newer Ladoga ({manifest.get('ladoga_version')}) whose "
            f"migrations this version does not know ({', '.join(unknown[:5])}); upgrade first"
        )
    return None


def _unpack(source: Path, staging: Path, engine: str) -> dict:
    """Check the archive and unpack it into `staging`; returns the manifest.

    The gzip layer is read with gzip.GzipFile and drained to the end, so its CRC covers
    every byte, the manifest included; each other member is checked against the manifest's
    size and sha256 while it is written.
    """
    try:
        with (
            source.open("rb") as raw,
            gzip.GzipFile(fileobj=raw, mode="rb") as gz,
        ):
            with _tar_stream(gz, source) as tar:
                manifest = _unpack_members(tar, source, staging, engine)
            while gz.read(CHUNK):
                pass  # reach the end: GzipFile checks the CRC and the length there
    except BackupRefused:
        raise
    except gzip.BadGzipFile as error:
        if "Not a gzipped file" in str(error):
            raise _refused(source, "it is not a gzip-compressed tar archive") from None
        raise _refused(source, f"the archive is damaged ({error})") from None
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise _refused(source, f"the archive is damaged or truncated ({error})") from None
    except OSError as error:
        raise _refused(source, f"it cannot be unpacked ({error})") from None
    return manifest


def _tar_stream(gz: gzip.GzipFile, source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(fileobj=gz, mode="r|")
    except tarfile.ReadError:
        raise _refused(source, "it is not a gzip-compressed tar archive") from None


def _unpack_members(tar: tarfile.TarFile, source: Path, staging: Path, engine: str) -> dict:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise _refused(source, "it is not a Ladoga backup (manifest.json is not its first member)")
    if first.size > MANIFEST_MAX_BYTES:
        raise _refused(source, "its manifest is too large")
    try:
        manifest = json.loads(tar.extractfile(first).read())
    except (ValueError, UnicodeDecodeError):
        raise _refused(source, "its manifest is not valid JSON") from None
    if reason := _manifest_problem(manifest, engine):
        raise _refused(source, reason)
    members = manifest["members"]
    needed = sum(entry["size"] for entry in members.values())
    free = shutil.disk_usage(staging).free
    if needed > free:
        raise _refused(source, f"unpacking needs {_human(needed)}, only {_human(free)} is free")
    seen: set[str] = set()
    while (member := tar.next()) is not None:
        name = member.name
        if reason := _unsafe(name):
            raise _refused(source, reason)
        if member.isdir() and (name == FILES or name.startswith(f"{FILES}/")):
            continue
        if not member.isfile():
            raise _refused(source, f"member {name!r} is a link or a special file")
        entry = members.get(name)
        if entry is None or name in seen:
            raise _refused(source, f"member {name!r} is not listed in the manifest")
        if member.size != entry["size"]:
            raise _refused(source, f"member {name!r} has a size the manifest does not list")
        seen.add(name)
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with tar.extractfile(member) as data, target.open("xb") as out:
            while chunk := data.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise _refused(source, f"member {name!r} is damaged (its checksum does not match)")
    if missing := sorted(set(members) - seen):
        raise _refused(source, f"members are missing (truncated?): {', '.join(missing[:5])}")
    return manifest


def _sqlite_check(source: Path, copy: Path) -> None:
    try:
        with closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            has_migrations = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'"
            ).fetchone()
    except sqlite3.Error as error:
        raise _refused(source, f"its database copy cannot be read ({error})") from None
    if result != [("ok",)]:
        raise _refused(source, f"its database copy is damaged ({result[0][0]})")
    if not has_migrations:
        raise _refused(source, "its database copy is not a Ladoga database")


def _pg_check(source: Path, dump: Path, manifest: dict, db: dict) -> None:
    import psycopg

    try:
        _run(["pg_restore", "--list", str(dump)], what="pg_restore --list")
    except BackupError as error:
        raise _refused(source, f"its database dump cannot be read ({error})") from None
    conninfo, _env, kwargs = _pg_connection(db)
    try:
        with psycopg.connect(conninfo, **kwargs) as conn:
            live = {
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            }
    except psycopg.Error as error:
        raise BackupError(f"cannot connect to the PostgreSQL database: {error}") from None
    # pg_restore --clean drops only what the dump holds; tables of a newer schema would stay
    # behind, out of step with the restored django_migrations.
    if extra := sorted(live - set(manifest["tables"])):
        raise _refused(
            source,
            f"the database has tables the backup does not ({', '.join(extra[:5])}); "
            "restore into an empty database (drop and create it, then run restore again)",
        )


def _sqlite_load(copy: Path, db: dict) -> dict[str, int]:
    live = Path(db["NAME"])
    live.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as source,
            closing(sqlite3.connect(live, timeout=30)) as target,
        ):
            # The backup API writes every page under the target's write lock (through its
            # WAL), so other connections see the old database or the new one, never a mix.
            source.backup(target)
            return _sqlite_tables(target)
    except sqlite3.Error as error:
        raise BackupError(f"restoring the SQLite database {live} failed: {error}") from None


def _pg_load(dump: Path, db: dict) -> dict[str, int]:
    import psycopg

    conninfo, env, kwargs = _pg_connection(db)
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    try:
        _run([*command, f"--dbname={conninfo}", str(dump)], env=env, what="pg_restore")
    except BackupError as error:
        raise BackupError(f"{error} (rolled back: the database is as it was)") from None
    with psycopg.connect(conninfo, **kwargs) as conn, conn.cursor() as cursor:
        return _pg_tables(cursor)


def _files_swap(unpacked: Path, files_root: Path) -> None:
    aside = unpacked.parent / "files-before-restore"
    if files_root.exists():
        os.replace(files_root, aside)
    try:
        os.replace(unpacked, files_root)
    except OSError:
        if aside.exists():
            os.replace(aside, files_root)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _pending_migrations() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["default"])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def backup_restore(*, path) -> str:
    """Replace the database and the files folder with the contents of the archive at `path`.

    Raises BackupRefused, having changed nothing, when the archive is unreadable, foreign,
    damaged, unsafe or made for another engine or a newer Ladoga.
    """
    engine, db = _database()
    source = Path(path).expanduser().resolve()
    if not source.is_file():
        raise _refused(source, "there is no such file")
    files_root = Path(settings.FILES_ROOT)
    files_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ladoga-restore-", dir=files_root.parent))
    try:
        (staging / FILES).mkdir()
        manifest = _unpack(source, staging, engine)
        dump = staging / manifest["database"]
        if engine == "sqlite":
            _sqlite_check(source, dump)
        else:
            _pg_check(source, dump, manifest, db)

        # Everything is checked: from here on the live database and files are replaced.
        connections.close_all()
        counts = (_sqlite_load if engine == "sqlite" else _pg_load)(dump, db)
        _files_swap(staging / FILES, files_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if counts != manifest["tables"]:
        differ = sorted(
            t
            for t in counts.keys() | manifest["tables"].keys()
            if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"restored, but row counts differ from the backup in: {differ[:5]}")
    pending = _pending_migrations()
    rows = sum(counts.values())
    summary = (
        f"Restored {source} (made {manifest.get('created_at')} by Ladoga "
        f"{manifest.get('ladoga_version')}): {engine}, {len(counts)} tables, {rows} rows, "
        f"{manifest.get('files', 0)} files."
    )
    if pending:
        summary += f" The backup predates {pending} migrations: run `ladoga migrate`."
    return summary
