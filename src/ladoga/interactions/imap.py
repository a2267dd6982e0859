"""IMAP on the wire (I7): opening a session with `imapclient`, and telling why it failed.

No database here. Every failure becomes a MailServerError with the account status it means
(the user name or password refused, a certificate not trusted, a server out of reach, a
folder missing) and a translated message that says what to do.

Certificates are verified against the system's trust store unless the account says not to
(a company server with its own certificate, on a network the owner trusts).
"""

import imaplib
import ssl
from contextlib import contextmanager

from django.utils.translation import gettext as _
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from .models import MailAccountStatus, MailSecurity

TIMEOUT_SECONDS = 30


class MailServerError(Exception):
    def __init__(self, status: MailAccountStatus, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# Failures of a session already open: the server (or the network) dropped it.
DROPPED = (OSError, EOFError, imaplib.IMAP4.abort)


def _server(host: str, port: int) -> str:
    return f"{host}:{port}"


def _context(verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def failure(error: Exception, *, host: str, port: int) -> MailServerError:
    """The account status and message for an exception raised while talking to a server."""
    server = _server(host, port)
    if isinstance(error, MailServerError):
        return error
    if isinstance(error, ssl.SSLCertVerificationError | ssl.CertificateError):
        reason = getattr(error, "verify_message", "") or str(error)
        return MailServerError(
            MailAccountStatus.CERTIFICATE,
            _(
                "The certificate of the mail server %(server)s is not trusted (%(reason)s). "
                "Ask its administrator for a valid certificate, or turn off the certificate "
                "check only if you trust the network."
            )
            % {"server": server, "reason": reason},
        )
    if isinstance(error, LoginError):
        reply = error.args[0] if error.args else ""
        reply = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return MailServerError(
            MailAccountStatus.AUTH,
            _("The mail server %(server)s refused the user name or password: %(reply)s")
            % {"server": server, "reply": reply},
        )
    if isinstance(error, (*DROPPED, ssl.SSLError)):
        return MailServerError(
            MailAccountStatus.CONNECTION,
            _("The mail server %(server)s cannot be reached: %(error)s")
            % {"server": server, "error": str(error) or type(error).__name__},
        )
    return MailServerError(
        MailAccountStatus.CONNECTION,
        _("The mail server %(server)s answered with an error: %(error)s")
        % {"server": server, "error": str(error) or type(error).__name__},
    )


def _login(client: IMAPClient, username: str, password: str) -> None:
    """LOGIN sends ASCII only; a password with other letters goes by AUTHENTICATE PLAIN
    (UTF-8, RFC 4616), which every current server offers."""
    if username.isascii() and password.isascii():
        client.login(username, password)
    else:
        client.plain_login(username, password)


@contextmanager
def imap_session(
    *,
    host: str,
    port: int,
    security: str,
    verify_certificate: bool,
    username: str,
    password: str,
    timeout: float = TIMEOUT_SECONDS,
):
    """An IMAPClient logged in to the server; MailServerError when it cannot be opened.
    Errors inside the block are the caller's to classify (`failure`)."""
    try:
        client = IMAPClient(
            host,
            port=port,
            ssl=security == MailSecurity.SSL,
            ssl_context=_context(verify_certificate),
            timeout=timeout,
        )
    except Exception as error:
        raise failure(error, host=host, port=port) from None
    try:
        try:
            if security == MailSecurity.STARTTLS:
                client.starttls(_context(verify_certificate))
            _login(client, username, password)
        except Exception as error:
            raise failure(error, host=host, port=port) from None
        yield client
    finally:
        try:
            client.logout()
        except Exception:  # the connection is already gone: nothing to close politely
            client.shutdown() if _open(client) else None


def _open(client: IMAPClient) -> bool:
    try:
        return client.socket().fileno() >= 0
    except Exception:
        return False


def folder_select(client: IMAPClient, folder: str, *, host: str, port: int) -> dict:
    """SELECT `folder` read-only (fetching then never marks mail as read)."""
    try:
        return client.select_folder(folder, readonly=True)
    except DROPPED:
        raise
    except IMAPClientError as error:
        raise MailServerError(
            MailAccountStatus.FOLDER,
            _("The folder «%(folder)s» is not on the mail server %(server)s (%(error)s).")
            % {"folder": folder, "server": _server(host, port), "error": error},
        ) from None
