"""E-mail (I7): sending through a real SMTP server on loopback, failures that keep the
draft with the reason, incoming .eml registration, threading, attachments, bad files."""

from email.message import EmailMessage

import pytest

from ladoga.core.errors import Conflict, FileRejected, ValidationFailed
from ladoga.core.models import Attachment
from ladoga.core.services import attachments_of
from ladoga.interactions.errors import EmailSendFailed
from ladoga.interactions.models import Direction, EmailStatus, Interaction, ReviewStatus
from ladoga.interactions.services import email_register, email_send

from .conftest import counts


@pytest.fixture
def draft(make, contact):
    return make(
        "email",
        "Commercial offer",
        direction="outgoing",
        body="Please find our offer attached.",
        participants=[
            {"role": "to", "name": "Анна Петрова", "email": "anna.petrova@romashka.example"},
            {"role": "cc", "email": "boss@romashka.example"},
        ],
    )


def test_send_goes_over_smtp_with_a_recorded_message_id(smtp_server, draft, owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ladoga.core.services import attachment_add

    attachment_add(
        target=draft, upload=SimpleUploadedFile("offer.csv", b"item;price\nA;10\n"), by=owner
    )

    sent = email_send(interaction=draft, by=owner)

    assert sent.email_status == EmailStatus.SENT and sent.sent_at is not None
    assert sent.message_id.startswith("<") and sent.send_error == ""
    [message] = smtp_server.messages
    assert message["Message-ID"] == sent.message_id
    assert message["Subject"] == "Commercial offer"
    assert "anna.petrova@romashka.example" in message["To"]
    assert "boss@romashka.example" in message["Cc"]
    assert sorted(smtp_server.envelopes[0].rcpt_tos) == [
        "anna.petrova@romashka.example",
        "boss@romashka.example",
    ]
    body = message.get_body(("plain",)).get_content()
    assert "Please find our offer attached." in body
    assert [p.get_filename() for p in message.iter_attachments()] == ["offer.csv"]


def test_a_reply_carries_the_threading_headers(smtp_server, make, owner):
    incoming = make(
        "email",
        "Question",
        direction="incoming",
        message_id="<q1@client.example>",
        references="<q0@client.example>",
        participants=[{"role": "from", "email": "client@client.example"}],
    )
    reply = make(
        "email",
        "Re: Question",
        direction="outgoing",
        subject_type="interactions.interaction",
        subject_id=incoming.pk,
        participants=[{"role": "to", "email": "client@client.example"}],
    )

    email_send(interaction=reply, by=owner)

    [message] = smtp_server.messages
    assert message["In-Reply-To"] == "<q1@client.example>"
    assert message["References"].split() == ["<q0@client.example>", "<q1@client.example>"]


def test_a_refused_recipient_keeps_the_draft_with_the_reason(smtp_server, make, owner):
    draft = make(
        "email",
        "Offer",
        direction="outgoing",
        participants=[{"role": "to", "email": "nobody@refused.example"}],
    )
    version = draft.version

    with pytest.raises(EmailSendFailed) as error:
        email_send(interaction=draft, by=owner)

    assert error.value.codes == ["email_send_failed"]
    assert "550" in error.value.detail and "nobody@refused.example" in error.value.detail
    draft.refresh_from_db()
    assert draft.email_status == EmailStatus.DRAFT
    assert draft.sent_at is None and draft.message_id == "" and draft.sending_since is None
    assert "550" in draft.send_error
    assert draft.version == version
    assert smtp_server.messages == []


def test_a_server_that_is_down_keeps_the_draft_with_the_reason(smtp_down, draft, owner):
    with pytest.raises(EmailSendFailed) as error:
        email_send(interaction=draft, by=owner)

    assert "cannot be reached" in error.value.detail
    draft.refresh_from_db()
    assert draft.email_status == EmailStatus.DRAFT and draft.message_id == ""
    assert "cannot be reached" in draft.send_error


def test_after_a_failure_sending_again_works(settings, smtp_down, draft, owner):
    with pytest.raises(EmailSendFailed):
        email_send(interaction=draft, by=owner)

    from aiosmtpd.controller import Controller

    from .conftest import Recorder, smtp_settings

    recorder = Recorder()
    smtp_down.close()  # the server comes back at the same address
    controller = Controller(recorder, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    try:
        smtp_settings(settings, controller.port)
        sent = email_send(interaction=draft, by=owner)
    finally:
        controller.stop()
    assert sent.email_status == EmailStatus.SENT and sent.send_error == ""
    assert len(recorder.messages) == 1


def test_only_a_draft_can_be_sent(smtp_server, draft, owner):
    email_send(interaction=draft, by=owner)
    with pytest.raises(ValidationFailed) as error:
        email_send(interaction=draft, by=owner)
    assert error.value.codes == ["email_not_a_draft"]
    assert len(smtp_server.messages) == 1


def test_a_draft_being_sent_cannot_be_sent_twice(smtp_server, draft, owner):
    from django.utils import timezone

    Interaction.objects.filter(pk=draft.pk).update(sending_since=timezone.now())
    with pytest.raises(Conflict) as error:
        email_send(interaction=draft, by=owner)
    assert error.value.codes == ["email_send_in_progress"]
    assert smtp_server.messages == []


# Incoming .eml ---------------------------------------------------------------------------


def eml(
    *,
    sender="Анна Петрова <anna.petrova@romashka.example>",
    to="owner@ladoga.example",
    subject="Вопрос по счёту",
    message_id="<m1@romashka.example>",
    in_reply_to=None,
    references=None,
    attachments=(),
    html=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Cc"] = "Boss <boss@romashka.example>"
    message["Subject"] = subject
    message["Date"] = "Tue, 03 Mar 2026 10:15:00 +0300"
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    message.set_content("Добрый день! Прошу выставить счёт.")
    if html:
        message.add_alternative(html, subtype="html")
    for name, data, maintype, subtype in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5f3c40c0000000049454e44ae426082"
)


def test_an_eml_is_registered_with_participants_matched_and_attachments_kept(
    contact, owner, actors
):
    raw = eml(
        attachments=[
            ("scan.png", PNG, "image", "png"),
            ("page.html", b"<html><script>x</script></html>", "text", "html"),
        ]
    )

    letter = email_register(raw=raw, by=owner, file_name="question.eml")

    assert letter.direction == Direction.INCOMING
    assert letter.email_status == EmailStatus.RECEIVED
    assert letter.review_status == ReviewStatus.NOT_REVIEWED
    assert letter.title == "Вопрос по счёту" and "Прошу выставить счёт" in letter.body
    assert letter.message_id == "<m1@romashka.example>"
    sender = letter.participants.get(role="from")
    assert sender.contact == contact and sender.partner == contact.partner
    assert letter.partner == contact.partner
    assert set(letter.participants.values_list("role", flat=True)) == {"from", "to", "cc"}
    names = sorted(a.name for a in attachments_of(letter))
    assert names == ["question.eml", "scan.png"]  # the HTML file stays inside the original
    assert len(letter.skipped_attachments) == 1 and "page.html" in letter.skipped_attachments[0]


def test_replies_are_threaded_by_in_reply_to_and_references(owner):
    first = email_register(raw=eml(), by=owner)
    second = email_register(
        raw=eml(message_id="<m2@romashka.example>", in_reply_to="<m1@romashka.example>"), by=owner
    )
    third = email_register(
        raw=eml(
            message_id="<m3@romashka.example>",
            references="<m1@romashka.example> <unknown@elsewhere>",
        ),
        by=owner,
    )

    assert second.parent_id == first.pk
    assert third.parent_id == first.pk
    assert {first.thread_id, second.thread_id, third.thread_id} == {first.pk}


def test_a_mailbox_import_looks_up_a_known_sender_once(contact, owner):
    """Inside `address_matches_remembered` (a mailbox fetch) the second message from the
    same sender reuses the address match, the linked records and the colleague check: it
    runs fewer queries than the first, and the same links come out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ladoga.interactions.services.participants import address_matches_remembered

    with address_matches_remembered():
        with CaptureQueriesContext(connection) as first_queries:
            first = email_register(raw=eml(), by=owner)
        with CaptureQueriesContext(connection) as second_queries:
            second = email_register(raw=eml(message_id="<m9@romashka.example>"), by=owner)

    looked_up = ('"partners_contactperson"', '"partners_partner"."name"', "UPPER(")
    again = [
        q["sql"]
        for q in second_queries.captured_queries
        if q["sql"].startswith("SELECT") and any(t in q["sql"] for t in looked_up)
    ]
    assert again == []
    assert len(second_queries) < len(first_queries) - 3
    for letter in (first, second):
        sender = letter.participants.get(role="from")
        assert sender.contact == contact and sender.partner == contact.partner


def test_a_message_from_a_colleague_is_registered_as_outgoing(owner):
    owner.email = "owner@ladoga.example"
    owner.save()
    letter = email_register(
        raw=eml(sender="Owner <owner@ladoga.example>", to="client@client.example"), by=owner
    )
    assert letter.direction == Direction.OUTGOING and letter.email_status == EmailStatus.SENT
    assert letter.participants.get(role="from").user == owner


def test_the_same_message_twice_is_refused(owner):
    email_register(raw=eml(), by=owner)
    before = counts()
    with pytest.raises(Conflict) as error:
        email_register(raw=eml(), by=owner)
    assert error.value.codes == ["eml_duplicate"]
    assert counts() == before


@pytest.mark.parametrize(
    "raw",
    [
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "Просто текст, а не письмо.\nВторая строка.".encode(),
        b"Subject: no sender\n\nbody\n",
    ],
    ids=["pdf", "plain text", "no sender"],
)
def test_a_file_that_is_not_a_message_is_refused(owner, raw):
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        email_register(raw=raw, by=owner)
    assert error.value.codes == ["eml_not_a_message"]
    assert counts() == before
    assert not Attachment.objects.exists()


def test_an_empty_file_is_refused(owner):
    with pytest.raises(FileRejected) as error:
        email_register(raw=b"", by=owner)
    assert error.value.codes == ["file_empty"]
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        # a multipart that names no boundary
        b"Content-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nhi\n--x--\n",
        # a boundary that never starts
        b'Content-Type: multipart/mixed; boundary="abc"\n\nno parts here\n',
        # a part that never ends
        b'Content-Type: multipart/mixed; boundary="abc"\n\n--abc\nContent-Type: text/plain\n\nhi\n',
    ],
    ids=["no boundary", "boundary not found", "no closing boundary"],
)
def test_a_broken_mime_structure_is_refused(owner, body):
    raw = (
        b"From: a@example.com\nTo: b@example.com\nSubject: x\n"
        b"Date: Tue, 03 Mar 2026 10:15:00 +0300\nMessage-ID: <b@example.com>\n"
        b"MIME-Version: 1.0\n" + body
    )
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        email_register(raw=raw, by=owner)
    assert error.value.codes == ["eml_broken_mime"]
    assert counts() == before
    assert not Attachment.objects.exists()


def test_an_html_only_message_gets_a_text_body(owner):
    raw = eml(
        html="<html><head><style>p{}</style></head><body><p>Hello <b>there</b></p>"
        "<script>alert(1)</script></body></html>"
    )
    message = EmailMessage()
    letter = email_register(raw=raw, by=owner)
    assert "<script>" in letter.body_html
    assert "alert" not in letter.body
    del message
