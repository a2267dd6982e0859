"""The archive format of a Ladoga backup: its marker, version, member names and errors."""

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
