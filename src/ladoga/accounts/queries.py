"""Reads of the accounts domain."""

from django.db.models import QuerySet

from .models import ApiToken, Department, User
from .roles import STAFF_ROLES


def colleagues_visible_to(*, user: User) -> QuerySet[User]:
    """Staff users: every staff member may see who their colleagues are (to assign work)."""
    if user.is_portal:
        return User.objects.none()
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).select_related("department")


def departments_visible_to(*, user: User) -> QuerySet[Department]:
    if user.is_portal:
        return Department.objects.none()
    return Department.objects.select_related("head", "parent")


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
