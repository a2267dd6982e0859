"""The `ladoga` command (DESIGN.md): scripts and people rely on it, so keep it stable.

Exit codes: 0 done, 1 failed, 2 refused because of bad input.
"""

import argparse
import os
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladoga.settings")
    import django
    from django.conf import settings

    settings.HOME.mkdir(parents=True, exist_ok=True)
    django.setup()


def _fail(message: str, code: int = 2) -> int:
    print(f"ladoga: {message}", file=sys.stderr)
    return code


def cmd_migrate(args) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


class _MigrationProgress:
    """Turns `migrate`'s "Applying app.0001_x..." lines into "[n/N] app.0001_x" lines."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0

    def write(self, text: str) -> None:
        text = text.strip()
        if text.startswith("Applying "):
            self.done += 1
            name = text.removeprefix("Applying ").rstrip(".")
            print(f"  [{self.done}/{self.total}] {name}", flush=True)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _migrate_showing_progress() -> None:
    """Apply pending migrations, one line per migration: a first start takes a while (12)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils.translation import gettext as _

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return
    print(
        _("Preparing the database: %(count)d migrations to apply…") % {"count": len(plan)},
        flush=True,
    )
    call_command("migrate", interactive=False, verbosity=1, stdout=_MigrationProgress(len(plan)))


def _proxy_options() -> dict:
    """Behind a TLS proxy (LADOGA_SECURE_PROXY=1), waitress believes the scheme, client address
    and host that the proxy at LADOGA_TRUSTED_PROXY forwards, and drops them from anyone else."""
    from django.conf import settings

    if not settings.SECURE_PROXY:
        return {}
    return {
        "trusted_proxy": settings.TRUSTED_PROXY,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for", "x-forwarded-host"},
        "clear_untrusted_proxy_headers": True,
    }


def _embedded_worker_start():
    """With the SQLite queue, run huey's workers and scheduler in threads of this process so
    one command is a complete Ladoga (13); with Redis, `ladoga worker` runs apart."""
    import signal

    from django.conf import settings
    from django.utils.module_loading import autodiscover_modules
    from django.utils.translation import gettext as _
    from huey.contrib.djhuey import HUEY

    if settings.REDIS_URL:
        return None
    autodiscover_modules("tasks")
    consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=True)
    # The consumer installs its own signal handlers; the web server keeps the process's.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    consumer.start()
    for number, handler in handlers.items():
        signal.signal(number, handler)
    print(_("Background tasks run in this process (SQLite queue)."), flush=True)
    return consumer


def _stop_on_sigterm(number, frame) -> None:
    raise SystemExit(0)


def _warn_unless_shared_secret_key() -> None:
    """Sessions, CSRF and password-reset links are signed with the secret key: every app server
    must have the same one. With PostgreSQL (the database several servers share) and no
    LADOGA_SECRET_KEY, each server would generate its own into its own LADOGA_HOME."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    if os.environ.get("LADOGA_SECRET_KEY") or settings.DATABASES["default"]["ENGINE"].endswith(
        "sqlite3"
    ):
        return
    print(
        _(
            "Warning: the secret key comes from %(path)s. Every app server must use the same "
            "key: set LADOGA_SECRET_KEY to one value on all of them (docs/deploy.md)."
        )
        % {"path": settings.HOME / "secret.key"},
        file=sys.stderr,
        flush=True,
    )


def _serve_processes(args) -> int:
    """`--workers N`: N web processes under gunicorn; with the SQLite queue, one `ladoga worker`
    process beside them runs the background tasks (forking a process whose threads run tasks
    is unsafe, so they do not live in gunicorn's master)."""
    import subprocess

    from django.conf import settings
    from django.db import connections
    from django.utils.translation import gettext as _

    from ladoga.server import serve_with_gunicorn
    from ladoga.wsgi import application

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        print(
            _(
                "Note: the web processes share one SQLite file and take turns to write. "
                "SQLite serves one machine only: app servers on several machines need PostgreSQL."
            ),
            flush=True,
        )
    worker = None
    if not args.no_worker and not settings.REDIS_URL:
        worker = subprocess.Popen([sys.executable, "-m", "ladoga.cli", "worker"])
        print(_("Background tasks run in a `ladoga worker` process (SQLite queue)."), flush=True)
    connections.close_all()
    print(
        f"Ladoga is serving on http://{args.host}:{args.port}/ with {args.workers} processes "
        f"of {args.threads} threads (data in {settings.HOME})",
        flush=True,
    )
    try:
        return serve_with_gunicorn(
            application,
            host=args.host,
            port=args.port,
            workers=args.workers,
            threads=args.threads,
            trusted_proxy=settings.TRUSTED_PROXY if settings.SECURE_PROXY else None,
        )
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            print(_("Background tasks stopped."), flush=True)


def _gunicorn_missing() -> bool:
    try:
        import gunicorn.app.base  # noqa: F401  (UNIX only: it needs fcntl)
    except ImportError:
        return True
    return False


def cmd_serve(args) -> int:
    import signal

    from django.conf import settings
    from django.db import DatabaseError
    from django.utils.translation import gettext as _
    from waitress import serve

    from ladoga.demo import demo_admin_credentials, demo_fill, demo_is_empty

    if args.workers < 1:
        return _fail(_("--workers must be 1 or more."))
    if args.workers > 1 and _gunicorn_missing():
        return _fail(
            _(
                "--workers above 1 needs gunicorn, which runs on UNIX only; elsewhere run "
                "several `ladoga serve` on different ports behind the proxy."
            )
        )
    try:
        _migrate_showing_progress()
    except DatabaseError as error:
        return _fail(_("the database is not reachable: %(error)s") % {"error": error}, 1)
    if args.demo:
        if demo_is_empty():
            demo_fill(size=args.size, seed=1, progress=True)
        credentials = demo_admin_credentials()
        if credentials:
            print(f"Demo administrator: {credentials[0]} / {credentials[1]}")
    _warn_unless_shared_secret_key()
    if args.workers > 1:
        return _serve_processes(args)

    from ladoga.wsgi import application

    consumer = None if args.no_worker else _embedded_worker_start()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    print(
        f"Ladoga is serving on http://{args.host}:{args.port}/ (data in {settings.HOME})",
        flush=True,
    )
    try:
        serve(
            application,
            host=args.host,
            port=args.port,
            threads=args.threads,
            ident="Ladoga",
            **_proxy_options(),
        )
    except KeyboardInterrupt:
        pass
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
            print(_("Background tasks stopped."), flush=True)
    return 0


def cmd_demo(args) -> int:
    from django.core.management import call_command

    from ladoga.demo import demo_admin_credentials, demo_fill

    call_command("migrate", interactive=False, verbosity=0)
    demo_fill(size=args.size, seed=args.seed, progress=not args.quiet)
    credentials = demo_admin_credentials()
    if credentials:
        print(f"Demo administrator: {credentials[0]} / {credentials[1]}")
    return 0


def cmd_user_create(args) -> int:
    from django.db import transaction

    from ladoga.accounts.models import Department
    from ladoga.accounts.services import department_create, user_create
    from ladoga.core.errors import DomainError

    department = None
    try:
        # All or nothing: a portal user whose partner cannot be bound is not created.
        with transaction.atomic():
            if args.department:
                department = Department.objects.filter(name__iexact=args.department).first()
                if department is None:
                    department = department_create(name=args.department)
            user = user_create(
                username=args.username,
                role=args.role,
                password=args.password,
                email=args.email or "",
                department=department,
                partner_id=args.partner,
            )
    except DomainError as error:
        return _fail(error.detail)
    print(f"User {user.username} ({user.get_role_display()}) created.")
    return 0


def cmd_token_create(args) -> int:
    from ladoga.accounts.models import User
    from ladoga.accounts.services import token_create

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        return _fail(f"no active user named {args.username!r}")
    _record, token = token_create(user=user, name=args.name)
    print(token)
    return 0


def cmd_worker(args) -> int:
    from django.core.management import call_command

    call_command(
        "run_huey", workers=args.workers, worker_type="thread", periodic=not args.no_scheduler
    )
    return 0


def cmd_import_partners(args) -> int:
    from ladoga.partners.exchange.commands import import_partners

    return import_partners(args)


def cmd_backup(args) -> int:
    from ladoga.core.backup import BackupError, backup_create

    try:
        summary = backup_create(path=args.file)
    except BackupError as error:
        return _fail(str(error), 1)
    print(summary)
    return 0


def cmd_restore(args) -> int:
    from ladoga.core.backup import BackupError, BackupRefused, backup_restore

    try:
        summary = backup_restore(path=args.file)
    except BackupRefused as error:
        return _fail(str(error))
    except BackupError as error:
        return _fail(str(error), 1)
    print(summary)
    return 0


def cmd_manage(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ladoga manage", *args.rest])
    return 0


def parser() -> argparse.ArgumentParser:
    from ladoga.accounts.roles import Role

    root = argparse.ArgumentParser(prog="ladoga", description="Ladoga CRM")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate, then serve the web UI and API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="web server processes; above 1 they run under gunicorn (UNIX), see docs/deploy.md",
    )
    serve.add_argument("--threads", type=int, default=8, help="threads of each process")
    serve.add_argument("--demo", action="store_true", help="fill an empty database with demo data")
    serve.add_argument("--size", type=int, default=100, help="demo size (with --demo)")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run background tasks here (a separate `ladoga worker` runs them)",
    )
    serve.set_defaults(handler=cmd_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("--verbosity", type=int, default=1)
    migrate.set_defaults(handler=cmd_migrate)

    demo = commands.add_parser("demo", help="fill the database with deterministic demo data")
    demo.add_argument("--size", type=int, default=100)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(handler=cmd_demo)

    user = commands.add_parser("user", help="manage users").add_subparsers(
        dest="user_command", required=True, metavar="ACTION"
    )
    create = user.add_parser("create", help="create a user")
    create.add_argument("username")
    create.add_argument("--role", required=True, help="one of: " + ", ".join(Role.values))
    create.add_argument("--password")
    create.add_argument("--department")
    create.add_argument("--partner", type=int)
    create.add_argument("--email")
    create.set_defaults(handler=cmd_user_create)

    token = commands.add_parser("token", help="manage API tokens").add_subparsers(
        dest="token_command", required=True, metavar="ACTION"
    )
    token_create = token.add_parser("create", help="print a new API token for a user")
    token_create.add_argument("username")
    token_create.add_argument("--name", default="command line")
    token_create.set_defaults(handler=cmd_token_create)

    worker = commands.add_parser("worker", help="run background tasks and the scheduler")
    worker.add_argument("--workers", type=int, default=2)
    worker.add_argument(
        "--no-scheduler",
        action="store_true",
        help="only run tasks; another worker enqueues the periodic ones (docs/deploy.md)",
    )
    worker.set_defaults(handler=cmd_worker)

    imports = commands.add_parser("import", help="import data from a file").add_subparsers(
        dest="import_command", required=True, metavar="WHAT"
    )
    import_partners = imports.add_parser(
        "partners", help="import partners from CSV or XLSX, with the duplicate check"
    )
    import_partners.add_argument("file")
    import_partners.add_argument("--dry-run", action="store_true", help="write nothing")
    import_partners.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows when some have errors"
    )
    import_partners.add_argument("--encoding", default="utf-8", choices=["utf-8", "cp1251"])
    import_partners.add_argument("--user", help="act as this user (default: the first admin)")
    import_partners.add_argument(
        "--map", action="append", default=[], metavar="COLUMN=FIELD", help="map a column to a field"
    )
    import_partners.add_argument("--quiet", action="store_true", help="no progress bar")
    import_partners.set_defaults(handler=cmd_import_partners)

    backup = commands.add_parser("backup", help="write the database and files to FILE")
    backup.add_argument("file")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="replace the database and files from FILE")
    restore.add_argument("file")
    restore.set_defaults(handler=cmd_restore)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    return root


def _speak_the_terminal_language() -> None:
    """Messages in Russian when the terminal's locale is Russian, in English otherwise."""
    from django.utils import translation

    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
    translation.activate("ru" if (locale or "").lower().startswith("ru") else "en")


def main(argv: list[str] | None = None) -> int:
    try:
        _django()
    except ValueError as error:  # a LADOGA_* variable that cannot be used, e.g. a bad URL
        return _fail(f"configuration: {error}")
    _speak_the_terminal_language()
    args = parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
