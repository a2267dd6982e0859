"""Whose work a user's reports cover: a manager their own, a head their departments',
an administrator everyone's. A filter naming someone outside that answers 404."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from ladoga.accounts.access import Scope, department_ids_of, scope_of
from ladoga.accounts.models import User
from ladoga.accounts.roles import STAFF_ROLES


def managers_visible_to(*, user) -> QuerySet[User]:
    """The members of staff whose records `user` sees in reports."""
    scope = scope_of(user)
    staff = User.objects.filter(role__in=STAFF_ROLES).order_by("last_name", "first_name", "id")
    if scope is Scope.ALL:
        return staff
    if scope is Scope.DEPARTMENT:
        return staff.filter(department__in=department_ids_of(user)) | staff.filter(pk=user.pk)
    if scope is Scope.OWN:
        return staff.filter(pk=user.pk)
    return User.objects.none()


def managers_checked(*, user, manager_ids: Iterable[int] | None) -> list[int] | None:
    """The asked managers, or Http404 when one of them is outside what `user` sees."""
    if not manager_ids:
        return None
    wanted = {int(pk) for pk in manager_ids}
    seen = set(managers_visible_to(user=user).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - seen:
        raise Http404("manager")
    return sorted(wanted)
