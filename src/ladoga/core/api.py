"""The API conventions every domain router follows: problem+json errors, ETags, If-Match.

`install_problem_handlers` turns every failure into an RFC 9457 problem document:
DomainError (its status, with the list of violations in `errors`), parse errors (400,
naming the position), authentication (401), not visible (404), schema validation (422).
"""

import json
import logging
from decimal import Decimal, InvalidOperation
from typing import Annotated

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import AfterValidator, Field

from .errors import DomainError, PreconditionRequired, StaleVersion, Violation
from .middleware import database_unavailable_response, problem_body
from .numbers import money
from .text import (
    MAIL_HTML_LIMIT,
    MAIL_TEXT_LIMIT,
    TEXT_CONTROL_CHARACTER,
    TEXT_LIMIT,
    control_characters_message,
)

logger = logging.getLogger("ladoga.api")
PROBLEM_JSON = "application/problem+json"


# An amount of money in an API answer: two decimals, rounded half-up (core.numbers.money),
# whatever the database gave (SQLite sums come back as "9821.14000000000").
Money = Annotated[Decimal, AfterValidator(money)]

# Free text in an API request, limited as the model stores it (core.text, docs/limits.md):
# the schema says the limit in the OpenAPI document, the model save refuses it anyway.
FreeText = Annotated[str, Field(max_length=TEXT_LIMIT)]
MailText = Annotated[str, Field(max_length=MAIL_TEXT_LIMIT)]
MailHtml = Annotated[str, Field(max_length=MAIL_HTML_LIMIT)]


class ProblemError(Schema):
    code: str
    message: str
    field: str | None = None


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[ProblemError] | None = None


def problem(api: NinjaAPI, request: HttpRequest, status: int, title, detail=None, errors=None):
    extra = {"errors": errors} if errors is not None else {}
    response = HttpResponse(
        json.dumps(problem_body(status, str(title), detail and str(detail), **extra)),
        status=status,
        content_type=PROBLEM_JSON,
    )
    return response


def _location(loc) -> str:
    return ".".join(str(part) for part in loc if part not in {"body", "payload", "query", "path"})


def install_problem_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        response = problem(
            api,
            request,
            exc.status,
            exc.title,
            exc.detail,
            [v.as_dict() for v in exc.violations],
        )
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            Violation(
                code=str(e.get("type", "invalid")),
                message=str(e.get("msg", "")),
                field=_location(e.get("loc", ())) or None,
            ).as_dict()
            for e in exc.errors
        ]
        return problem(api, request, 422, _("The input is not valid"), None, errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = problem(
            api, request, 401, _("Authentication required"), _("Send a valid API token.")
        )
        response["WWW-Authenticate"] = 'Bearer realm="ladoga"'
        return response

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(api, request, 404, _("Not found"))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(api, request, 403, _("Forbidden"), str(exc) or None)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return problem(api, request, 413, _("Request body too large"))

    @api.exception_handler(MultiPartParserError)
    def multipart_unreadable(request, exc):
        return problem(api, request, 400, _("The request body cannot be read"), str(exc))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        cause = exc.__cause__
        if isinstance(cause, RequestDataTooBig):
            return problem(api, request, 413, _("Request body too large"))
        if isinstance(cause, json.JSONDecodeError):
            detail = _("Malformed JSON at line %(line)d, column %(column)d: %(msg)s") % {
                "line": cause.lineno,
                "column": cause.colno,
                "msg": cause.msg,
            }
            errors = [{"code": "malformed_json", "message": detail, "position": cause.pos}]
            return problem(
                api, request, 400, _("The request body is not valid JSON"), detail, errors
            )
        if cause is not None and exc.status_code == 400:
            return problem(api, request, 400, _("The request body cannot be read"), str(cause))
        return problem(api, request, exc.status_code, str(exc))

    @api.exception_handler(OverflowError)
    def out_of_range(request, exc):
        if "NUL" in str(exc):  # PostgreSQL's driver on a NUL in a filter or search
            errors = [Violation(TEXT_CONTROL_CHARACTER, control_characters_message()).as_dict()]
            return problem(
                api, request, 422, _("The input is not valid"), errors[0]["message"], errors
            )
        # A number larger than the database can hold (an id, an offset, an amount) is bad
        # input, whatever the endpoint: say so instead of failing inside the driver.
        return problem(
            api, request, 422, _("The input is not valid"), _("A number is out of range.")
        )

    api.add_exception_handler(DataError, out_of_range)
    api.add_exception_handler(InvalidOperation, out_of_range)

    @api.exception_handler(IntegrityError)
    def integrity_error(request, exc):
        if "datatype mismatch" in str(exc):  # SQLite's word for a number it cannot hold
            return out_of_range(request, exc)
        # A constraint the services' checks did not foresee (e.g. a race between two
        # requests): the database refused the write, nothing was saved.
        logger.warning("Integrity error on %s %s: %s", request.method, request.path, exc)
        return problem(api, request, 409, _("The request conflicts with the current state"))

    @api.exception_handler(OperationalError)
    def database_unavailable(request, exc):
        # A lock timeout or a lost connection: the client may simply retry (S6).
        logger.warning("Database error on %s %s: %s", request.method, request.path, exc)
        return database_unavailable_response(request)

    api.add_exception_handler(InterfaceError, database_unavailable)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("API request failed: %s %s", request.method, request.path)
        return problem(api, request, 500, _("Server error"), _("The error was logged."))


def etag_of(record) -> str:
    return f'"{record.version}"'


def with_etag(response: HttpResponse, record) -> HttpResponse:
    response["ETag"] = etag_of(record)
    return response


def expected_version(request: HttpRequest) -> int | None:
    """The version named by the request's If-Match header (428 when missing); None for
    `If-Match: *`, which RFC 9110 defines as "any current version", so nothing is stale."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired.single(
            "if_match_required",
            _("Send the record's ETag in an If-Match header to change it."),
        )
    if header == "*":
        return None
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise StaleVersion.single(
            "version_stale", _("The If-Match header does not name a version of this record.")
        )
    return int(value)
