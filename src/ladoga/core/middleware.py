"""Middleware of the shared kernel: security headers and problem documents for the API."""

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext as _

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

logger = logging.getLogger("ladoga.database")
API_PREFIX = "/api/"
PROBLEM_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    500: "Server error",
}


def problem_body(status: int, title: str, detail: str | None = None, **extra) -> dict:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return body


def problem_http_response(status: int, title: str, detail: str | None = None, **extra):
    return HttpResponse(
        json.dumps(problem_body(status, title, detail, **extra), ensure_ascii=False),
        status=status,
        content_type="application/problem+json",
    )


class ContentSecurityPolicyMiddleware:
    """A strict CSP (no inline script), refusal of oversized bodies, and problem+json for the
    API's errors that Django produces before ninja sees the request (unknown URL, wrong
    method, body too large)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith(API_PREFIX)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            detail = _("The request body is larger than %(limit)d MB.") % {
                "limit": settings.UPLOAD_MAX_BYTES // 1024 // 1024
            }
            if is_api:
                return problem_http_response(413, PROBLEM_TITLES[413], detail)
            return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")

        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if (
            is_api
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(
                ("application/json", "application/problem+json")
            )
        ):
            status = response.status_code
            allow = response.get("Allow")
            response = problem_http_response(status, PROBLEM_TITLES.get(status, "Error"))
            if allow:
                response["Allow"] = allow
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


DATABASE_RETRY_AFTER_SECONDS = 30
HEALTH_PATH = "/healthz"


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: a problem document for the API, a plain page for people, in the
    language the browser asks for (the user's own setting needs the database)."""
    with translation.override(translation.get_language_from_request(request)):
        return _database_unavailable(request)


def _database_unavailable(request: HttpRequest) -> HttpResponse:
    detail = _("The database is not reachable. Try again in a minute.")
    if request.path.startswith(API_PREFIX):
        response = problem_http_response(503, "Service unavailable", detail)
    else:
        title = _("Ladoga is unavailable")
        response = HttpResponse(
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{detail}</p></body></html>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response


class DatabaseAvailableMiddleware:
    """While the database cannot be reached, answer 503 with Retry-After instead of 500 (S6).

    The connection is opened before the request goes further (cheap when it is already open),
    so a refused connection is told apart from a bug; a connection lost inside a view is
    caught in `process_exception`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.db import InterfaceError, OperationalError, connection

        if request.path == HEALTH_PATH:
            return self.get_response(request)  # it reports the database itself, as JSON
        try:
            connection.ensure_connection()
        except (OperationalError, InterfaceError):
            logger.warning("Database unreachable on %s %s", request.method, request.path)
            return database_unavailable_response(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        from django.db import InterfaceError, OperationalError, connection

        if isinstance(exception, OperationalError | InterfaceError) and not _usable(connection):
            return database_unavailable_response(request)
        return None


def _usable(connection) -> bool:
    try:
        return connection.connection is not None and connection.is_usable()
    except Exception:  # any failure means the connection is gone
        return False


class ActionAddressMiddleware:
    """A page's command address (`/deals/5/move/`) takes only POST. Opened with GET — a
    reload after the command, an old bookmark, a language switch back to it — it answers
    with a redirect to the nearest page above it (`/deals/5/`) instead of 405, so a
    person never lands on "method not allowed" (POST-redirect-GET, issue 14). The API keeps
    its 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(API_PREFIX)
        ):
            return HttpResponseRedirect(page_above(request.path))
        return response


def page_above(path: str) -> str:
    """The nearest address above `path` that is a page of the site ("/" at the latest)."""
    from django.urls import Resolver404, resolve

    parts = [part for part in path.split("/") if part]
    while parts:
        parts.pop()
        candidate = "/" + "".join(f"{part}/" for part in parts)
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return "/"
