"""Reads of the accounts domain."""

from django.db.models import Count, QuerySet

from ladoga.core.text import text_contains_q

from .access import Scope, department_ids_of, scope_of
from .models import ApiToken, Department, User
from .roles import STAFF_ROLES, Role


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


def users_administered_by(*, user: User) -> QuerySet[User]:
    """Every user, for the users settings page: only an administrator manages users."""
    if not user.is_active or not user.is_administrator:
        return User.objects.none()
    return User.objects.select_related("department")


def users_filter(
    users: QuerySet[User], *, q: str = "", role: str = "", active: bool | None = None
) -> QuerySet[User]:
    """Users whose user name, first or last name or e-mail contains `q` (in any case and
    alphabet), of `role`, active or not."""
    if q:
        users = users.filter(
            text_contains_q(("username", "first_name", "last_name", "email"), q.strip())
        )
    if role:
        users = users.filter(role=role)
    if active is not None:
        users = users.filter(is_active=active)
    return users


def departments_administered_by(*, user: User) -> QuerySet[Department]:
    """Every department with its head, parent and number of members, for the settings page."""
    if not user.is_active or not user.is_administrator:
        return Department.objects.none()
    return Department.objects.select_related("head", "parent").annotate(
        member_count=Count("members")
    )


def department_heads_available() -> QuerySet[User]:
    """Who may head a department: the active heads of sales."""
    return User.objects.filter(is_active=True, role=Role.HEAD)
