"""E-mail commands (I7): send a draft over SMTP, register an incoming .eml.

Sending is not one transaction on purpose: an SMTP conversation can take seconds, and on
SQLite a transaction held that long would stop every other writer. So:

1. a short transaction locks the draft, checks it, gives it its Message-ID and stamps
   `sending_since` (a second Send meanwhile is refused: email_send_in_progress);
2. the message goes to the server, outside any transaction;
3. a short transaction records the outcome: "sent" with `sent_at`, or — when the server
   refused or could not be reached — the draft is left as it was, with the reason in
   `send_error` and no Message-ID. A sent message is then put into the Sent folder of the
   sender's IMAP account, if they have one (services/mailboxes.py). There is no half-sent
   state in between that a user could act on; a claim left by a crashed process expires
   after SEND_LEASE.
"""

import datetime
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.core.errors import Conflict, FileRejected, ValidationFailed, Violation
from ladoga.core.files import check_size, file_read
from ladoga.core.services import attachment_add, attachments_of
from ladoga.core.text import MAIL_HTML_LIMIT, MAIL_TEXT_LIMIT, clip
from ladoga.partners import keys

from ..emails import ParsedEmail, eml_parse, message_id_new
from ..errors import EmailSendFailed, InteractionsCode
from ..models import Direction, EmailStatus, Interaction, InteractionKind, ParticipantRole
from ._common import email_valid, locked_checked
from .interactions import interaction_create
from .participants import address_match, remembered

SEND_LEASE = datetime.timedelta(minutes=10)


def _recipients_check(participants) -> list[Violation]:
    recipients = [p for p in participants if p.role in (ParticipantRole.TO, ParticipantRole.CC)]
    violations = []
    if not any(p.email for p in recipients):
        violations.append(
            Violation(
                InteractionsCode.RECIPIENT_REQUIRED,
                _("An e-mail needs at least one recipient with an address."),
                "participants",
            )
        )
    for p in recipients:
        if p.email and not email_valid(p.email):
            violations.append(
                Violation(
                    InteractionsCode.EMAIL_INVALID,
                    _("%(value)s is not an e-mail address.") % {"value": p.email},
                    "participants",
                )
            )
    return violations


def _sender(interaction: Interaction, participants, by: User) -> str:
    for p in participants:
        if p.role == ParticipantRole.FROM and p.email:
            return f"{p.name} <{p.email}>" if p.name else p.email
    if by.email:
        return f"{by.get_full_name()} <{by.email}>" if by.get_full_name() else by.email
    return settings.DEFAULT_FROM_EMAIL


def _message(interaction: Interaction, participants, by: User) -> EmailMultiAlternatives:
    def addresses(role):
        return [
            f"{p.name} <{p.email}>" if p.name else p.email
            for p in participants
            if p.role == role and p.email
        ]

    headers = {"Message-ID": interaction.message_id}
    parent = interaction.parent
    if parent is not None and parent.message_id:
        headers["In-Reply-To"] = parent.message_id
        references = " ".join(filter(None, [parent.references, parent.message_id]))
        headers["References"] = references
    message = EmailMultiAlternatives(
        subject=interaction.title,
        body=interaction.body,
        from_email=_sender(interaction, participants, by),
        to=addresses(ParticipantRole.TO),
        cc=addresses(ParticipantRole.CC),
        headers=headers,
        connection=get_connection(fail_silently=False),
    )
    if interaction.body_html:
        message.attach_alternative(interaction.body_html, "text/html")
    for attachment in attachments_of(interaction):
        message.attach(attachment.name, file_read(attachment.stored_name), attachment.mime_type)
    return message


def _reason(error: Exception) -> str:
    server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {code} {_decode(text)}"
            for address, (code, text) in error.recipients.items()
        )
        return _("The mail server %(server)s refused the recipients: %(refused)s") % {
            "server": server,
            "refused": refused,
        }
    if isinstance(error, smtplib.SMTPResponseException):
        return _("The mail server %(server)s refused the message: %(code)s %(text)s") % {
            "server": server,
            "code": error.smtp_code,
            "text": _decode(error.smtp_error),
        }
    if isinstance(error, OSError | smtplib.SMTPException):
        return _("The mail server %(server)s cannot be reached: %(error)s") % {
            "server": server,
            "error": str(error) or type(error).__name__,
        }
    return _("Sending failed: %(error)s") % {"error": str(error) or type(error).__name__}


def _decode(text) -> str:
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def email_send(*, interaction: Interaction, by: User, expected_version: int | None = None):
    """Send an outgoing e-mail draft over SMTP (LADOGA_EMAIL_URL) and record its
    Message-ID. When the server refuses or is down, the interaction stays a draft with
    the reason in `send_error` and EmailSendFailed is raised (see the module docstring)."""
    now = timezone.now()
    with transaction.atomic():
        draft = locked_checked(Interaction, interaction, expected_version)
        if not draft.is_email_draft:
            raise ValidationFailed.single(
                InteractionsCode.NOT_A_DRAFT, _("Only an outgoing e-mail draft can be sent.")
            )
        if draft.sending_since is not None and draft.sending_since > now - SEND_LEASE:
            raise Conflict.single(
                InteractionsCode.SEND_IN_PROGRESS, _("This e-mail is being sent right now.")
            )
        participants = list(draft.participants.all())
        violations = _recipients_check(participants)
        if violations:
            raise ValidationFailed(violations)
        had_id = bool(draft.message_id)
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
        draft.message_id = draft.message_id or message_id_new(domain)
        Interaction.objects.filter(pk=draft.pk).update(
            sending_since=now, message_id=draft.message_id
        )
    message = _message(draft, participants, by)
    try:
        message.send()
    except Exception as error:  # any refusal or network failure: keep the draft, say why
        reason = _reason(error)
        with transaction.atomic():
            Interaction.objects.filter(pk=draft.pk).update(
                sending_since=None,
                send_error=reason,
                **({} if had_id else {"message_id": ""}),
            )
        raise EmailSendFailed.single(InteractionsCode.SEND_FAILED, reason) from None
    with transaction.atomic():
        sent = Interaction.objects.select_for_update().get(pk=draft.pk)
        sent.email_status = EmailStatus.SENT
        sent.sent_at = timezone.now()
        sent.sending_since = None
        sent.send_error = ""
        sent.save()
    # As a mail program does: a copy into the Sent folder of the sender's mail account.
    from .mailboxes import mail_sent_file  # mailboxes registers mail through this module

    mail_sent_file(user=by, raw=message.message().as_bytes())
    return sent


def _participants_of(parsed: ParsedEmail, *, by: User) -> list[dict]:
    items = []
    for role, addresses in (
        (ParticipantRole.FROM, [parsed.sender]),
        (ParticipantRole.TO, parsed.to),
        (ParticipantRole.CC, parsed.cc),
    ):
        for address in addresses:
            item = {"role": role, "name": address.name[:255], "email": address.email[:254]}
            if not email_valid(address.email):
                item["email"] = ""
                item["name"] = item["name"] or address.email[:255]
            else:
                match = address_match(email_key=keys.email_key(address.email), user=by)
                if match is not None:
                    item |= {
                        "partner_id": match.partner and match.partner.pk,
                        "contact_id": match.contact and match.contact.pk,
                        "user_id": match.user and match.user.pk,
                    }
            items.append(item)
    return items


@transaction.atomic
def email_register(
    *, raw: bytes, by: User, responsible: User | None = None, file_name: str = "message.eml"
) -> Interaction:
    """Register an e-mail from an .eml file (I7): parsed with the standard library,
    threaded under the interaction it answers (In-Reply-To, then References), its
    addresses matched to colleagues and contact persons, the original file and every
    attachment kept. An attachment of a refused type (HTML, a program) is not kept on its
    own but stays inside the original message; its name is in `skipped_attachments`.

    Refused, with nothing written: a file that is not a message or whose MIME structure is
    broken, and a message whose Message-ID is already registered."""
    check_size(len(raw))
    parsed = eml_parse(raw)
    if (
        parsed.message_id
        and Interaction.objects.filter(
            kind=InteractionKind.EMAIL, message_id=parsed.message_id
        ).exists()
    ):
        raise Conflict.single(
            InteractionsCode.EML_DUPLICATE,
            _("This message (%(id)s) is already registered.") % {"id": parsed.message_id},
            "file",
        )
    parent = None
    if parsed.thread_ids:
        candidates = {
            i.message_id: i
            for i in access.visible(Interaction, by).filter(
                kind=InteractionKind.EMAIL, message_id__in=parsed.thread_ids
            )
        }
        parent = next((candidates[m] for m in parsed.thread_ids if m in candidates), None)
    ours = remembered(
        ("colleague", parsed.sender.email.lower()),
        User.objects.filter(email__iexact=parsed.sender.email, is_active=True).exists,
    )
    direction = Direction.OUTGOING if ours else Direction.INCOMING
    interaction = interaction_create(
        kind=InteractionKind.EMAIL,
        title=clip(parsed.subject, 500) or _("(no subject)"),
        # the original .eml is attached whole, so an overlong text is kept, not refused
        body=clip(parsed.text, MAIL_TEXT_LIMIT),
        body_html=clip(parsed.html, MAIL_HTML_LIMIT),
        start=parsed.date or timezone.now(),
        direction=direction,
        participants=_participants_of(parsed, by=by),
        subject_type="interactions.interaction" if parent else "",
        subject_id=parent.pk if parent else None,
        responsible=responsible or by,
        by=by,
        reviewed=False if direction == Direction.INCOMING else None,
        email_status=EmailStatus.RECEIVED if direction == Direction.INCOMING else EmailStatus.SENT,
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=clip(" ".join(parsed.references), MAIL_TEXT_LIMIT),
    )
    attachment_add(
        target=interaction,
        upload=SimpleUploadedFile(file_name or "message.eml", raw, "message/rfc822"),
        name=file_name if file_name.lower().endswith(".eml") else "message.eml",
        by=by,
    )
    skipped = []
    for part in parsed.attachments:
        try:
            with transaction.atomic():
                attachment_add(
                    target=interaction,
                    upload=SimpleUploadedFile(part.name, part.data, part.content_type),
                    name=part.name,
                    by=by,
                )
        except FileRejected as error:
            skipped.append(f"{part.name}: {error.detail}")
    interaction.skipped_attachments = skipped
    return interaction
