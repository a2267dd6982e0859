"""The `/dav/` mount: a Django view that hands the request to Radicale.

Why a view and not a dispatcher in `wsgi.py`: the view runs in every server Ladoga runs in
(`ladoga serve`, the test live server, any WSGI host) and inside Django's request cycle, so
database connections are opened and closed as for any request and the change history sees
the user. The middleware is kept out of the way: the view is CSRF-exempt (a DAV client
sends no CSRF token; it authenticates every request with Basic auth, never a session
cookie), the URL pattern matches every path under `/dav/` so APPEND_SLASH never redirects a
DAV 404, and no middleware reads the body (the view gives Radicale a copy of it).
"""

import io

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from ladoga.core.middleware import problem_http_response

from . import server
from .items import CALENDAR, CONTACTS

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@csrf_exempt
def dav(request: HttpRequest, path: str = "") -> HttpResponse:
    environ = dict(request.META)
    body = request.body
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["SCRIPT_NAME"] = request.META.get("SCRIPT_NAME", "").rstrip("/") + "/dav"
    environ["PATH_INFO"] = path or "/"
    started: dict = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, headers

    token = server.begin(request)
    try:
        answer = server.application()(environ, start_response)
        content = b"".join(answer)
        error = server.current().error
    finally:
        server.end(token)
    if error is not None:
        return problem_http_response(
            error.status,
            str(error.title),
            error.detail,
            errors=[violation.as_dict() for violation in error.violations],
        )
    response = HttpResponse(content, status=int(started["status"].split(" ", 1)[0]))
    for name, value in started["headers"]:
        if name.lower() not in HOP_BY_HOP:
            response[name] = value
    return response


def well_known(request: HttpRequest) -> HttpResponse:
    """RFC 6764: `/.well-known/caldav` and `/.well-known/carddav` lead programs to `/dav/`."""
    return HttpResponsePermanentRedirect(reverse("dav:root"))


def profile_panel_context(request: HttpRequest) -> dict:
    root = request.build_absolute_uri(reverse("dav:root"))
    username = request.user.get_username()
    return {
        "root": root,
        "username": username,
        "calendar": f"{root}{username}/{CALENDAR}/",
        "contacts": f"{root}{username}/{CONTACTS}/",
    }
