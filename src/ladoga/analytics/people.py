"""Whom a user may list in the analytics reports (X1 applied to people).

The rows of a manager report follow record-level access: a manager sees only their own
row, a head the people of the departments they answer for (and themselves), an
administrator everyone. Departments come from `accounts.queries.departments_in_scope_of`.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.accounts.roles import Role

# The people a manager report has rows for: those who sell.
SALES_ROLES = (Role.MANAGER, Role.HEAD)


def managers_visible_to(*, user) -> QuerySet[User]:
    """Active sales people whose figures `user` may see."""
    people = User.objects.filter(is_active=True, role__in=SALES_ROLES).select_related("department")
    scope = access.scope_of(user)
    if scope is access.Scope.ALL:
        return people
    if scope is access.Scope.DEPARTMENT:
        return people.filter(Q(pk=user.pk) | Q(department__in=access.department_ids_of(user)))
    if scope is access.Scope.OWN:
        return people.filter(pk=user.pk)
    return people.none()


def managers_checked(*, user, manager_ids: Iterable[int] | None) -> list[int] | None:
    """The asked managers, or Http404 when one of them is outside what `user` sees."""
    if not manager_ids:
        return None
    wanted = {int(pk) for pk in manager_ids}
    seen = set(managers_visible_to(user=user).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - seen:
        raise Http404("manager")
    return sorted(wanted)
