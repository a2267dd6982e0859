import pytest

from ladoga.settings import database_from_url


def test_postgresql_url():
    db = database_from_url("postgresql://crm:s%40cret@db.local:6432/ladoga?sslmode=require")

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "crm",
        "s@cret",
        "db.local",
        "6432",
        "ladoga",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_sqlite_url_uses_wal_and_immediate_transactions():
    db = database_from_url("sqlite:////var/lib/ladoga/db.sqlite3")

    assert db["NAME"] == "/var/lib/ladoga/db.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unsupported scheme 'mysql'"):
        database_from_url("mysql://x/y")
