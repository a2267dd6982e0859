"""One signed HTTP attempt (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
`webhook-signature`), to the checked address only, never following a redirect blindly.

The request goes to the IP address the SSRF check resolved (the URL's host stays in the
Host header and, for https, in the TLS server name, so certificates are verified against
the host). A 3xx answer is followed, at most MAX_REDIRECTS times, only when its Location
passes the same check; otherwise the attempt fails and says why.
"""

import datetime
import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from ladoga.core.errors import ValidationFailed

from .addresses import Target, url_check
from .models import RESPONSE_EXCERPT_MAX

MAX_REDIRECTS = 3
USER_AGENT = "Ladoga-Webhooks/1"

_client: httpx.Client | None = None


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    excerpt: str
    duration_ms: int
    # Set when the URL or a redirect's target was refused by the SSRF rule.
    refused: str = ""


def client() -> httpx.Client:
    """One connection pool per process (httpx clients are thread-safe)."""
    global _client
    if _client is None:
        _client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(settings.WEBHOOK_TIMEOUT_SECONDS),
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
            trust_env=False,
        )
    return _client


def signed_headers(*, secret: str, message_id: str, body: str) -> dict[str, str]:
    now = datetime.datetime.now(tz=datetime.UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def _pinned(target: Target) -> tuple[str, dict[str, str], dict]:
    """The URL with the checked address as its host, the Host header, the TLS name."""
    parts = urlsplit(target.url)
    address = str(target.address)
    if isinstance(target.address, ipaddress.IPv6Address):
        address = f"[{address}]"
    netloc = f"{address}:{target.port}"
    host = parts.netloc.rsplit("@", 1)[-1]
    url = urlunsplit((target.scheme, netloc, parts.path or "/", parts.query, ""))
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    return url, {"host": host}, extensions


def _excerpt(response: httpx.Response) -> str:
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= RESPONSE_EXCERPT_MAX:
            break
    return data[:RESPONSE_EXCERPT_MAX].decode("utf-8", "replace")[:RESPONSE_EXCERPT_MAX]


def deliver(*, url: str, allow_private: bool, secret: str, message_id: str, body: str) -> Outcome:
    """POST `body` to `url`, signed; the outcome of the attempt (never raises for the
    receiver's faults: a refused address, a timeout, an error answer are outcomes)."""
    started = time.monotonic()

    def outcome(ok, status, excerpt, refused=""):
        elapsed = int((time.monotonic() - started) * 1000)
        return Outcome(ok, status, excerpt[:RESPONSE_EXCERPT_MAX], elapsed, refused)

    try:
        target = url_check(url, allow_private=allow_private)
    except ValidationFailed as error:
        return outcome(False, None, error.detail, refused=error.detail)
    for _hop in range(MAX_REDIRECTS + 1):
        pinned_url, host, extensions = _pinned(target)
        headers = {**signed_headers(secret=secret, message_id=message_id, body=body), **host}
        try:
            with client().stream(
                "POST", pinned_url, content=body.encode(), headers=headers, extensions=extensions
            ) as response:
                status = response.status_code
                location = response.headers.get("location")
                excerpt = _excerpt(response)
        except httpx.HTTPError as error:
            return outcome(False, None, f"{type(error).__name__}: {error}")
        if not (300 <= status < 400):
            return outcome(200 <= status < 300, status, excerpt)
        if not location:
            return outcome(False, status, excerpt)
        following = urljoin(target.url, location)
        try:
            target = url_check(following, allow_private=allow_private)
        except ValidationFailed as error:
            refused = _("The receiver redirected to %(url)s: %(reason)s") % {
                "url": following[:300],
                "reason": error.detail,
            }
            return outcome(False, status, refused, refused=refused)
    return outcome(False, status, _("Too many redirects."))
