"""The Radicale application Ladoga mounts, and what one DAV request carries through it.

Radicale calls its plugins (auth, rights, storage) synchronously in the thread that serves
the request, so a context variable is enough to hand them the acting Ladoga user and to
hand back a domain error: Radicale itself turns any exception of a plugin into 400 or 500,
and the view answers with the error's own status (403, 412, 422 …) instead.
"""

import contextvars
import threading
from dataclasses import dataclass, field

import radicale
import radicale.config

from ladoga.accounts.models import User
from ladoga.core.errors import DomainError

PLUGINS = "ladoga.dav"


@dataclass
class DavRequest:
    django_request: object
    user: User | None = None
    error: DomainError | None = None
    changed: list = field(default_factory=list)


_current: contextvars.ContextVar[DavRequest | None] = contextvars.ContextVar(
    "ladoga_dav_request", default=None
)


def current() -> DavRequest:
    state = _current.get()
    if state is None:
        raise RuntimeError("The Ladoga DAV plugins run only inside ladoga.dav.views.dav")
    return state


def begin(django_request) -> contextvars.Token:
    return _current.set(DavRequest(django_request))


def end(token: contextvars.Token) -> None:
    _current.reset(token)


def configuration() -> "radicale.config.Configuration":
    config = radicale.config.load()
    config.update(
        {
            "auth": {"type": f"{PLUGINS}.auth", "delay": "1"},
            "rights": {
                "type": f"{PLUGINS}.rights",
                "permit_delete_collection": "False",
                "permit_overwrite_collection": "False",
            },
            "storage": {"type": f"{PLUGINS}.storage"},
            # No Radicale web pages: people use Ladoga's own interface.
            "web": {"type": "none"},
            "hook": {"type": "none"},
            "logging": {"mask_passwords": "True"},
        },
        "ladoga",
    )
    return config


_application: radicale.Application | None = None
_lock = threading.Lock()


def application() -> radicale.Application:
    """One Radicale application per process (its plugins keep no per-user state)."""
    global _application
    with _lock:
        if _application is None:
            _application = radicale.Application(configuration())
        return _application
