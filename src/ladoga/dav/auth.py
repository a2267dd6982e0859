"""Radicale auth plugin: the Ladoga user name with an API token (preferred) or the password.

A token is checked through `accounts.services.token_use` and must belong to the user named;
a password goes through `accounts.services.login_attempt`, with its throttling. Portal
clients and inactive users are refused. The user found is handed to the storage plugin and
becomes `request.user`, so the change history names who moved an event.
"""

from django.utils import translation
from radicale import auth

from ladoga.accounts import services as accounts
from ladoga.accounts.models import User
from ladoga.accounts.services import TOKEN_PREFIX
from ladoga.core.errors import DomainError

from . import server


def ladoga_user(login: str, password: str) -> User | None:
    if password.startswith(TOKEN_PREFIX):
        user = accounts.token_use(token=password)
        if user is None or user.username != login:
            return None
    else:
        try:
            user = accounts.login_attempt(request=None, username=login, password=password)
        except DomainError:
            return None
    if not user.is_active or user.is_portal:
        return None
    return user


class Auth(auth.BaseAuth):
    def _login(self, login: str, password: str) -> str:
        user = ladoga_user(login, password)
        if user is None:
            return ""
        state = server.current()
        state.user = user
        state.django_request.user = user
        translation.activate(user.language or translation.get_language())
        return user.username
