"""Middleware of the accounts domain: the user's language, and Idempotency-Key for API POSTs."""

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from ladoga.core.middleware import problem_http_response

from . import services
from .errors import AccountsCode


class UserLanguageMiddleware:
    """Speak the language the signed-in user chose (X3)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


IDEMPOTENT_PREFIX = "/api/v1/"
IDEMPOTENCY_EXEMPT = ("/api/v1/auth/",)


class IdempotencyMiddleware:
    """Every API POST with an `Idempotency-Key` header runs once per user and key (S5).

    The first answer (below 500) is kept for 24 h and replayed for a retry with the same key
    and body; the same key with another body is refused with 422; a retry while the first
    request still runs gets 409 with Retry-After. Without the header nothing changes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key")
        if (
            key is None
            or request.method != "POST"
            or not request.path.startswith(IDEMPOTENT_PREFIX)
            or request.path.startswith(IDEMPOTENCY_EXEMPT)
        ):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > 255:
            return _problem(
                400,
                _("The Idempotency-Key header is not valid"),
                AccountsCode.IDEMPOTENCY_KEY_INVALID,
                _("An Idempotency-Key is 1–255 characters."),
            )
        user = _api_user(request)
        if user is None:
            return self.get_response(request)  # the API answers 401 itself
        fingerprint = services.idempotency_fingerprint(
            method=request.method, path=request.get_full_path(), body=request.body
        )
        record, first = services.idempotency_claim(user=user, key=key, fingerprint=fingerprint)
        if not first:
            return _answer_for_retry(record, fingerprint)
        try:
            response = self.get_response(request)
        except BaseException:
            services.idempotency_release(record=record)
            raise
        if response.status_code >= 500 or response.streaming:
            services.idempotency_release(record=record)
        else:
            services.idempotency_store(
                record=record,
                status=response.status_code,
                headers=response.headers,
                body=response.content,
            )
        return response


def _api_user(request):
    """Who sends the request: the bearer token's user, else the signed-in session's."""
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        return services.token_use(token=authorization[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _answer_for_retry(record, fingerprint: str) -> HttpResponse:
    if record is not None and record.fingerprint != fingerprint:
        return _problem(
            422,
            _("The input is not valid"),
            AccountsCode.IDEMPOTENCY_KEY_REUSED,
            _("This Idempotency-Key was used for another request; use a new key."),
        )
    if record is None or record.status is None:
        response = _problem(
            409,
            _("The request conflicts with the current state"),
            AccountsCode.IDEMPOTENCY_KEY_BUSY,
            _("A request with this Idempotency-Key is still running; try again shortly."),
        )
        response["Retry-After"] = "1"
        return response
    response = HttpResponse(bytes(record.body), status=record.status)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _problem(status: int, title, code: str, message) -> HttpResponse:
    return problem_http_response(
        status, str(title), str(message), errors=[{"code": code, "message": str(message)}]
    )
