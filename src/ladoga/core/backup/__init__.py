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

from .create import backup_create
from .format import BackupError, BackupRefused
from .restore import backup_restore

__all__ = ["BackupError", "BackupRefused", "backup_create", "backup_restore"]
