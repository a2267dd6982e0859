"""Timed scenarios for benchmarks/run.py: a function each, registered in SCENARIOS.

A scenario function makes ONE request through `bench` (the harness calls it over a single
keep-alive connection, first to warm up, then `--runs` times with a clock around each call)
and checks the answer, so a broken page cannot pass for a fast one.

A floor, where one exists, builds a function that does the least work the same answer
needs, straight through the database driver (no HTTP, no Django). It is timed the same
number of times; the table shows the scenario's median as a multiple of the floor's, which
is what the web stack (server, middleware, auth, ORM, JSON) adds on top of the bare SQL.

To add a scenario: write `def my_case(bench) -> None`, optionally a floor
`def my_case_floor(bench) -> Callable[[], object]`, and register both in SCENARIOS.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from run import Bench


@dataclass(frozen=True)
class Scenario:
    run: Callable[["Bench"], None]
    floor: Callable[["Bench"], Callable[[], object]] | None = None
    description: str = ""


def api_me(bench: "Bench") -> None:
    body = bench.get("/api/v1/me", headers={"Authorization": f"Bearer {bench.token}"})
    if b'"username": "admin"' not in body:
        raise AssertionError(f"/api/v1/me did not answer with the admin user: {body[:200]!r}")


def api_me_floor(bench: "Bench") -> Callable[[], object]:
    """What /api/v1/me needs at least: hash the token, one query for the token and its user."""
    query = bench.driver_query(
        "SELECT u.* FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
    )
    token = bench.token

    def floor() -> object:
        row = query(hashlib.sha256(token.encode()).hexdigest())
        if not row:
            raise AssertionError("the floor query found no user for the token")
        return row

    return floor


def login_page(bench: "Bench") -> None:
    body = bench.get("/login/")
    if b'name="username"' not in body:
        raise AssertionError("/login/ did not render the sign-in form")


SCENARIOS: dict[str, Scenario] = {
    "api_me": Scenario(
        api_me, floor=api_me_floor, description="GET /api/v1/me with a bearer token"
    ),
    "login_page": Scenario(login_page, description="GET /login/, anonymous"),
}
