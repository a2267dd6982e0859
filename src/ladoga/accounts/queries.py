"""Reads of the accounts domain."""

from django.db.models import QuerySet

from .access import Scope, department_ids_of, scope_of
from .models import ApiToken, Department, User
from .roles import STAFF_ROLES


def colleagues_visible_to(*, user: User) -> QuerySet[User]:
    """Staff users: every staff member may see who their colleagues are (to assign work)."""
    if user.is_portal:
        return User.objects.none()
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).select_related("department")


def people_in_scope_of(*, user: User) -> QuerySet[User]:
    """The staff whose records `user` sees (accounts.access scopes): everyone for an
    administrator, the departments a head answers for, otherwise only the user. Report
    filters by manager offer these and no one else."""
    staff = User.objects.filter(role__in=STAFF_ROLES).select_related("department")
    scope = scope_of(user)
    if scope == Scope.ALL:
        return staff
    if scope == Scope.DEPARTMENT:
        return staff.filter(department_id__in=sorted(department_ids_of(user)))
    if scope == Scope.OWN:
        return staff.filter(pk=user.pk)
    return User.objects.none()


def departments_in_scope_of(*, user: User) -> QuerySet[Department]:
    """The departments whose records `user` sees: all for an administrator, those a head
    answers for, a manager's own."""
    scope = scope_of(user)
    if scope == Scope.ALL:
        return Department.objects.all()
    if scope == Scope.DEPARTMENT:
        return Department.objects.filter(pk__in=sorted(department_ids_of(user)))
    if scope == Scope.OWN and user.department_id:
        return Department.objects.filter(pk=user.department_id)
    return Department.objects.none()


def departments_visible_to(*, user: User) -> QuerySet[Department]:
    if user.is_portal:
        return Department.objects.none()
    return Department.objects.select_related("head", "parent")


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
