"""`ladoga backup FILE`: the manifest first, then the database dump, then the files."""

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings

import ladoga
from ladoga.core.backup_log import backup_recorded
from ladoga.core.files import store_description

from .database import configured_database, pg_dump, sqlite_dump
from .format import CHUNK, DATABASE_MEMBER, FILES, FORMAT, FORMAT_VERSION, MANIFEST, BackupError

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


def files_elsewhere_note(store: dict, *, restored: bool = False) -> str:
    """What to tell the operator when the files live in an S3-compatible bucket."""
    where = f"the S3 bucket {store.get('bucket')!r} at {store.get('endpoint')}"
    if store.get("prefix"):
        where += f" (under {store['prefix']}/)"
    return (
        f"The uploaded files {'were' if restored else 'are'} NOT in this archive: they live "
        f"in {where} and must be backed up there (bucket versioning, replication or a copy "
        "of the bucket); the archive holds the database only."
    )


def backup_create(*, path) -> str:
    """Write the database and the files folder to a new archive at `path`.

    The archive is written beside `path` under a temporary name and renamed when complete,
    so `path` never holds half a backup. With an S3-compatible store the archive holds the
    database only: the manifest's "files_storage" names the bucket the files live in, and
    the summary says they must be backed up there.
    """
    store = store_description()
    engine, db = configured_database()
    target = Path(path).expanduser().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    files_root = Path(settings.FILES_ROOT).resolve()
    if target.is_relative_to(files_root):
        raise BackupError(f"write the backup outside the files folder {files_root}")
    db_member = DATABASE_MEMBER[engine]
    partial = target.with_name(f".{target.name}.partial")
    with tempfile.TemporaryDirectory(prefix=".ladoga-backup-", dir=target.parent) as work:
        dump = Path(work) / db_member
        tables, migrations = (sqlite_dump if engine == "sqlite" else pg_dump)(db, dump)
        files = _files_listing(files_root) if store is None else {}
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
        if store is not None:
            manifest["files_storage"] = store
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
    backup_recorded(path=target, when=datetime.datetime.now(datetime.UTC))
    rows = sum(tables.values())
    summary = (
        f"Backup written to {target}: {engine}, {len(tables)} tables, {rows} rows, "
        f"{len(files)} files, {human_size(target.stat().st_size)}."
    )
    if store is not None:
        summary += " " + files_elsewhere_note(store)
    return summary


def _add_file(tar: tarfile.TarFile, name: str, path: Path, size: int, sha: str) -> None:
    try:
        with path.open("rb") as f:
            reader = _HashingReader(f)
            tar.addfile(_tarinfo(name, size), reader)
    except OSError as error:
        raise BackupError(f"cannot archive {path} ({error}); run the backup again") from None
    if reader.digest.hexdigest() != sha:
        raise BackupError(f"{path} changed while the backup was written; run the backup again")


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
