"""The portal's boundary: a portal user sees the portal and nothing else (C4).

Staff pages are refused by redirecting to the portal; the staff API answers 403. The
few pages every signed-in user needs (sign-out, language, static files) stay open.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ladoga.accounts.roles import Role
from ladoga.core.middleware import problem_http_response

OPEN_PREFIXES = ("/portal/", "/static/", "/logout/", "/language/")


class PortalBoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "role", None) == Role.PORTAL
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return problem_http_response(
                    403, str(_("Forbidden")), str(_("Portal users work in the client portal."))
                )
            return redirect(reverse("portal:home"))
        return self.get_response(request)
