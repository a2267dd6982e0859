"""The handle a benchmark scenario works with (a module of its own, so that run.py imports the
scenarios and the scenarios import this without importing run.py back)."""

import http.client
import sqlite3
from collections.abc import Callable
from pathlib import Path


class Bench:
    """What a scenario works with: one keep-alive HTTP connection, an API token, and the
    database driver for floors."""

    def __init__(self, *, port: int, token: str, database_url: str, home: Path):
        self.port, self.token, self.database_url, self.home = port, token, database_url, home
        self.reconnects = 0
        self._http = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self._db = None

    def get(self, path: str, *, headers: dict | None = None, expect: int = 200) -> bytes:
        self._http.request("GET", path, headers=headers or {})
        response = self._http.getresponse()
        body = response.read()
        if response.status != expect:
            raise AssertionError(f"GET {path}: {response.status}, expected {expect}")
        if response.will_close:  # the server refused keep-alive: count it, carry on
            self.reconnects += 1
            self._http.close()
        return body

    def driver_query(self, sql: str) -> Callable[..., object]:
        """A function running `sql` (with %s placeholders) through the bare driver."""
        if self._db is None:
            if self.database_url.startswith("sqlite"):
                self._db = sqlite3.connect(self.database_url.removeprefix("sqlite:///"))
            else:
                import psycopg

                self._db = psycopg.connect(self.database_url, autocommit=True)
        if isinstance(self._db, sqlite3.Connection):
            sql = sql.replace("%s", "?")
            db = self._db

            def run_sqlite(*params):
                return db.execute(sql, params).fetchall()

            return run_sqlite
        cursor = self._db.cursor()

        def run_postgres(*params):
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall()

        return run_postgres

    def close(self) -> None:
        self._http.close()
        if self._db is not None:
            self._db.close()
