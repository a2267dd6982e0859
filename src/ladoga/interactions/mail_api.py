"""Mail accounts over IMAP (I7) in the API: the caller's own accounts and those shared with
their department. The password is write-only: it is never returned."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ConfigDict

from ladoga.accounts import access
from ladoga.core.api import expected_version, with_etag

from . import queries, services
from .models import MailAccount

router = Router(tags=["mail accounts"])


class MailAccountIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=150)
    host: str = Field(max_length=255, description="the IMAP server's host name")
    port: int = Field(description="993 for ssl, 143 for starttls or none")
    security: str = Field(description="ssl, starttls or none")
    verify_certificate: bool = True
    username: str = Field(max_length=255)
    password: str = Field(description="write-only: stored encrypted, never returned")
    inbox_folder: str = Field("INBOX", max_length=255)
    sent_folder: str = Field("Sent", max_length=255)
    department_id: int | None = Field(None, description="share with this department")
    is_active: bool = True
    import_existing: bool = Field(
        False, description="also import the mail already in the folder (else: only new mail)"
    )


class MailAccountPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    host: str | None = None
    port: int | None = None
    security: str | None = None
    verify_certificate: bool | None = None
    username: str | None = None
    password: str | None = Field(None, description="write-only; empty or absent: unchanged")
    inbox_folder: str | None = None
    sent_folder: str | None = None
    department_id: int | None = None
    is_active: bool | None = None


class MailAccountOut(Schema):
    id: int
    name: str
    owner_id: int
    department_id: int | None
    host: str
    port: int
    security: str
    verify_certificate: bool
    username: str
    inbox_folder: str
    sent_folder: str
    is_active: bool
    status: str = Field(description="ok, auth, certificate, connection or folder")
    last_error: str
    error_at: str | None
    fetched_at: str | None
    last_uid: int
    version: int

    @staticmethod
    def resolve_error_at(account) -> str | None:
        return account.error_at.isoformat() if account.error_at else None

    @staticmethod
    def resolve_fetched_at(account) -> str | None:
        return account.fetched_at.isoformat() if account.fetched_at else None


class FetchOut(Schema):
    imported: int
    known: int
    refused: int
    reconnects: int
    busy: bool
    status: str
    error: str


def _staff(request: HttpRequest) -> None:
    if not request.user.has_perm("interactions.add_interaction"):
        raise PermissionDenied(_("Your role may not do this."))


def _account(request: HttpRequest, account_id: int) -> MailAccount:
    return access.get_visible_or_404(MailAccount.objects.all(), request.user, pk=account_id)


def _changes(payload: Schema) -> dict:
    changes = payload.dict(exclude_unset=True)
    if "department_id" in changes:
        changes["department"] = changes.pop("department_id")
    return {k: v for k, v in changes.items() if v is not None or k == "department"}


@router.get("", response=list[MailAccountOut])
@paginate(LimitOffsetPagination)
def mail_account_list(request: HttpRequest):
    """The caller's mail accounts and those shared with their department."""
    _staff(request)
    return queries.mail_accounts_visible_to(user=request.user)


@router.post("", response={201: MailAccountOut})
def mail_account_connect(request: HttpRequest, payload: MailAccountIn, response: HttpResponse):
    """Connect an account of the caller. The server is asked first: a refused login, an
    untrusted certificate, an unreachable server or a missing folder is 422, nothing saved."""
    _staff(request)
    data = payload.dict()
    data["department"] = data.pop("department_id")
    account = services.mail_account_connect(by=request.user, **data)
    with_etag(response, account)
    return Status(201, account)


@router.get("/{account_id}", response=MailAccountOut)
def mail_account_get(request: HttpRequest, account_id: int, response: HttpResponse):
    _staff(request)
    account = _account(request, account_id)
    with_etag(response, account)
    return account


@router.patch("/{account_id}", response=MailAccountOut)
def mail_account_update(
    request: HttpRequest, account_id: int, payload: MailAccountPatch, response: HttpResponse
):
    """Change an account (owner or administrator); new connection settings are tried first."""
    _staff(request)
    account = _account(request, account_id)
    account = services.mail_account_update(
        account=account,
        by=request.user,
        expected_version=expected_version(request),
        **_changes(payload),
    )
    with_etag(response, account)
    return account


@router.delete("/{account_id}", response={204: None})
def mail_account_delete(request: HttpRequest, account_id: int):
    _staff(request)
    account = _account(request, account_id)
    services.mail_account_delete(account=account, by=request.user)
    return Status(204, None)


@router.post("/{account_id}/test", response=MailAccountOut)
def mail_account_test(request: HttpRequest, account_id: int):
    """Log in with the stored settings; the account's status tells the outcome."""
    _staff(request)
    account = _account(request, account_id)
    if not services.mail_account_can_change(account, request.user):
        raise PermissionDenied(_("Only the owner of the mail account may do this."))
    return services.mail_account_test(account=account, by=request.user)


@router.post("/{account_id}/fetch", response=FetchOut)
def mail_account_fetch(request: HttpRequest, account_id: int):
    """Fetch the account's new mail now, and say what came in."""
    _staff(request)
    account = _account(request, account_id)
    result = services.mail_account_fetch(account=account)
    account.refresh_from_db()
    return {
        "imported": result.imported,
        "known": result.known,
        "refused": result.refused,
        "reconnects": result.reconnects,
        "busy": result.busy,
        "status": account.status,
        "error": result.error.message if result.error else "",
    }
