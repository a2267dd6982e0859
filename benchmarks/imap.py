"""IMAP import benchmark (issue 16, I7): 10,000 messages taken in from a real Dovecot.

    .venv/bin/python benchmarks/imap.py                        # SQLite in a temporary home
    .venv/bin/python benchmarks/imap.py --messages 2000
    .venv/bin/python benchmarks/imap.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

Dovecot is started with the tests' fixture code (tests/dovecot.py), on loopback ports of a
temporary folder; `--messages` messages are APPENDed to its INBOX (MULTIAPPEND, 500 at a
time): 50 clients' contact persons write to a manager, every fifth message answers the one
before it (threading), every tenth carries a small CSV attachment. Timed: one
`mail_account_fetch` of the account, end to end (IMAP FETCH in batches of 200, parsing,
participants by address, threading, the original .eml and attachments stored, one
transaction per batch, a savepoint per message), then a second fetch that finds nothing
new. Target: 10,000 messages in ≤ 5 minutes. Prints a table and writes JSON
(benchmarks/results/, git-ignored).
"""

import argparse
import datetime
import json
import shutil
import statistics
import time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parents[1]


def message(number: int, sender: str, manager: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = manager
    mail["Subject"] = f"Заказ №{number}: уточнение"
    mail["Date"] = format_datetime(datetime.datetime.now(datetime.UTC))
    mail["Message-ID"] = f"<bench{number}@clients.example>"
    if number % 5 == 0 and number > 1:
        mail["In-Reply-To"] = f"<bench{number - 1}@clients.example>"
        mail["References"] = f"<bench{number - 1}@clients.example>"
    mail.set_content(f"Добрый день! Письмо {number}.\n" + "Прошу уточнить сроки поставки. " * 30)
    if number % 10 == 0:
        mail.add_attachment(
            f"item;qty\nA-{number};{number % 97}\n".encode(),
            maintype="text",
            subtype="csv",
            filename=f"order-{number}.csv",
        )
    return mail.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    home, admin_url, db_name = harness.setup(args.database_url or None, "imap")
    from django.db import connection

    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import user_create
    from ladoga.interactions.models import ImportedMessage, Interaction
    from ladoga.interactions.services import mail_account_connect, mail_account_fetch
    from ladoga.interactions.services import mailboxes as mailbox_services
    from ladoga.partners.services import contact_create, contact_info_add, partner_create
    from tests.dovecot import PASSWORD, USER, DovecotServer

    engine = connection.vendor
    manager = user_create(
        username="manager", role=Role.MANAGER, email="manager@ladoga.example", language="en"
    )
    senders = []
    for n in range(50):
        partner = partner_create(name=f"Клиент {n}", roles=["client"], manager=manager, by=manager)
        person = contact_create(partner=partner, last_name=f"Иванов{n}", by=manager)
        address = f"buyer{n}@client{n}.example"
        contact_info_add(owner=person, kind="email", value=address, by=manager)
        senders.append(f"Покупатель {n} <{address}>")

    server = DovecotServer().start()
    try:
        started = time.perf_counter()
        with server.client() as client:
            chunk = []
            for number in range(1, args.messages + 1):
                chunk.append(message(number, senders[number % 50], "manager@ladoga.example"))
                if len(chunk) == 500 or number == args.messages:
                    client.multiappend("INBOX", chunk)
                    chunk = []
        append_seconds = time.perf_counter() - started

        account = mail_account_connect(
            by=manager,
            name="Inbox",
            host="127.0.0.1",
            port=server.port,
            security="none",
            username=USER,
            password=PASSWORD,
            import_existing=True,
        )
        per_message: list[float] = []
        original = mailbox_services._import_one

        def timed_import(*a, **kw):
            t = time.perf_counter()
            original(*a, **kw)
            per_message.append((time.perf_counter() - t) * 1000)

        mailbox_services._import_one = timed_import
        started, cpu = time.perf_counter(), time.process_time()
        first = mail_account_fetch(account=account)
        import_seconds = time.perf_counter() - started
        import_cpu_seconds = time.process_time() - cpu
        started = time.perf_counter()
        second = mail_account_fetch(account=account)
        again_seconds = time.perf_counter() - started
        mailbox_services._import_one = original
    finally:
        server.stop(keep_files=False)

    emails = Interaction.objects.filter(kind="email")
    threaded = emails.filter(parent__isnull=False).count()
    checks = {
        "interactions": emails.count(),
        "imported_rows": ImportedMessage.objects.count(),
        "threaded": threaded,
        "second_fetch_imported": second.imported,
        "errors": first.refused + (1 if first.error else 0),
    }
    results = {
        "messages": args.messages,
        "append_s": round(append_seconds, 1),
        "import_s": round(import_seconds, 1),
        "messages_per_s": round(args.messages / import_seconds, 1),
        "import_cpu_s": round(import_cpu_seconds, 1),  # this process only (the machine is shared)
        "per_message_median_ms": round(statistics.median(per_message), 2),
        "per_message_p95_ms": round(harness.percentile(per_message, 0.95), 2),
        "per_message_max_ms": round(max(per_message), 2),
        "second_fetch_s": round(again_seconds, 2),
        "target_s": 300,
        "met": import_seconds <= 300 * args.messages / 10_000,
    }
    print(f"\nIMAP import on {engine}, {args.messages:,} messages (Dovecot on loopback)\n")
    width = max(map(len, results))
    for name, value in {**results, **checks}.items():
        print(f"  {name:<{width}}  {value}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = out / f"{stamp}-imap-{engine}.json"
    target.write_text(json.dumps({"engine": engine, "results": results, "checks": checks}))
    print(f"\n  JSON: {target}")

    connection.close()
    if admin_url and db_name:
        harness.pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    shutil.rmtree(home, ignore_errors=True)
    assert checks["interactions"] == args.messages, checks
    assert checks["second_fetch_imported"] == 0, checks


if __name__ == "__main__":
    main()
