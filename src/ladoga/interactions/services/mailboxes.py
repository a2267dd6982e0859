"""Mail accounts over IMAP (I7): connect, change, test, delete, fetch; file sent mail.

Connecting or changing the server, user name or password first logs in with the new
settings: when the server refuses, the command fails with the reason and nothing is saved.
Passwords are stored encrypted (ladoga.core.secrets).

Fetching (`mail_account_fetch`) takes the messages of the incoming folder whose UID is
above the account's `last_uid`, in batches, and registers each through `email_register` —
the same rule as an uploaded .eml — together with its ImportedMessage row (unique per
account, UIDVALIDITY and UID). Each batch is one transaction that ends with the new
`last_uid`, each message in it a savepoint (a refused message does not undo the others).
So a fetch that stops anywhere (a dropped connection, a killed worker) has registered whole
batches only, and the next one continues after the last of them; one commit per batch
instead of per message is what lets 10,000 messages in within minutes on PostgreSQL. A
dropped connection is opened again up to FETCH_RETRIES times within the same fetch.

When the server gives the folder a new UIDVALIDITY (its index was rebuilt), the UIDs mean
other messages: the folder is read again from the start, and a message whose Message-ID is
already registered is recorded as seen without registering it again.

A refused password, an untrusted certificate or a missing folder marks the account (status
and message) and tells the owner in the app, once per new failure; an unreachable server
only marks it (it is usually back by the next run). A successful fetch clears the mark.
"""

import datetime
import email.parser
import email.policy
import logging
import time
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ladoga.accounts import access
from ladoga.accounts.models import Department, User
from ladoga.accounts.roles import Role
from ladoga.core.errors import Conflict, FileRejected, ValidationFailed, Violation
from ladoga.core.secrets import SecretUnreadable, secret_decrypt, secret_encrypt

from ..emails import message_ids
from ..errors import InteractionsCode, MailAccountForbidden
from ..imap import DROPPED, MailServerError, failure, folder_select, imap_session
from ..models import (
    ImportedMessage,
    Interaction,
    InteractionKind,
    MailAccount,
    MailAccountStatus,
    MailSecurity,
)
from ._common import clean, locked_checked, unknown_changes_check
from .mail import email_register
from .participants import address_matches_remembered
from .reminders import notification_send

logger = logging.getLogger("ladoga.interactions")

FETCH_BATCH = 200
FETCH_RETRIES = 3
RETRY_PAUSE_SECONDS = 1.0
FETCH_LEASE = datetime.timedelta(minutes=30)
CONNECTION_FIELDS = ("host", "port", "security", "verify_certificate", "username", "password")
EDITABLE = (
    *CONNECTION_FIELDS,
    "name",
    "inbox_folder",
    "sent_folder",
    "is_active",
    "department",
)
NOTIFIED = (MailAccountStatus.AUTH, MailAccountStatus.CERTIFICATE, MailAccountStatus.FOLDER)
STATUS_CODES = {
    MailAccountStatus.AUTH: InteractionsCode.MAIL_ACCOUNT_AUTH_FAILED,
    MailAccountStatus.CERTIFICATE: InteractionsCode.MAIL_ACCOUNT_CERTIFICATE_UNTRUSTED,
    MailAccountStatus.CONNECTION: InteractionsCode.MAIL_ACCOUNT_UNREACHABLE,
    MailAccountStatus.FOLDER: InteractionsCode.MAIL_ACCOUNT_FOLDER_MISSING,
}
_headers = email.parser.BytesHeaderParser(policy=email.policy.compat32)


@dataclass
class FetchResult:
    imported: int = 0  # new interactions
    known: int = 0  # already registered (same Message-ID, or taken by another fetch)
    refused: int = 0  # not registrable (not a message, too large…): recorded with the reason
    reconnects: int = 0
    busy: bool = False  # another fetch of this account is running
    error: MailServerError | None = None
    errors: list[str] = field(default_factory=list)


# -- who may do what ----------------------------------------------------------------------


def mail_account_can_change(account: MailAccount, user: User) -> bool:
    return user.pk == account.owner_id or access.scope_of(user) is access.Scope.ALL


def _change_check(account: MailAccount, by: User) -> None:
    if not mail_account_can_change(account, by):
        raise MailAccountForbidden.single(
            InteractionsCode.MAIL_ACCOUNT_FORBIDDEN,
            _("Only the owner of the mail account may change or delete it."),
        )


# -- checks of the settings ---------------------------------------------------------------


def _settings_check(data: dict, *, owner: User, creating: bool) -> None:
    violations = []
    for name, label in (
        ("name", _("name")),
        ("host", _("IMAP server")),
        ("username", _("user name")),
        ("inbox_folder", _("incoming folder")),
        ("sent_folder", _("sent folder")),
        ("password", _("password")),
    ):
        if name in data and not data[name] and (name != "password" or creating):
            violations.append(
                Violation(
                    InteractionsCode.MAIL_ACCOUNT_FIELD_REQUIRED,
                    _("Fill in the %(field)s.") % {"field": label},
                    name,
                )
            )
    if "security" in data and data["security"] not in MailSecurity.values:
        violations.append(
            Violation(
                InteractionsCode.MAIL_ACCOUNT_SECURITY_UNKNOWN,
                _("Choose the connection security: ssl, starttls or none."),
                "security",
            )
        )
    if "port" in data and not (isinstance(data["port"], int) and 1 <= data["port"] <= 65535):
        violations.append(
            Violation(
                InteractionsCode.MAIL_ACCOUNT_PORT_INVALID,
                _("The port is a number from 1 to 65535."),
                "port",
            )
        )
    department = data.get("department")
    if department is not None and not (
        owner.role == Role.ADMIN or department.pk in access.department_ids_of(owner)
    ):
        violations.append(
            Violation(
                InteractionsCode.MAIL_ACCOUNT_DEPARTMENT_INVALID,
                _("A mail account can be shared only with the owner's own department."),
                "department",
            )
        )
    if violations:
        raise ValidationFailed(violations)


def _normalised(data: dict) -> dict:
    for name in ("name", "host", "username"):
        if name in data:
            data[name] = clean(data[name])
    for name in ("inbox_folder", "sent_folder"):
        if name in data:
            data[name] = str(data[name] or "").strip()
    if isinstance(data.get("department"), int):
        found = Department.objects.filter(pk=data["department"]).first()
        if found is None:
            raise ValidationFailed.single(
                InteractionsCode.MAIL_ACCOUNT_DEPARTMENT_INVALID,
                _("There is no such department."),
                "department",
            )
        data["department"] = found
    return data


def _refused(error: MailServerError) -> ValidationFailed:
    field_of = {
        MailAccountStatus.AUTH: "password",
        MailAccountStatus.FOLDER: "inbox_folder",
        MailAccountStatus.CERTIFICATE: "verify_certificate",
    }
    return ValidationFailed.single(
        STATUS_CODES[error.status], error.message, field_of.get(error.status, "host")
    )


def _try_login(settings: dict) -> dict:
    """Log in with `settings` and select the incoming folder: its SELECT answer, or
    MailServerError. Run outside any transaction (a server may take seconds)."""
    with imap_session(**_session_settings(settings)) as client:
        try:
            return folder_select(
                client, settings["inbox_folder"], host=settings["host"], port=settings["port"]
            )
        except MailServerError:
            raise
        except Exception as error:
            raise failure(error, host=settings["host"], port=settings["port"]) from None


def _session_settings(settings: dict) -> dict:
    return {
        name: settings[name]
        for name in ("host", "port", "security", "verify_certificate", "username", "password")
    }


def _account_settings(account: MailAccount, *, password_required: bool = True) -> dict:
    try:
        password = secret_decrypt(account.password_encrypted)
    except SecretUnreadable:
        if not password_required:  # a new password is being given
            password = ""
        else:
            raise MailServerError(
                MailAccountStatus.AUTH,
                _(
                    "The stored password cannot be read (the encryption key has changed): "
                    "enter the password again."
                ),
            ) from None
    return {
        "host": account.host,
        "port": account.port,
        "security": account.security,
        "verify_certificate": account.verify_certificate,
        "username": account.username,
        "password": password,
        "inbox_folder": account.inbox_folder,
    }


def _start_position(selected: dict, import_existing: bool) -> dict:
    """Where fetching starts: at the first message, or after the last one there now."""
    uidvalidity = selected.get(b"UIDVALIDITY")
    uidnext = selected.get(b"UIDNEXT") or 1
    return {
        "uidvalidity": uidvalidity,
        "last_uid": 0 if import_existing else max(int(uidnext) - 1, 0),
    }


# -- commands -----------------------------------------------------------------------------


def mail_account_connect(
    *,
    by: User,
    name: str,
    host: str,
    port: int,
    security: str,
    username: str,
    password: str,
    verify_certificate: bool = True,
    inbox_folder: str = "INBOX",
    sent_folder: str = "Sent",
    department: Department | int | None = None,
    is_active: bool = True,
    import_existing: bool = False,
) -> MailAccount:
    """Connect a mail account of `by` after logging in to it. Mail already in the incoming
    folder is imported only with `import_existing`; otherwise fetching starts with the next
    message to arrive. Refused, with nothing saved: a server that refuses the login, a
    certificate not trusted, a server out of reach, an incoming folder it does not have."""
    data = _normalised(
        {
            "name": name,
            "host": host,
            "port": port,
            "security": security,
            "username": username,
            "password": password or "",
            "verify_certificate": verify_certificate,
            "inbox_folder": inbox_folder,
            "sent_folder": sent_folder,
            "department": department,
        }
    )
    _settings_check(data, owner=by, creating=True)
    try:
        selected = _try_login(data)
    except MailServerError as error:
        raise _refused(error) from None
    with transaction.atomic():
        password = data.pop("password")
        return MailAccount.objects.create(
            owner=by,
            created_by=by,
            password_encrypted=secret_encrypt(password),
            is_active=is_active,
            status=MailAccountStatus.OK,
            **data,
            **_start_position(selected, import_existing),
        )


def mail_account_update(
    *, account: MailAccount, by: User, expected_version: int | None = None, **changes
) -> MailAccount:
    """Change an account. A new server, user name, password or incoming folder is tried
    first (refused: nothing saved); an empty password keeps the stored one. A new incoming
    folder is fetched from its next message on."""
    unknown_changes_check(changes, EDITABLE)
    _change_check(account, by)
    changes = _normalised(dict(changes))
    if not changes.get("password"):
        changes.pop("password", None)
    _settings_check(changes, owner=account.owner, creating=False)
    current = {**_account_settings(account, password_required="password" in changes), **changes}
    tried = set(changes) & {*CONNECTION_FIELDS, "inbox_folder"}
    selected = None
    if tried:
        try:
            selected = _try_login(current)
        except MailServerError as error:
            raise _refused(error) from None
    with transaction.atomic():
        fresh = locked_checked(MailAccount, account, expected_version)
        password = changes.pop("password", None)
        if password is not None:
            fresh.password_encrypted = secret_encrypt(password)
        if "inbox_folder" in changes and changes["inbox_folder"] != fresh.inbox_folder:
            for name, value in _start_position(selected, False).items():
                setattr(fresh, name, value)
        for name, value in changes.items():
            setattr(fresh, name, value)
        if tried:
            _status_clear(fresh)
        fresh.save()
        return fresh


def mail_account_delete(*, account: MailAccount, by: User) -> None:
    """Disconnect an account. The interactions imported from it stay."""
    _change_check(account, by)
    with transaction.atomic():
        MailAccount.objects.filter(pk=account.pk).delete()


def mail_account_test(*, account: MailAccount, by: User | None = None) -> MailAccount:
    """Log in with the stored settings and record the outcome on the account (the owner is
    told of a new failure, as after a fetch)."""
    try:
        _try_login(_account_settings(account))
    except MailServerError as error:
        return _failure_mark(account, error)
    with transaction.atomic():
        fresh = MailAccount.objects.select_for_update().get(pk=account.pk)
        _status_clear(fresh)
        fresh.save()
        return fresh


def _status_clear(account: MailAccount) -> None:
    account.status = MailAccountStatus.OK
    account.last_error = ""
    account.error_at = None


def _failure_mark(account: MailAccount, error: MailServerError) -> MailAccount:
    """Record why the account failed; tell the owner when the failure is new."""
    with transaction.atomic():
        fresh = MailAccount.objects.select_for_update().get(pk=account.pk)
        new = fresh.status != error.status
        fresh.status = error.status
        fresh.last_error = error.message
        if new or fresh.error_at is None:
            fresh.error_at = timezone.now()
        fresh.save()
        if new and error.status in NOTIFIED:
            owner = fresh.owner
            with translation.override(owner.language or None):
                notification_send(
                    user=owner,
                    title=_("Mail account «%(name)s» stopped working") % {"name": fresh.name},
                    text=fresh.last_error,
                    url=reverse("interactions:mail_accounts"),
                )
        return fresh


# -- fetching -----------------------------------------------------------------------------


def _lease_take(account: MailAccount) -> bool:
    now = timezone.now()
    with transaction.atomic():
        return bool(
            MailAccount.objects.filter(pk=account.pk)
            .filter(Q(fetching_since__isnull=True) | Q(fetching_since__lt=now - FETCH_LEASE))
            .update(fetching_since=now)
        )


def _lease_give_back(account: MailAccount) -> None:
    with transaction.atomic():
        MailAccount.objects.filter(pk=account.pk).update(fetching_since=None)


def mail_account_fetch(
    *,
    account: MailAccount,
    batch: int = FETCH_BATCH,
    retries: int = FETCH_RETRIES,
    retry_pause: float = RETRY_PAUSE_SECONDS,
) -> FetchResult:
    """Take the new messages of the account's incoming folder in (see the module docstring).
    Never raises for a server's failure: it is marked on the account and in the result."""
    result = FetchResult()
    if not _lease_take(account):
        result.busy = True
        return result
    try:
        while True:
            try:
                _fetch(account, result, batch)
                break
            except MailServerError as error:
                result.error = error
            except DROPPED as error:
                result.error = failure(error, host=account.host, port=account.port)
            if result.error.status != MailAccountStatus.CONNECTION or result.reconnects >= retries:
                _failure_mark(account, result.error)
                return result
            result.reconnects += 1
            logger.info(
                "mail account %s: %s; connecting again (%s of %s)",
                account.pk,
                result.error.message,
                result.reconnects,
                retries,
            )
            time.sleep(retry_pause * result.reconnects)
        result.error = None
        with transaction.atomic():
            fresh = MailAccount.objects.select_for_update().get(pk=account.pk)
            _status_clear(fresh)
            fresh.fetched_at = timezone.now()
            fresh.save(update_fields=["status", "last_error", "error_at", "fetched_at"])
    finally:
        _lease_give_back(account)
    return result


def _fetch(account: MailAccount, result: FetchResult, batch: int) -> None:
    settings = _account_settings(account)
    with imap_session(**_session_settings(settings)) as client:
        selected = folder_select(client, account.inbox_folder, host=account.host, port=account.port)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        state = MailAccount.objects.values("uidvalidity", "last_uid", "owner_id").get(pk=account.pk)
        if state["uidvalidity"] != uidvalidity:
            # New UIDs: read the folder again; Message-IDs already registered are not repeated.
            with transaction.atomic():
                MailAccount.objects.filter(pk=account.pk).update(
                    uidvalidity=uidvalidity, last_uid=0
                )
            state["last_uid"] = 0
        last = state["last_uid"]
        uids = sorted(uid for uid in client.search(["UID", f"{last + 1}:*"]) if uid > last)
        owner = User.objects.get(pk=state["owner_id"])
        with address_matches_remembered():
            for start in range(0, len(uids), batch):
                chunk = uids[start : start + batch]
                bodies = client.fetch(chunk, ["RFC822"])
                with transaction.atomic():
                    for uid in chunk:
                        raw = bodies.get(uid, {}).get(b"RFC822")
                        if raw is None:  # expunged meanwhile
                            continue
                        _import_one(account, owner, uidvalidity, uid, raw, result)
                    MailAccount.objects.filter(
                        pk=account.pk, uidvalidity=uidvalidity, last_uid__lt=chunk[-1]
                    ).update(last_uid=chunk[-1])


def _import_one(account, owner, uidvalidity: int, uid: int, raw: bytes, result) -> None:
    """One message, one savepoint of its batch's transaction: its interaction and its
    ImportedMessage."""
    try:
        with transaction.atomic():
            record = ImportedMessage(account=account, uidvalidity=uidvalidity, uid=uid)
            try:
                interaction = email_register(raw=raw, by=owner, file_name=f"{uid}.eml")
                record.interaction = interaction
                record.message_id = interaction.message_id
                outcome = "imported"
            except Conflict as error:  # its Message-ID is registered already
                if InteractionsCode.EML_DUPLICATE not in error.codes:
                    raise
                record.message_id = _message_id(raw)
                record.interaction = Interaction.objects.filter(
                    kind=InteractionKind.EMAIL, message_id=record.message_id
                ).first()
                outcome = "known"
            except (ValidationFailed, FileRejected) as error:
                record.message_id = _message_id(raw)[:255]
                record.error = error.detail
                outcome = "refused"
            record.save()
    except IntegrityError:
        # Another fetch took this message in at the same moment: its transaction won. Any
        # other integrity failure is not this message's fault: raised, the batch stays
        # unimported and the next fetch tries it again.
        if not ImportedMessage.objects.filter(
            account=account, uidvalidity=uidvalidity, uid=uid
        ).exists():
            raise
        outcome = "known"
    setattr(result, outcome, getattr(result, outcome) + 1)
    if outcome == "refused":
        result.errors.append(f"UID {uid}: {record.error}")


def _message_id(raw: bytes) -> str:
    ids = message_ids(_headers.parsebytes(raw, headersonly=True).get("Message-ID"))
    return ids[0] if ids else ""


def mail_accounts_fetch_all() -> dict[str, int]:
    """Fetch every active account (the periodic task); one account's failure does not stop
    the others."""
    totals = {"accounts": 0, "imported": 0, "failed": 0}
    for account in MailAccount.objects.filter(is_active=True).order_by("pk"):
        result = mail_account_fetch(account=account)
        totals["accounts"] += 1
        totals["imported"] += result.imported
        totals["failed"] += result.error is not None
    return totals


# -- sent mail ----------------------------------------------------------------------------


def sending_account_of(user: User) -> MailAccount | None:
    """The account whose Sent folder gets the mail `user` sends: their own, personal first."""
    return (
        MailAccount.objects.filter(owner=user, is_active=True)
        .order_by(F("department").asc(nulls_first=True), "pk")
        .first()
    )


def mail_sent_file(*, user: User, raw: bytes) -> bool:
    """Put a message `user` has just sent into the Sent folder of their mail account, as
    mail programs do. The mail is sent already: a failure here is logged and told to the
    user, never raised. False when there is no account or filing failed."""
    account = sending_account_of(user)
    if account is None:
        return False
    try:
        settings = _account_settings(account)
        with imap_session(**_session_settings(settings)) as client:
            try:
                if not client.folder_exists(account.sent_folder):
                    client.create_folder(account.sent_folder)  # as mail programs do
                client.append(account.sent_folder, raw, flags=[b"\\Seen"])
            except DROPPED:
                raise
            except Exception as error:
                raise MailServerError(
                    MailAccountStatus.FOLDER,
                    _("The folder «%(folder)s» is not on the mail server %(server)s (%(error)s).")
                    % {
                        "folder": account.sent_folder,
                        "server": f"{account.host}:{account.port}",
                        "error": error,
                    },
                ) from None
    except Exception as error:
        reason = failure(error, host=account.host, port=account.port).message
        logger.warning("mail account %s: sent mail not filed: %s", account.pk, reason)
        notification_send(
            user=user,
            title=_("The sent e-mail was not put into «%(folder)s»")
            % {"folder": account.sent_folder},
            text=reason,
            url=reverse("interactions:mail_accounts"),
        )
        return False
    return True
