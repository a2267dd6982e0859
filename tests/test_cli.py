"""The `ladoga` command, run as people and scripts run it: a real process."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_environment

LADOGA = [sys.executable, "-m", "ladoga.cli"]


@pytest.fixture
def cli_env(tmp_path):
    """A fresh LADOGA_HOME with its own SQLite database (or PostgreSQL is not touched)."""
    return cli_environment(tmp_path / "home")


def home_migrated(env: dict, migrated_sqlite: Path) -> dict:
    """`env`'s LADOGA_HOME as `ladoga migrate` leaves it: a copy of the migrated database."""
    home = Path(env["LADOGA_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_sqlite, home / "ladoga.sqlite3")
    return env


@pytest.fixture
def migrated_env(cli_env, migrated_sqlite):
    return home_migrated(cli_env, migrated_sqlite)


def ladoga(env, *args, check=False):
    # Migrating a fresh database with every app takes over two minutes on a loaded 2-core box.
    result = subprocess.run([*LADOGA, *args], env=env, capture_output=True, text=True, timeout=400)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_user_and_token_creation_through_the_cli(migrated_env, tmp_path):
    cli_env = migrated_env

    created = ladoga(
        cli_env,
        "user",
        "create",
        "anna",
        "--role",
        "head",
        "--department",
        "Moscow",
        "--password",
        "a long enough password",
        check=True,
    )
    assert "anna" in created.stdout
    token = ladoga(cli_env, "token", "create", "anna", check=True).stdout

    assert token.strip().startswith("ldg_")
    assert token.count("\n") == 1  # only the token
    assert (tmp_path / "home" / "secret.key").exists()
    assert oct((tmp_path / "home" / "secret.key").stat().st_mode & 0o777) == "0o600"


def test_unknown_role_is_refused_with_exit_2_and_no_user(migrated_env):
    cli_env = migrated_env

    result = ladoga(cli_env, "user", "create", "boris", "--role", "wizard")

    assert result.returncode == 2
    assert "Unknown role wizard" in result.stderr
    assert ladoga(cli_env, "token", "create", "boris").returncode == 2


def test_existing_name_is_refused_with_exit_2(migrated_env):
    cli_env = migrated_env
    ladoga(cli_env, "user", "create", "vera", "--role", "manager", check=True)

    result = ladoga(cli_env, "user", "create", "Vera", "--role", "admin")

    assert result.returncode == 2
    assert "The user name Vera is taken." in result.stderr


def test_weak_password_is_refused(migrated_env):
    cli_env = migrated_env

    result = ladoga(cli_env, "user", "create", "gleb", "--role", "manager", "--password", "123")

    assert result.returncode == 2
    assert "too short" in result.stderr


def test_demo_prints_the_administrator_credentials(cli_env):
    result = ladoga(cli_env, "demo", "--size", "10", "--quiet", check=True)

    line = next(x for x in result.stdout.splitlines() if x.startswith("Demo administrator"))
    assert line.startswith("Demo administrator: admin / ")


def test_deploy_check_is_clean_without_debug(cli_env):
    cli_env["LADOGA_ALLOWED_HOSTS"] = "crm.example.com"

    result = ladoga(cli_env, "manage", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_behind_a_tls_proxy_is_clean(cli_env):
    cli_env["LADOGA_ALLOWED_HOSTS"] = "crm.example.com"
    cli_env["LADOGA_SECURE_PROXY"] = "1"

    result = ladoga(cli_env, "manage", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_portal_user_without_a_partner_is_refused_with_exit_2(migrated_env):
    cli_env = migrated_env

    result = ladoga(cli_env, "user", "create", "client", "--role", "portal")

    assert result.returncode == 2
    assert "A portal user needs the partner it acts for." in result.stderr
    assert ladoga(cli_env, "token", "create", "client").returncode == 2
