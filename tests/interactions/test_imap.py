"""Mail over IMAP (I7) against a real Dovecot started for each test: connecting an account,
importing with participants, threads and attachments, never twice, a new UIDVALIDITY, a
connection dropped mid-fetch, a refused password, an untrusted certificate, sent mail put
into Sent, and the password encrypted at rest."""

import pytest
from django.db import connection
from django.db.models import Count

from ladoga.core.errors import ValidationFailed
from ladoga.core.secrets import secret_decrypt, secret_encrypt
from ladoga.core.services import attachments_of
from ladoga.interactions.models import (
    Direction,
    ImportedMessage,
    Interaction,
    MailAccount,
    MailAccountStatus,
    Notification,
)
from ladoga.interactions.services import (
    email_send,
    mail_account_connect,
    mail_account_fetch,
    mail_account_test,
    mail_account_update,
)
from ladoga.interactions.tasks import mail_fetch_every_five_minutes
from tests.dovecot import PASSWORD, USER, DovecotServer

from .conftest import counts
from .imap_helpers import DroppingRelay, mail


@pytest.fixture
def dovecot():
    with DovecotServer() as server:
        yield server


def connect(owner, server, **overrides):
    settings = {
        "by": owner,
        "name": "Sales inbox",
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "username": USER,
        "password": PASSWORD,
        "import_existing": True,
    } | overrides
    return mail_account_connect(**settings)


def everything() -> dict:
    return counts() | {
        "MailAccount": MailAccount.objects.count(),
        "ImportedMessage": ImportedMessage.objects.count(),
    }


def imported_emails():
    return Interaction.objects.filter(kind="email").order_by("pk")


# Importing -------------------------------------------------------------------------------


def test_import_registers_participants_threads_and_attachments(dovecot, owner, contact):
    owner.email = "owner@ladoga.example"
    owner.save()
    dovecot.append(
        [
            mail(1, subject="Счёт", attachment=("prices.csv", b"item;price\nA;10\n", "text/csv")),
            mail(2, subject="Re: Счёт", in_reply_to="<m1@romashka.example>"),
        ]
    )
    account = connect(owner, dovecot)

    result = mail_account_fetch(account=account)

    assert (result.imported, result.known, result.refused, result.error) == (2, 0, 0, None)
    first, second = imported_emails()
    assert first.title == "Счёт" and first.direction == Direction.INCOMING
    assert first.responsible == owner and "Text of message 1" in first.body
    sender = first.participants.get(role="from")
    assert sender.contact == contact and first.partner == contact.partner
    assert first.participants.get(role="to").user == owner
    assert sorted(a.name for a in attachments_of(first)) == ["1.eml", "prices.csv"]
    assert second.parent == first and second.thread_id == first.pk
    account.refresh_from_db()
    assert account.last_uid == 2 and account.status == MailAccountStatus.OK
    assert account.fetched_at is not None
    assert list(ImportedMessage.objects.values_list("uid", "interaction_id").order_by("uid")) == [
        (1, first.pk),
        (2, second.pk),
    ]


def test_fetching_again_takes_only_new_messages(dovecot, owner):
    dovecot.append([mail(1), mail(2)])
    account = connect(owner, dovecot)
    mail_account_fetch(account=account)
    dovecot.append([mail(3)])

    again = mail_account_fetch(account=account)
    third = mail_account_fetch(account=account)

    assert (again.imported, third.imported, third.known) == (1, 0, 0)
    assert [i.title for i in imported_emails()] == ["Message 1", "Message 2", "Message 3"]
    assert ImportedMessage.objects.count() == 3


def test_a_new_account_starts_after_the_mail_already_there_unless_told(dovecot, owner):
    dovecot.append([mail(1), mail(2)])
    account = connect(owner, dovecot, import_existing=False)
    dovecot.append([mail(3)])

    result = mail_account_fetch(account=account)

    assert result.imported == 1
    assert [i.title for i in imported_emails()] == ["Message 3"]


def test_a_message_taken_twice_is_registered_once(dovecot, owner):
    """Two fetches that both see the same UID (the second read `last_uid` before the first
    committed): the unique (account, UIDVALIDITY, UID) row lets only one register it —
    even a message without a Message-ID, which the .eml rule cannot recognise."""
    dovecot.append([mail(1, message_id=None), mail(2)])
    account = connect(owner, dovecot)
    mail_account_fetch(account=account)
    MailAccount.objects.filter(pk=account.pk).update(last_uid=0)  # the late fetch's view

    result = mail_account_fetch(account=account)

    assert (result.imported, result.known) == (0, 2)
    assert imported_emails().count() == 2 and ImportedMessage.objects.count() == 2
    assert MailAccount.objects.get(pk=account.pk).last_uid == 2


def test_a_fetch_already_running_is_not_doubled(dovecot, owner):
    from django.utils import timezone

    dovecot.append([mail(1)])
    account = connect(owner, dovecot)
    MailAccount.objects.filter(pk=account.pk).update(fetching_since=timezone.now())

    result = mail_account_fetch(account=account)

    assert result.busy and result.imported == 0
    assert imported_emails().count() == 0


def test_a_new_uidvalidity_reads_the_folder_again_without_repeating(dovecot, owner):
    dovecot.append([mail(1), mail(2), mail(3)])
    account = connect(owner, dovecot)
    mail_account_fetch(account=account)
    old = MailAccount.objects.get(pk=account.pk).uidvalidity
    dovecot.uidvalidity_reset()  # same messages, new UIDs
    dovecot.append([mail(4)])

    result = mail_account_fetch(account=account)

    assert (result.imported, result.known) == (1, 3)
    assert [i.title for i in imported_emails()] == [f"Message {n}" for n in (1, 2, 3, 4)]
    account.refresh_from_db()
    assert account.uidvalidity != old and account.last_uid == 4
    rows = ImportedMessage.objects.filter(uidvalidity=account.uidvalidity)
    assert rows.count() == 4 and all(r.interaction_id for r in rows)


def test_a_message_that_cannot_be_registered_is_recorded_and_passed(dovecot, owner):
    broken = (
        b"From: a@romashka.example\r\nDate: Tue, 03 Mar 2026 10:15:00 +0300\r\n"
        b"Message-ID: <broken@romashka.example>\r\n"
        b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: text/plain'
        b"\r\n\r\nunfinished\r\n"
    )
    dovecot.append([broken, mail(2)])
    account = connect(owner, dovecot)

    result = mail_account_fetch(account=account)

    assert (result.imported, result.refused) == (1, 1)
    skipped = ImportedMessage.objects.get(uid=1)
    assert skipped.interaction is None and "MIME structure is broken" in skipped.error
    assert MailAccount.objects.get(pk=account.pk).last_uid == 2


# A connection that drops -----------------------------------------------------------------


def test_a_connection_dropped_mid_fetch_is_resumed_without_losses_or_repeats(dovecot, owner):
    dovecot.append([mail(n) for n in range(1, 8)])
    account = connect(owner, dovecot)
    # the first two connections are cut in the middle of their third message
    relay = DroppingRelay(dovecot.port, cut_after=2, drops=2)
    MailAccount.objects.filter(pk=account.pk).update(port=relay.port)
    account.refresh_from_db()
    try:
        result = mail_account_fetch(account=account, batch=2, retries=3, retry_pause=0)
    finally:
        relay.stop()

    assert relay.cuts == 2 and result.reconnects == 2
    assert result.error is None and result.imported == 7
    titles = [i.title for i in imported_emails()]
    assert titles == [f"Message {n}" for n in range(1, 8)]
    assert not ImportedMessage.objects.values("uid").annotate(n=Count("pk")).filter(n__gt=1)
    assert MailAccount.objects.get(pk=account.pk).status == MailAccountStatus.OK


def test_a_server_that_keeps_dropping_is_marked_and_the_next_fetch_resumes(dovecot, owner):
    dovecot.append([mail(n) for n in range(1, 8)])
    account = connect(owner, dovecot)
    relay = DroppingRelay(dovecot.port, cut_after=2, drops=100)
    MailAccount.objects.filter(pk=account.pk).update(port=relay.port)
    account.refresh_from_db()
    try:
        result = mail_account_fetch(account=account, batch=2, retries=1, retry_pause=0)
    finally:
        relay.stop()

    assert result.error.status == MailAccountStatus.CONNECTION and result.reconnects == 1
    account.refresh_from_db()
    assert account.status == MailAccountStatus.CONNECTION
    assert "cannot be reached" in account.last_error
    partial = imported_emails().count()
    assert partial == 4 and account.last_uid == 4  # two whole messages per connection
    assert all(attachments_of(i).filter(name__endswith=".eml").exists() for i in imported_emails())
    assert Notification.objects.count() == 0  # a passing outage is shown, not announced

    MailAccount.objects.filter(pk=account.pk).update(port=dovecot.port)  # the network is back
    account.refresh_from_db()
    after = mail_account_fetch(account=account)

    assert after.imported == 7 - partial and after.known == 0
    assert [i.title for i in imported_emails()] == [f"Message {n}" for n in range(1, 8)]
    assert MailAccount.objects.get(pk=account.pk).status == MailAccountStatus.OK


def test_a_server_restarted_between_fetches_is_connected_again(dovecot, owner):
    dovecot.append([mail(1)])
    account = connect(owner, dovecot)
    mail_account_fetch(account=account)
    dovecot.stop()

    down = mail_account_fetch(account=account, retries=1, retry_pause=0)

    assert down.error.status == MailAccountStatus.CONNECTION
    dovecot.start()
    dovecot.append([mail(2)])
    up = mail_account_fetch(account=account)
    assert up.imported == 1 and imported_emails().count() == 2


# Refused logins and certificates ---------------------------------------------------------


def test_connecting_with_a_wrong_password_saves_nothing(dovecot, owner):
    dovecot.append([mail(1)])
    before = everything()

    with pytest.raises(ValidationFailed) as error:
        connect(owner, dovecot, password="wrong")

    assert error.value.codes == ["mail_account_auth_failed"]
    assert "refused the user name or password" in error.value.detail
    assert everything() == before


def test_a_password_refused_at_fetch_marks_the_account_and_tells_the_owner_once(dovecot, owner):
    account = connect(owner, dovecot)
    dovecot.append([mail(1)])
    dovecot.password_set(USER, "changed-elsewhere")
    before = everything()

    first = mail_account_fetch(account=account)
    second = mail_account_fetch(account=account)

    assert first.error.status == MailAccountStatus.AUTH and first.reconnects == 0
    assert second.error.status == MailAccountStatus.AUTH
    account.refresh_from_db()
    assert account.status == MailAccountStatus.AUTH and account.error_at is not None
    assert "refused the user name or password" in account.last_error
    [note] = Notification.objects.all()
    assert note.user == owner and "Sales inbox" in note.title
    assert "refused the user name or password" in note.text
    assert note.url == "/interactions/mail-accounts/"
    assert everything() == before | {"Notification": 1}  # nothing imported


def test_the_owner_is_told_again_after_the_account_worked_in_between(dovecot, owner):
    account = connect(owner, dovecot)
    good = account.password_encrypted

    def stored(password):
        MailAccount.objects.filter(pk=account.pk).update(password_encrypted=password)
        account.refresh_from_db()

    stored(secret_encrypt("wrong"))
    mail_account_fetch(account=account)
    stored(good)
    assert mail_account_fetch(account=account).error is None
    stored(secret_encrypt("wrong again"))

    mail_account_fetch(account=account)

    assert Notification.objects.count() == 2


def test_an_untrusted_certificate_is_refused_when_connecting(dovecot, owner):
    before = everything()
    for security, port in (("ssl", dovecot.ssl_port), ("starttls", dovecot.port)):
        with pytest.raises(ValidationFailed) as error:
            connect(owner, dovecot, security=security, port=port)
        assert error.value.codes == ["mail_account_certificate_untrusted"]
        assert "is not trusted" in error.value.detail
        assert "self-signed certificate" in error.value.detail
    assert everything() == before


def test_an_untrusted_certificate_at_fetch_marks_the_account(dovecot, owner):
    dovecot.append([mail(1)])
    account = connect(
        owner, dovecot, security="ssl", port=dovecot.ssl_port, verify_certificate=False
    )
    MailAccount.objects.filter(pk=account.pk).update(verify_certificate=True)
    account.refresh_from_db()

    result = mail_account_fetch(account=account)

    assert result.error.status == MailAccountStatus.CERTIFICATE and result.reconnects == 0
    assert MailAccount.objects.get(pk=account.pk).status == MailAccountStatus.CERTIFICATE
    assert Notification.objects.get().user == owner
    assert imported_emails().count() == 0 and ImportedMessage.objects.count() == 0


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_without_certificate_check_imports(dovecot, owner, security):
    dovecot.append([mail(1)])
    port = dovecot.ssl_port if security == "ssl" else dovecot.port
    account = connect(owner, dovecot, security=security, port=port, verify_certificate=False)

    assert mail_account_fetch(account=account).imported == 1


def test_a_missing_folder_is_refused_when_connecting(dovecot, owner):
    with pytest.raises(ValidationFailed) as error:
        connect(owner, dovecot, inbox_folder="Nowhere")
    assert error.value.codes == ["mail_account_folder_missing"]
    assert "«Nowhere» is not on the mail server" in error.value.detail
    assert MailAccount.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"port": 0}, "mail_account_port_invalid", "port"),
        ({"port": 70000}, "mail_account_port_invalid", "port"),
        ({"security": "tls13"}, "mail_account_security_unknown", "security"),
        ({"host": " "}, "mail_account_field_required", "host"),
        ({"password": ""}, "mail_account_field_required", "password"),
        ({"name": ""}, "mail_account_field_required", "name"),
    ],
)
def test_bad_settings_are_refused_before_any_connection(dovecot, owner, overrides, code, field):
    before = everything()
    with pytest.raises(ValidationFailed) as error:
        connect(owner, dovecot, **overrides)
    assert error.value.codes == [code]
    assert error.value.violations[0].field == field
    assert everything() == before


def test_an_unreachable_server_is_refused_when_connecting(owner):
    from tests.dovecot import free_port

    with pytest.raises(ValidationFailed) as error:
        mail_account_connect(
            by=owner,
            name="x",
            host="127.0.0.1",
            port=free_port(),
            security="none",
            username=USER,
            password=PASSWORD,
        )
    assert error.value.codes == ["mail_account_unreachable"]
    assert "cannot be reached" in error.value.detail
    assert MailAccount.objects.count() == 0


def test_changing_the_password_tries_it_first(dovecot, owner):
    account = connect(owner, dovecot)
    stored = account.password_encrypted

    with pytest.raises(ValidationFailed) as error:
        mail_account_update(account=account, by=owner, password="wrong")

    assert error.value.codes == ["mail_account_auth_failed"]
    account.refresh_from_db()
    assert account.password_encrypted == stored and account.version == 1
    renamed = mail_account_update(account=account, by=owner, name="Renamed", password="")
    assert renamed.name == "Renamed" and renamed.password_encrypted == stored


def test_test_connection_records_the_outcome(dovecot, owner):
    account = connect(owner, dovecot)
    dovecot.stop()
    assert mail_account_test(account=account).status == MailAccountStatus.CONNECTION
    dovecot.start()
    assert mail_account_test(account=account).status == MailAccountStatus.OK


def test_the_periodic_task_fetches_every_active_account(dovecot, owner, outsider):
    dovecot.append([mail(1), mail(2)])
    connect(owner, dovecot)
    connect(outsider, dovecot, name="Paused", is_active=False)

    totals = mail_fetch_every_five_minutes.call_local()

    assert totals == {"accounts": 1, "imported": 2, "failed": 0}
    assert set(imported_emails().values_list("responsible__username", flat=True)) == {"owner"}


# Sent mail and secrets -------------------------------------------------------------------


def test_sent_mail_is_put_into_the_sent_folder(dovecot, smtp_server, owner, make):
    connect(owner, dovecot, sent_folder="Sent")
    draft = make(
        "email",
        "Offer",
        direction="outgoing",
        body="Our offer.",
        participants=[{"role": "to", "email": "anna.petrova@romashka.example"}],
    )

    sent = email_send(interaction=draft, by=owner)

    [(raw, flags)] = dovecot.folder_messages("Sent")
    assert sent.message_id.encode() in raw and b"Subject: Offer" in raw
    assert b"\\Seen" in flags
    assert len(smtp_server.messages) == 1


def test_sent_mail_that_cannot_be_filed_is_still_sent_and_the_sender_told(
    dovecot, smtp_server, owner, make
):
    connect(owner, dovecot)
    dovecot.stop()
    draft = make(
        "email",
        "Offer",
        direction="outgoing",
        participants=[{"role": "to", "email": "anna.petrova@romashka.example"}],
    )

    sent = email_send(interaction=draft, by=owner)

    assert sent.email_status == "sent" and len(smtp_server.messages) == 1
    note = Notification.objects.get(user=owner)
    assert "not put into «Sent»" in note.title and "cannot be reached" in note.text


def test_the_password_is_stored_encrypted(dovecot, owner, settings):
    account = connect(owner, dovecot)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT password_encrypted FROM interactions_mailaccount WHERE id = %s", [account.pk]
        )
        [(stored,)] = cursor.fetchall()
    assert PASSWORD not in stored and "s3cret" not in stored and stored.startswith("gAAAA")
    assert secret_decrypt(stored) == PASSWORD

    settings.ENCRYPTION_KEY = "another key altogether"  # the key changed: unreadable
    result = mail_account_fetch(account=account)
    assert result.error.status == MailAccountStatus.AUTH
    assert "enter the password again" in result.error.message
