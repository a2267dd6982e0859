"""The shared test base: three actors (an owner, a colleague in the same department, an
outsider in another), their head, an administrator, a claims officer and a portal client,
plus `api_as(actor)` for API calls with a real bearer token."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client
from django.utils import translation

from ladoga.accounts.roles import Role
from ladoga.accounts.services import (
    department_create,
    department_head_set,
    token_create,
    user_create,
)

ACTORS = ("owner", "colleague", "outsider", "head", "admin", "claims", "portal")


@pytest.fixture
def departments(db):
    return {
        "sales": department_create(name="Sales"),
        "other": department_create(name="Other sales"),
    }


def _unbound_portal_user(username):
    """The shared portal actor starts bound to no partner, so each domain's tests bind it to
    their own; the services refuse to create such a user (issue 17, point 11)."""
    from django.contrib.auth.models import Group

    from ladoga.accounts.models import User
    from ladoga.accounts.roles import group_name

    user = User(username=username, role=Role.PORTAL, first_name=username.capitalize())
    user.language = "en"
    user.set_password("correct horse battery staple")
    user.save()
    user.groups.set([Group.objects.get_or_create(name=group_name(Role.PORTAL))[0]])
    return user


@pytest.fixture
def actors(departments):
    sales, other = departments["sales"], departments["other"]

    def make(username, role, department=None):
        if role == Role.PORTAL:
            return _unbound_portal_user(username)
        return user_create(
            username=username,
            role=role,
            password="correct horse battery staple",
            department=department,
            first_name=username.capitalize(),
            language="en",
        )

    people = {
        "owner": make("owner", Role.MANAGER, sales),
        "colleague": make("colleague", Role.MANAGER, sales),
        "outsider": make("outsider", Role.MANAGER, other),
        "head": make("head", Role.HEAD, sales),
        "admin": make("admin", Role.ADMIN),
        "claims": make("claims", Role.CLAIMS),
        "portal": make("portal", Role.PORTAL),
    }
    department_head_set(department=sales, head=people["head"])
    return people


@pytest.fixture
def owner(actors):
    return actors["owner"]


@pytest.fixture
def outsider(actors):
    return actors["outsider"]


@pytest.fixture
def admin_user(actors):
    return actors["admin"]


class ApiClient:
    """A test client speaking JSON to /api/v1/ with a bearer token (or none)."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Accept-Language": "en"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method, path, data=None, headers=None, **kwargs):
        body = json.dumps(data) if data is not None and not isinstance(data, str | bytes) else data
        return getattr(self.client, method)(
            path,
            data=body,
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
            **kwargs,
        )

    def get(self, path, data=None, **kwargs):
        return self.client.get(
            path, data=data, headers={**self.headers, **kwargs.pop("headers", {})}
        )

    def post(self, path, data=None, **kwargs):
        return self._call("post", path, data, **kwargs)

    def patch(self, path, data=None, **kwargs):
        return self._call("patch", path, data, **kwargs)

    def put(self, path, data=None, **kwargs):
        return self._call("put", path, data, **kwargs)

    def delete(self, path, **kwargs):
        return self._call("delete", path, None, **kwargs)


@pytest.fixture
def api_as(actors):
    """api_as("owner") → a client authenticated as that actor; api_as(None) → anonymous."""
    tokens: dict[str, str] = {}

    def client(actor: str | None) -> ApiClient:
        if actor is None:
            return ApiClient(None)
        if actor not in tokens:
            tokens[actor] = token_create(user=actors[actor], name="tests")[1]
        return ApiClient(tokens[actor])

    return client


@pytest.fixture
def browser_as(actors):
    """browser_as("owner") → a Django test client signed in as that actor."""

    def client(actor: str) -> Client:
        c = Client()
        c.force_login(actors[actor])
        return c

    return client


@pytest.fixture(autouse=True)
def english():
    """Tests read messages in English unless they switch language themselves."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def files_root(settings, tmp_path):
    """Uploaded files of each test go to a folder of its own (tests/core/test_storage_s3.py
    switches the store to a real S3-compatible server)."""
    settings.FILES_ROOT = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.FILES_ROOT)},
        },
    }
    return settings.FILES_ROOT


@pytest.fixture
def class_provider():
    """`class_provider(fn)` sets the partners' class provider for one test; the one the
    analytics app registered at start-up is put back afterwards."""
    from ladoga.partners import classes

    saved = list(classes._providers)

    def set_provider(provider):
        if provider is None:
            classes._providers.clear()
        else:
            classes.class_provider_set(provider)

    yield set_provider
    classes._providers[:] = saved


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (moto in server mode) on a free loopback port; its URL.

    Every moto server in the process shares one in-memory state, so a second server that a
    test stops (to play a store that is down) sees the same buckets."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class S3Bucket:
    """A bucket on the test S3 server, read with boto3 directly (not through Ladoga)."""

    def __init__(self, endpoint: str, name: str, prefix: str = "attachments"):
        import boto3

        self.endpoint, self.name, self.prefix = endpoint, name, prefix
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="ladoga-test",
            aws_secret_access_key="ladoga-test-secret",
            region_name="us-east-1",
        )

    def url(self, endpoint: str | None = None) -> str:
        return (
            f"s3://ladoga-test:ladoga-test-secret@{self.name}"
            f"?endpoint={endpoint or self.endpoint}&region=us-east-1&prefix={self.prefix}"
        )

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def s3_bucket(s3_server, settings, files_root):
    """Ladoga's files go to a fresh bucket on the test S3 server for this test."""
    import secrets

    from ladoga.settings import storage_from_url

    bucket = S3Bucket(s3_server, f"ladoga-{secrets.token_hex(6)}")
    bucket.client.create_bucket(Bucket=bucket.name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_url(bucket.url(), home=files_root.parent),
    }
    return bucket


def cli_environment(home) -> dict:
    """The environment of a `ladoga` process run as an operator runs it: no LADOGA_ setting
    but its own LADOGA_HOME (a fresh SQLite database; PostgreSQL is not touched)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LADOGA_")}
    env["LADOGA_HOME"] = str(home)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    return env


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite database migrated once by a real `ladoga migrate`, for the command-line
    tests that need one: each copies the file into its own fresh LADOGA_HOME (migrating
    every app takes longer than such a test). The secret key is not copied."""
    home = tmp_path_factory.mktemp("migrated") / "home"
    done = subprocess.run(
        [sys.executable, "-m", "ladoga.cli", "migrate", "--verbosity", "0"],
        env=cli_environment(home),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return home / "ladoga.sqlite3"
