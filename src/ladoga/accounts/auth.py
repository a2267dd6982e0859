"""How API requests prove who they are: a bearer token, or the browser session (with CSRF)."""

from django.utils import translation
from ninja.security import HttpBearer, SessionAuth

from .services import token_use


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = token_use(token=token)
        if user is not None:
            request.user = user
            if "Accept-Language" not in request.headers:
                translation.activate(user.language)
        return user


class StaffSessionAuth(SessionAuth):
    """The signed-in browser session; CSRF-checked for writes."""


api_auth = [TokenAuth(), StaffSessionAuth()]
