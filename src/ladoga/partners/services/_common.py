"""Helpers shared by the partners domain's services (not part of their interface)."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.core.errors import DomainError, ValidationFailed, Violation
from ladoga.core.versioning import version_check

from ..errors import PartnersCode
from ..models import Partner

# A value meaning "not given" in update commands, so None can mean "clear it".
UNSET = object()


def clean(value) -> str:
    return " ".join(str(value or "").split())


def locked(model: type[models.Model], record: models.Model) -> models.Model:
    """Re-read `record` under a row lock (PostgreSQL; SQLite serialises writers anyway)."""
    return model._default_manager.select_for_update().get(pk=record.pk)


def locked_checked(model, record, expected_version: int | None):
    """Lock `record` and refuse when it changed since the caller read `expected_version`."""
    fresh = locked(model, record)
    if expected_version is not None:
        version_check(record=fresh, expected=expected_version)
    return fresh


def partner_active_check(partner: Partner, field: str = "partner") -> None:
    if partner.status != "active":
        raise ValidationFailed.single(
            PartnersCode.PARTNER_ARCHIVED,
            _("Partner %(name)s is archived; restore it before changing what belongs to it.")
            % {"name": partner.name},
            field,
        )


def manager_check(manager, field: str = "manager") -> list[Violation]:
    """A responsible manager must be an active staff member (not a portal client)."""
    if manager is None:
        return []
    if not isinstance(manager, User) or not manager.is_active or manager.role == Role.PORTAL:
        return [
            Violation(
                PartnersCode.MANAGER_INVALID,
                _("The responsible manager must be an active member of staff."),
                field,
            )
        ]
    return []


def unknown_changes_check(changes: dict, allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")


def prefixed(error: DomainError, prefix: str) -> list[Violation]:
    """The violations of `error` with their fields put under `prefix` ("contacts.0.")."""
    return [
        Violation(
            code=v.code,
            message=v.message,
            field=f"{prefix}{v.field}" if v.field else prefix.rstrip("."),
        )
        for v in error.violations
    ]


def name_taken(queryset, name: str, field: str = "name") -> bool:
    """Whether `queryset` has a record named `name`, ignoring case in any alphabet.

    Compared in Python: SQLite folds the case of Latin letters only, and catalogues
    (segments, groups, property and relation types) are small.
    """
    wanted = name.casefold()
    return any(v.casefold() == wanted for v in queryset.values_list(field, flat=True))
