"""Backup and restore (X8) through the real `ladoga` command, on the configured engine.

Each instance is a temporary LADOGA_HOME with its own database: a SQLite file in the home,
or, when LADOGA_TEST_DATABASE_URL names PostgreSQL, a throw-away database on that server
(dropped afterwards). Commands run in subprocesses, as an operator would run them; the
tests read the database directly, not through the code under test.
"""

import datetime
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

LADOGA = Path(sys.executable).with_name("ladoga")
TEST_URL = os.environ.get("LADOGA_TEST_DATABASE_URL", "")
POSTGRES = TEST_URL.startswith(("postgres://", "postgresql://"))


@dataclass
class Instance:
    home: Path
    database_url: str
    extra_env: dict = field(default_factory=dict)

    @property
    def files(self) -> Path:
        return self.home / "files"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LADOGA_")}
        env |= {"LADOGA_HOME": str(self.home), "LADOGA_DATABASE_URL": self.database_url}
        return env | self.extra_env

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(LADOGA), *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def counts(self) -> dict[str, int]:
        """Rows per table, read straight from the database."""
        if self.database_url.startswith("sqlite"):
            with sqlite3.connect(self.database_url.removeprefix("sqlite:///")) as conn:
                names = [
                    r[0]
                    for r in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type='table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                count = 'SELECT COUNT(*) FROM "{}"'
                return {n: conn.execute(count.format(n)).fetchone()[0] for n in names}
        with psycopg.connect(self.database_url) as conn:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ]
            return {
                n: conn.execute(
                    sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(n))
                ).fetchone()[0]
                for n in names
            }

    def file_contents(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.files).as_posix(): p.read_bytes()
            for p in sorted(self.files.rglob("*"))
            if p.is_file()
        }

    def state(self) -> tuple[dict, dict]:
        return self.counts(), self.file_contents()


@pytest.fixture(scope="module")
def new_instance(tmp_path_factory):
    """new_instance() → an Instance with an empty database of the configured engine."""
    created: list[str] = []
    admin_url = urlsplit(TEST_URL)._replace(path="/postgres").geturl() if POSTGRES else ""

    def make() -> Instance:
        home = tmp_path_factory.mktemp("home")
        if not POSTGRES:
            return Instance(home, f"sqlite:///{home / 'ladoga.sqlite3'}")
        name = f"ladoga_backup_{secrets.token_hex(4)}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return Instance(home, urlsplit(TEST_URL)._replace(path=f"/{name}").geturl())

    yield make
    if created:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for name in created:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@pytest.fixture(scope="module")
def instance(new_instance):
    """Demo data, an API token and two uploaded files, backed up once."""
    instance = new_instance()
    instance.ok("demo", "--size", "20", "--quiet")
    instance.ok("token", "create", "admin")
    (instance.files / "2026" / "01").mkdir(parents=True)
    (instance.files / "2026" / "01" / "contract").write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    (instance.files / "2026" / "01" / "notes").write_text("Встреча во вторник\n")
    archive = instance.home.parent / f"{instance.home.name}-backup.tar.gz"
    summary = instance.ok("backup", str(archive))
    assert "Backup written" in summary
    instance.archive = archive
    instance.original = instance.state()
    return instance


def test_backup_archive_lists_every_member_with_its_checksum(instance):
    with tarfile.open(instance.archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())

    assert names[0] == "manifest.json"
    assert manifest["format"] == "ladoga-backup"
    assert manifest["engine"] == ("postgresql" if POSTGRES else "sqlite")
    assert manifest["tables"] == instance.original[0]
    assert "accounts.0001_initial" in manifest["migrations"]
    assert set(manifest["members"]) == {n for n in names if n not in {"manifest.json", "files"}}
    assert {"files/2026/01/contract", "files/2026/01/notes"} <= set(manifest["members"])
    assert oct(instance.archive.stat().st_mode & 0o777) == "0o600"


def test_restore_brings_back_rows_and_files(instance):
    counts, files = instance.original
    instance.ok(
        "manage",
        "shell",
        "--no-imports",
        "-c",
        "from ladoga.accounts.models import ApiToken, User;"
        "ApiToken.objects.all().delete();"
        "User.objects.update(first_name='Changed')",
    )
    instance.ok("user", "create", "intruder", "--role", "manager", "--department", "Elsewhere")
    (instance.files / "2026" / "01" / "notes").unlink()
    (instance.files / "stray").write_text("not in the backup")
    assert instance.state() != (counts, files)

    done = instance.run("restore", str(instance.archive))

    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout
    assert instance.counts() == counts
    assert instance.file_contents() == files
    assert not list(instance.home.glob(".ladoga-restore-*"))
    names = instance.ok(
        "manage",
        "shell",
        "--no-imports",
        "-c",
        "from ladoga.accounts.models import User;"
        "print(sorted(set(User.objects.values_list('first_name', flat=True))))",
    )
    assert "Changed" not in names


def test_restore_into_a_fresh_home_and_empty_database(instance, new_instance):
    fresh = new_instance()

    done = fresh.run("restore", str(instance.archive))

    assert done.returncode == 0, done.stderr
    assert fresh.counts() == instance.original[0]
    assert fresh.file_contents() == instance.original[1]


# ------------------------------------------------------------------ refused archives


def _members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive, "r:gz") as tar:
        return [(m, tar.extractfile(m).read() if m.isfile() else b"") for m in tar.getmembers()]


def _write(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            info.size = len(data) if info.isfile() else 0
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)


def _file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


def corrupt(good: Path, bad: Path) -> None:
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    bad.write_bytes(bytes(data))


def truncated(good: Path, bad: Path) -> None:
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])


def foreign(good: Path, bad: Path) -> None:
    _write(bad, [_file("hello.txt", b"hello"), _file("data/report.csv", b"a,b\n1,2\n")])


def not_an_archive(good: Path, bad: Path) -> None:
    bad.write_text("name,inn\nРомашка,7707083893\n")


def parent_member(good: Path, bad: Path) -> None:
    members = _members(good)
    _write(bad, [members[0], _file("../escape.txt", b"owned"), *members[1:]])


def absolute_member(good: Path, bad: Path) -> None:
    members = _members(good)
    _write(bad, [members[0], _file("/tmp/ladoga-escape.txt", b"owned"), *members[1:]])


def link_member(good: Path, bad: Path) -> None:
    link = tarfile.TarInfo("files/passwd")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    _write(bad, [*_members(good), (link, b"")])


def checksum_mismatch(good: Path, bad: Path) -> None:
    members = _members(good)
    for index, (info, data) in enumerate(members):
        if info.name == "files/2026/01/contract":
            members[index] = (info, bytes(len(data)))
    _write(bad, members)


def other_engine(good: Path, bad: Path) -> None:
    members = _members(good)
    manifest = json.loads(members[0][1])
    manifest["engine"] = "sqlite" if POSTGRES else "postgresql"
    members[0] = _file("manifest.json", json.dumps(manifest).encode())
    _write(bad, members)


def newer_format(good: Path, bad: Path) -> None:
    members = _members(good)
    manifest = json.loads(members[0][1])
    manifest["format_version"] = 99
    members[0] = _file("manifest.json", json.dumps(manifest).encode())
    _write(bad, members)


@pytest.mark.parametrize(
    "make_bad, message",
    [
        (corrupt, "damaged"),
        (truncated, "truncated"),
        (foreign, "not a Ladoga backup"),
        (not_an_archive, "not a gzip-compressed tar archive"),
        (parent_member, "outside the archive"),
        (absolute_member, "absolute path"),
        (link_member, "link"),
        (checksum_mismatch, "checksum"),
        (other_engine, "configured for"),
        (newer_format, "format version"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_bad_archive_is_refused_and_nothing_changes(instance, tmp_path, make_bad, message):
    bad = tmp_path / "bad.tar.gz"
    make_bad(instance.archive, bad)
    (instance.files / "after-backup").write_text("must survive a refused restore")
    before = instance.state()

    done = instance.run("restore", str(bad))

    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "nothing was changed" in done.stderr
    assert instance.state() == before
    assert not (instance.home / "escape.txt").exists()
    assert not (instance.home.parent / "escape.txt").exists()
    assert not list(instance.home.glob(".ladoga-restore-*"))
    (instance.files / "after-backup").unlink()


def test_restore_of_a_missing_file_is_refused(instance, tmp_path):
    done = instance.run("restore", str(tmp_path / "nowhere.tar.gz"))

    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_a_backup_is_recorded_for_the_dashboard(instance):
    record = json.loads((instance.home / "last-backup.json").read_text())

    assert record["file"] == str(instance.archive.resolve())
    assert datetime.datetime.fromisoformat(record["at"]).tzinfo is not None


# ------------------------------------------------------------ files in an S3 bucket


def _manifest(archive: Path) -> tuple[list[str], dict]:
    with tarfile.open(archive, "r:gz") as tar:
        return tar.getnames(), json.loads(tar.extractfile("manifest.json").read())


def test_backup_with_s3_storage_holds_the_database_and_says_where_the_files_are(
    instance, new_instance, s3_server
):
    from tests.conftest import S3Bucket

    bucket = S3Bucket(s3_server, f"ladoga-backup-{secrets.token_hex(4)}")
    bucket.client.create_bucket(Bucket=bucket.name)
    s3 = new_instance()
    s3.extra_env = {"LADOGA_STORAGE_URL": bucket.url()}
    s3.ok("migrate")
    s3.ok("user", "create", "boss", "--role", "admin")
    stored = s3.ok(
        "manage",
        "shell",
        "--no-imports",
        "-c",
        "from django.core.files.base import ContentFile;"
        "from ladoga.core.files import file_save;"
        "print(file_save('2026/01/contract', ContentFile(b'%PDF-1.7 contract')))",
    ).strip()
    assert bucket.keys() == [f"attachments/{stored}"]
    (s3.files / "imports").mkdir(parents=True)
    (s3.files / "imports" / "state.json").write_text("{}")  # a local working file
    archive = s3.home.parent / f"{s3.home.name}-s3.tar.gz"
    where = f"the S3 bucket '{bucket.name}' at {s3_server} (under attachments/)"

    summary = s3.ok("backup", str(archive))

    assert "0 files" in summary
    assert f"The uploaded files are NOT in this archive: they live in {where}" in summary
    assert "must be backed up there (bucket versioning, replication" in summary
    names, manifest = _manifest(archive)
    assert not [n for n in names if n.startswith("files/")]
    assert manifest["files"] == 0
    assert manifest["files_storage"] == {
        "kind": "s3",
        "bucket": bucket.name,
        "endpoint": s3_server,
        "prefix": "attachments",
    }

    counts = s3.counts()
    restored = s3.ok("restore", str(archive))
    assert f"The uploaded files were NOT in this archive: they live in {where}" in restored
    assert "not configured for that bucket" not in restored
    assert s3.counts() == counts
    assert bucket.keys() == [f"attachments/{stored}"]  # the bucket is left alone
    assert (s3.files / "imports" / "state.json").exists()

    local = new_instance()
    elsewhere = local.ok("restore", str(archive))
    assert f"they live in {where}" in elsewhere
    assert "Ladoga is not configured for that bucket now: point LADOGA_STORAGE_URL" in elsewhere

    before = s3.counts()
    refused = s3.run("restore", str(instance.archive))
    assert refused.returncode == 2
    assert "holds 2 files of a local files folder" in refused.stderr
    assert f"Ladoga keeps files in the S3 bucket '{bucket.name}'" in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert s3.counts() == before
