"""How API requests prove who they are: a bearer token, or the browser session (with CSRF)."""

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from .services import token_use


class TokenAuth(HttpBearer):
    """A bearer token of a staff user; portal clients use the portal, never the staff API."""

    def authenticate(self, request, token):
        user = token_use(token=token)
        if user is not None and user.is_portal:
            raise PermissionDenied(_("Portal users work in the client portal."))
        if user is not None:
            request.user = user
            if "Accept-Language" not in request.headers:
                translation.activate(user.language)
        return user


class StaffSessionAuth(SessionAuth):
    """The signed-in browser session of a staff user; CSRF-checked for writes."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and getattr(user, "is_portal", False):
            raise PermissionDenied(_("Portal users work in the client portal."))
        return user


api_auth = [TokenAuth(), StaffSessionAuth()]
