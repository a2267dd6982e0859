import os
import subprocess
import sys
from pathlib import Path

import pytest

from ladoga.settings import database_from_url, storage_from_url


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


# ---------------------------------------------------------------- LADOGA_STORAGE_URL (X6)


def test_storage_defaults_to_the_files_folder_in_the_home(tmp_path):
    entry = storage_from_url("", home=tmp_path)

    assert entry == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "files")},
    }


def test_storage_file_url_names_the_folder(tmp_path):
    entry = storage_from_url("file:///srv/ladoga%20files", home=tmp_path)

    assert entry["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert entry["OPTIONS"] == {"location": "/srv/ladoga files"}


def test_storage_s3_url_with_credentials_endpoint_region_and_prefix(tmp_path):
    entry = storage_from_url(
        "s3://AKIA:se%2Fcret@crm-files?endpoint=http://minio.local:9000&region=eu-central-1"
        "&prefix=/ladoga/",
        home=tmp_path,
    )

    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    options = entry["OPTIONS"]
    config = options.pop("client_config")
    assert options == {
        "bucket_name": "crm-files",
        "endpoint_url": "http://minio.local:9000",
        "region_name": "eu-central-1",
        "location": "ladoga",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
        "access_key": "AKIA",
        "secret_key": "se/cret",
    }
    assert config.s3 == {"addressing_style": "path"}  # what MinIO and most servers need
    assert (config.connect_timeout, config.read_timeout) == (5, 30)


def test_storage_s3_credentials_come_from_the_aws_variables_when_not_in_the_url(
    tmp_path, monkeypatch
):
    from storages.backends.s3 import S3Storage

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-env")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    entry = storage_from_url("s3://crm-files", home=tmp_path)

    assert "access_key" not in entry["OPTIONS"] and entry["OPTIONS"]["endpoint_url"] is None
    assert entry["OPTIONS"]["client_config"].s3 == {"addressing_style": "auto"}  # Amazon
    store = S3Storage(**entry["OPTIONS"])
    assert (store.access_key, store.secret_key) == ("from-env", "env-secret")
    assert (store.default_acl, store.querystring_expire, store.file_overwrite) == (
        "private",
        60,
        False,
    )


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://files.local/crm", "unsupported scheme 'ftp'"),
        ("files", "unsupported scheme ''"),
        ("file://relative/path", "file:///absolute/path"),
        ("file:///srv/files?x=1", "file:///absolute/path"),
        ("s3://", "name the bucket as the host"),
        ("s3://bucket/folder", "name the bucket as the host"),
        ("s3://bucket?endpont=http://x", "unknown parameter 'endpont'"),
        ("s3://bucket?endpoint=minio:9000", "must be an http:// or https:// URL"),
        ("s3://bucket?addressing=sideways", "addressing is path, virtual or auto"),
        ("s3://bucket?endpoint", "cannot read the query"),
    ],
)
def test_bad_storage_urls_are_refused_with_the_reason(tmp_path, url, message):
    with pytest.raises(ValueError, match="LADOGA_STORAGE_URL") as error:
        storage_from_url(url, home=tmp_path)
    assert message in str(error.value)


def _cli_with(env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LADOGA_")}
    env |= {"LADOGA_HOME": str(tmp_path), **env_extra}
    return subprocess.run(
        [str(Path(sys.executable).with_name("ladoga")), "migrate", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "env_extra, message",
    [
        (
            {"LADOGA_STORAGE_URL": "ftp://files.local/crm"},
            "LADOGA_STORAGE_URL: unsupported scheme 'ftp'",
        ),
        (
            {"LADOGA_FILE_DOWNLOADS": "signed-url"},
            "LADOGA_FILE_DOWNLOADS=signed-url needs an S3 LADOGA_STORAGE_URL",
        ),
        ({"LADOGA_FILE_DOWNLOADS": "public"}, "LADOGA_FILE_DOWNLOADS: use ladoga or signed-url"),
    ],
)
def test_a_bad_storage_configuration_stops_the_start_with_a_clear_message(
    tmp_path, env_extra, message
):
    done = _cli_with(env_extra, tmp_path)

    assert done.returncode == 2
    assert done.stderr.startswith(f"ladoga: configuration: {message}")
