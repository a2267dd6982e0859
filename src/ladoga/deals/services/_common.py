"""Helpers shared by the deals domain's services (not part of their interface)."""

from django.db import models
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.core.errors import Violation
from ladoga.core.versioning import version_check

from ..errors import DealForbidden

ADD, CHANGE = "deals.add_deal", "deals.change_deal"
MANAGE_KINDS = "deals.manage_deal_kinds"


def clean(value) -> str:
    return " ".join(str(value or "").split())


def locked(model: type[models.Model], record: models.Model, expected_version: int | None):
    """Re-read `record` under a row lock and refuse a change based on an older version.

    The lock is what makes two concurrent moves of one deal take turns (PostgreSQL); the
    second then sees the first's result (a new version, another stage) and is refused.
    SQLite's IMMEDIATE transactions serialise writers the same way."""
    fresh = model._default_manager.select_for_update().get(pk=record.pk)
    if expected_version is not None:
        version_check(record=fresh, expected=expected_version)
    return fresh


def staff_check(user, code: str, field: str, message=None) -> list[Violation]:
    """Managers and assignees are active members of staff, never portal clients."""
    if not isinstance(user, User) or not user.is_active or user.role == Role.PORTAL:
        return [Violation(code, message or _("Choose an active member of staff."), field)]
    return []


def permission_check(by, permission: str) -> None:
    """`by` None is the system (demo data, migrations) and may do anything."""
    if by is not None and not by.has_perm(permission):
        raise DealForbidden.single("deal_permission_denied", _("Your role may not do this."))


def is_head(user) -> bool:
    return bool(user and (user.is_superuser or user.role in (Role.HEAD, Role.ADMIN)))


def probability_check(value, field: str = "probability_override") -> list[Violation]:
    from ..errors import DealsCode

    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        return [
            Violation(
                DealsCode.PROBABILITY_INVALID,
                _("A probability is a whole number of per cent from 0 to 100."),
                field,
            )
        ]
    return []
