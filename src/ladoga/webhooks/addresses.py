"""Where a webhook may be sent (SSRF): only http(s) URLs whose host resolves to public
addresses, unless an administrator allowed the server's own network for the endpoint.

Checked when an endpoint is saved and again before every attempt, because DNS may
answer differently later; the request then goes to the very address that was checked
(`Target.address`), so a second lookup cannot slip in another one. Link-local addresses
(cloud metadata at 169.254.169.254), multicast, reserved and unspecified ones are refused
even when private addresses are allowed: nothing legitimate listens there for webhooks.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed

from .errors import WebhooksCode as C

SCHEMES = ("http", "https")
URL_MAX_LENGTH = 2000

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """A checked URL: its parts, and the address it resolved to (the one to connect to)."""

    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress


def _never_allowed(address: IPAddress) -> bool:
    return (
        address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or (address.is_reserved and not address.is_loopback)
    )


def _own_network(address: IPAddress) -> bool:
    """Loopback, private ranges (RFC 1918, ULA, CGNAT…) and anything else not global."""
    return address.is_loopback or address.is_private or not address.is_global


def address_refusal(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why a webhook may not go to `address`, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if _never_allowed(address):
        return _("%(address)s is a link-local, multicast or reserved address.") % {
            "address": address
        }
    if _own_network(address) and not allow_private:
        return _(
            "%(address)s is an address of the server's own network; an administrator "
            "must allow private addresses for this endpoint."
        ) % {"address": address}
    return None


def _refuse(code: str, message: str, field: str) -> ValidationFailed:
    return ValidationFailed.single(code, message, field)


def url_check(url: str, *, allow_private: bool, field: str = "url") -> Target:
    """The checked target of `url`; ValidationFailed with a stable code otherwise."""
    url = (url or "").strip()
    if not url:
        raise _refuse(C.URL_REQUIRED, _("Give the URL to send the events to."), field)
    if len(url) > URL_MAX_LENGTH:
        raise _refuse(C.URL_INVALID, _("The URL is longer than 2000 characters."), field)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse(C.URL_INVALID, _("This is not a valid URL."), field) from None
    if parts.scheme.lower() not in SCHEMES:
        raise _refuse(
            C.URL_SCHEME, _("Only http:// and https:// URLs can receive webhooks."), field
        )
    host = parts.hostname
    if not host or any(c.isspace() for c in url):
        raise _refuse(C.URL_INVALID, _("This is not a valid URL."), field)
    if parts.username or parts.password:
        raise _refuse(
            C.URL_INVALID, _("Put no user name or password in the URL; sign instead."), field
        )
    scheme = parts.scheme.lower()
    port = port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port, field)
    for address in addresses:
        refusal = address_refusal(address, allow_private=allow_private)
        if refusal:
            raise _refuse(C.URL_PRIVATE, refusal, field)
    return Target(url=url, scheme=scheme, host=host, port=port, address=addresses[0])


def _resolve(host: str, port: int, field: str) -> list[IPAddress]:
    """Every address `host` resolves to (all must pass: a client may use any of them)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise _refuse(
            C.URL_UNRESOLVABLE,
            _("The host %(host)s cannot be found.") % {"host": host},
            field,
        ) from None
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if address not in found:
            found.append(address)
    if not found:
        raise _refuse(
            C.URL_UNRESOLVABLE, _("The host %(host)s cannot be found.") % {"host": host}, field
        )
    return found
