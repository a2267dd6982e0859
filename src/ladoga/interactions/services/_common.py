"""Helpers shared by the interactions domain's services (not part of their interface)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.core.errors import Violation
from ladoga.core.versioning import version_check
from ladoga.partners import keys

from ..errors import InteractionsCode


def clean(value) -> str:
    return " ".join(str(value or "").split())


def locked_checked(model: type[models.Model], record: models.Model, expected_version: int | None):
    """Re-read `record` under a row lock and refuse a change based on an older version."""
    fresh = model._default_manager.select_for_update().get(pk=record.pk)
    if expected_version is not None:
        version_check(record=fresh, expected=expected_version)
    return fresh


def phone_key_or_blank(phone: str) -> str:
    """E.164 through the partners' normalisation; blank for an extension or a typo, which
    are kept as typed but cannot be matched."""
    if not phone:
        return ""
    try:
        return keys.phone_key(phone)
    except ValueError:
        return ""


def email_valid(value: str) -> bool:
    try:
        validate_email(value)
    except DjangoValidationError:
        return False
    return True


def staff_user_check(user, code: str, field: str, message=None) -> list[Violation]:
    """Responsible users and assignees are active members of staff, never portal clients."""
    if not isinstance(user, User) or not user.is_active or user.role == Role.PORTAL:
        return [Violation(code, message or _("Choose an active member of staff."), field)]
    return []


def unknown_changes_check(changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")


__all__ = [
    "InteractionsCode",
    "clean",
    "email_valid",
    "locked_checked",
    "phone_key_or_blank",
    "staff_user_check",
    "unknown_changes_check",
]
