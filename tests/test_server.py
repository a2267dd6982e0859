"""The pieces of `ladoga serve --workers N` that need no running server (ladoga.server, cli)."""

import pytest

from ladoga import cli
from ladoga.server import ForwardedHeaders, bind_address


def _seen(trusted: str, **environ) -> dict:
    seen = {}

    def application(environ, start_response):
        seen.update(environ)
        return [b""]

    ForwardedHeaders(application, trusted)({"wsgi.url_scheme": "http", **environ}, None)
    return seen


FORWARDED = {
    "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_HOST": "crm.example.com",
    "HTTP_HOST": "10.0.0.5:8000",
}


def test_the_trusted_proxy_is_believed():
    seen = _seen("10.0.0.1", REMOTE_ADDR="10.0.0.1", **FORWARDED)

    assert seen["REMOTE_ADDR"] == "198.51.100.7"  # the address the proxy itself saw
    assert seen["HTTP_HOST"] == "crm.example.com"
    assert seen["wsgi.url_scheme"] == "https"
    assert seen["HTTP_X_FORWARDED_PROTO"] == "https"


def test_anyone_else_loses_the_forwarded_headers():
    seen = _seen("10.0.0.1", REMOTE_ADDR="10.0.0.66", **FORWARDED)

    assert seen["REMOTE_ADDR"] == "10.0.0.66"
    assert seen["HTTP_HOST"] == "10.0.0.5:8000"
    assert seen["wsgi.url_scheme"] == "http"
    assert not {"HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST"} & set(
        seen
    )


def test_a_star_trusts_every_proxy_and_an_odd_scheme_is_ignored():
    seen = _seen("*", REMOTE_ADDR="10.0.0.66", HTTP_X_FORWARDED_PROTO="gopher")

    assert seen["wsgi.url_scheme"] == "http"


@pytest.mark.parametrize("host, expected", [("127.0.0.1", "127.0.0.1:8000"), ("::1", "[::1]:8000")])
def test_bind_address(host, expected):
    assert bind_address(host, 8000) == expected


def test_postgresql_without_a_shared_secret_key_is_warned_about(settings, monkeypatch, capsys):
    monkeypatch.delenv("LADOGA_SECRET_KEY", raising=False)
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")

    cli._warn_unless_shared_secret_key()

    assert "Every app server must use the same key" in capsys.readouterr().err


@pytest.mark.parametrize(
    "engine, secret",
    [("django.db.backends.postgresql", "shared"), ("django.db.backends.sqlite3", "")],
)
def test_no_warning_with_a_shared_key_or_sqlite(settings, monkeypatch, capsys, engine, secret):
    monkeypatch.setenv("LADOGA_SECRET_KEY", secret)
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", engine)

    cli._warn_unless_shared_secret_key()

    assert capsys.readouterr().err == ""
