"""`ladoga restore FILE`: check everything first, then replace the database and swap the
files folder."""

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from contextlib import closing
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections

from ladoga.core.files import store_description

from .create import files_elsewhere_note, human_size
from .database import configured_database, pg_connection, pg_tables, sqlite_tables, tool_run
from .format import (
    CHUNK,
    DATABASE_MEMBER,
    FILES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_MAX_BYTES,
    BackupError,
    BackupRefused,
)

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
    storage = manifest.get("files_storage")
    if storage is not None and not (
        isinstance(storage, dict)
        and all(isinstance(storage.get(key), str) for key in ("bucket", "endpoint"))
    ):
        return "its manifest's files_storage entry is malformed"
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
        raise _refused(
            source, f"unpacking needs {human_size(needed)}, only {human_size(free)} is free"
        )
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
        tool_run(["pg_restore", "--list", str(dump)], what="pg_restore --list")
    except BackupError as error:
        raise _refused(source, f"its database dump cannot be read ({error})") from None
    conninfo, _env, kwargs = pg_connection(db)
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
            return sqlite_tables(target)
    except sqlite3.Error as error:
        raise BackupError(f"restoring the SQLite database {live} failed: {error}") from None


def _pg_load(dump: Path, db: dict) -> dict[str, int]:
    import psycopg

    conninfo, env, kwargs = pg_connection(db)
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    try:
        tool_run([*command, f"--dbname={conninfo}", str(dump)], env=env, what="pg_restore")
    except BackupError as error:
        raise BackupError(f"{error} (rolled back: the database is as it was)") from None
    with psycopg.connect(conninfo, **kwargs) as conn, conn.cursor() as cursor:
        return pg_tables(cursor)


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
    engine, db = configured_database()
    source = Path(path).expanduser().resolve()
    if not source.is_file():
        raise _refused(source, "there is no such file")
    store = store_description()
    files_root = Path(settings.FILES_ROOT)
    files_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ladoga-restore-", dir=files_root.parent))
    try:
        (staging / FILES).mkdir()
        manifest = _unpack(source, staging, engine)
        files_storage = manifest.get("files_storage")
        if store is not None and files_storage is None and manifest.get("files"):
            raise _refused(
                source,
                f"it holds {manifest['files']} files of a local files folder, but Ladoga keeps "
                f"files in the S3 bucket {store['bucket']!r} at {store['endpoint']}; restore it "
                "with LADOGA_STORAGE_URL unset, then copy the files folder into the bucket "
                "(docs/storage.md)",
            )
        dump = staging / manifest["database"]
        if engine == "sqlite":
            _sqlite_check(source, dump)
        else:
            _pg_check(source, dump, manifest, db)

        # Everything is checked: from here on the live database and files are replaced.
        connections.close_all()
        counts = (_sqlite_load if engine == "sqlite" else _pg_load)(dump, db)
        if files_storage is None and store is None:
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
    if files_storage is not None:
        summary += " " + files_elsewhere_note(files_storage, restored=True)
        if store is None or (store["bucket"], store["endpoint"]) != (
            files_storage.get("bucket"),
            files_storage.get("endpoint"),
        ):
            summary += (
                " Ladoga is not configured for that bucket now: point LADOGA_STORAGE_URL at "
                "it (or a copy of it), or the restored records' files cannot be downloaded."
            )
    return summary
