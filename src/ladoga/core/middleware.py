"""Middleware of the shared kernel: security headers and problem documents for the API."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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
