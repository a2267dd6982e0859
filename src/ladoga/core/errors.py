"""Domain errors: a stable code for integrators, a translated message for people.

Domain code raises DomainError subclasses; the API renders them as RFC 9457 problem
documents and the UI puts the same messages into the form. A command that raises has
written nothing, because every service runs in one transaction.
"""

from dataclasses import dataclass, field
from typing import ClassVar

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Violation:
    """One broken rule: `code` is stable, `message` is for people, `field` is optional."""

    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        return data


@dataclass
class DomainError(Exception):
    """A business rule refused the command. Rendered as HTTP `status` (422 by default)."""

    violations: list[Violation] = field(default_factory=list)
    status: ClassVar[int] = 422
    title: ClassVar = _("The request breaks a business rule")

    def __post_init__(self):
        super().__init__(self.detail)

    @classmethod
    def single(cls, code: str, message, field: str | None = None) -> "DomainError":
        return cls([Violation(code=code, message=message, field=field)])

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.violations]

    @property
    def detail(self) -> str:
        return "; ".join(str(v.message) for v in self.violations)

    def __str__(self) -> str:
        return self.detail


class ValidationFailed(DomainError):
    """Input that does not make sense on its own (a field's value)."""

    title = _("The input is not valid")


class Conflict(DomainError):
    """The command clashes with the current state (a duplicate, an existing name)."""

    status = 409
    title = _("The request conflicts with the current state")


class StaleVersion(DomainError):
    """Somebody else changed the record since the client read it (X5)."""

    status = 412
    title = _("The record was changed by someone else")


class PreconditionRequired(DomainError):
    status = 428
    title = _("An If-Match header is required")


class FileRejected(DomainError):
    """An upload that is too large, of a type not allowed, or with a dangerous name."""


class FileTooLarge(FileRejected):
    status = 413
    title = _("The file is too large")


class FileStoreUnavailable(DomainError):
    """The file store (a local folder or an S3-compatible server) cannot be reached."""

    status = 503
    title = _("The file store is unavailable")


class NotAuthenticated(DomainError):
    """The credentials given do not identify anybody (a wrong name or password)."""

    status = 401
    title = _("Authentication required")


@dataclass
class Throttled(DomainError):
    """Too many attempts: the client may try again after `retry_after` seconds."""

    retry_after: int = 60
    status: ClassVar[int] = 429
    title: ClassVar = _("Too many requests")
