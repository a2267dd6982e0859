"""Record-level access (X1): the one place that decides which records a user may see.

Every query, report, export and API list goes through `visible(queryset, user)`. Each
domain registers its models at start-up, naming the path from the record to the user who
is responsible for it (and, for records a portal client may see, to the client's
partner). The scope comes from the user's role:

- administrator: everything;
- head: records of the people in the departments they head or belong to (sub-units too);
- manager, claims officer: their own records;
- portal client: only records of its own partner, where the model allows portal access;
- an inactive or anonymous user: nothing.

A model that is not registered is an error, never an open door. Records a user cannot
see answer 404, never 403, so their existence does not leak.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import Department, User
from .roles import Role


class Scope(enum.Enum):
    ALL = "all"
    DEPARTMENT = "department"
    OWN = "own"
    PORTAL = "portal"
    NONE = "none"


@dataclass(frozen=True)
class Rule:
    owner: str | tuple[str, ...]
    portal_partner: str | None = None
    also: Callable[[User], Q | None] | None = None


_rules: dict[type[Model], Rule] = {}
# Filled by the portal domain: the partner id a portal user acts for, or None.
_portal_partner_resolvers: list[Callable[[User], int | None]] = []


def register(
    model: type[Model],
    *,
    owner: str | tuple[str, ...],
    portal_partner: str | None = None,
    also: Callable[[User], Q | None] | None = None,
) -> None:
    """Declare how records of `model` are reached.

    owner: lookup path(s) from the record to the responsible user ("manager",
    "deal__manager"); a record is its owner's, and the owner's heads'.
    portal_partner: lookup path to the partner's id, for models portal clients may see.
    also: extra grants for a user, as a Q (e.g. claims officers see every claim).
    """
    _rules[model] = Rule(owner=owner, portal_partner=portal_partner, also=also)


def portal_partner_resolver_register(resolver: Callable[[User], int | None]) -> None:
    _portal_partner_resolvers.append(resolver)


# Filled by the portal domain: binds a portal user to a partner (raises DomainError if unknown).
_portal_partner_binders: list[Callable[[User, int], None]] = []


def portal_partner_binder_register(binder: Callable[[User, int], None]) -> None:
    _portal_partner_binders.append(binder)


def portal_partner_binders() -> list[Callable[[User, int], None]]:
    return list(_portal_partner_binders)


def portal_partner_of(user: User) -> int | None:
    for resolver in _portal_partner_resolvers:
        partner_id = resolver(user)
        if partner_id is not None:
            return partner_id
    return None


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope.NONE
    if user.is_superuser or user.role == Role.ADMIN:
        return Scope.ALL
    if user.role == Role.HEAD:
        return Scope.DEPARTMENT
    if user.role == Role.PORTAL:
        return Scope.PORTAL
    return Scope.OWN


def department_ids_of(user: User) -> set[int]:
    """The departments a head answers for: those they head or belong to, and all below."""
    children: dict[int | None, list[int]] = {}
    roots = {user.department_id} if user.department_id else set()
    for pk, parent, head in Department.objects.values_list("id", "parent_id", "head_id"):
        children.setdefault(parent, []).append(pk)
        if head == user.pk:
            roots.add(pk)
    found, stack = set(), list(roots)
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def _rule_for(model: type[Model]) -> Rule:
    for klass in model.__mro__:
        if klass in _rules:
            return _rules[klass]
    raise LookupError(
        f"{model.__name__} has no access rule: register it with ladoga.accounts.access.register"
    )


def _owner_q(paths: tuple[str, ...], **condition) -> Q:
    q = Q()
    for path in paths:
        for key, value in condition.items():
            q |= Q(**{f"{path}{key}": value})
    return q


def visibility_q(model: type[Model], user) -> Q | None:
    """The filter for what `user` sees of `model`; None means everything."""
    rule = _rule_for(model)
    scope = scope_of(user)
    if scope is Scope.ALL:
        return None
    paths = (rule.owner,) if isinstance(rule.owner, str) else rule.owner
    nothing = Q(pk__in=[])
    if scope is Scope.NONE:
        return nothing
    if scope is Scope.PORTAL:
        partner_id = portal_partner_of(user)
        if rule.portal_partner is None or partner_id is None:
            return nothing
        return Q(**{rule.portal_partner: partner_id})
    q = _owner_q(paths, **{"": user.pk})
    if scope is Scope.DEPARTMENT:
        q |= _owner_q(paths, **{"__department__in": sorted(department_ids_of(user))})
    if rule.also is not None and (extra := rule.also(user)) is not None:
        q |= extra
    return q


def visible(queryset: QuerySet | type[Model], user) -> QuerySet:
    """The part of `queryset` that `user` may see.

    Owner paths are expected to follow foreign keys (to-one); a path through a to-many
    relation would repeat rows, so register such models with a path to one owner.
    """
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    q = visibility_q(queryset.model, user)
    return queryset if q is None else queryset.filter(q)


def owned(queryset: QuerySet | type[Model], user, path: str) -> QuerySet:
    """The records of `queryset` whose `path` is `user`, as far as `user` may see them.

    When `path` is one of the model's owner paths, a member of staff sees every record
    they own by the rule itself, so no access filter is added and the database can answer
    from an index on `path` (a dashboard's "mine" blocks); otherwise this is `visible`.
    """
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    mine = queryset.filter(**{path: user.pk})
    owner = _rule_for(queryset.model).owner
    paths = (owner,) if isinstance(owner, str) else owner
    if path in paths and scope_of(user) in (Scope.ALL, Scope.DEPARTMENT, Scope.OWN):
        return mine
    return visible(mine, user)


def can_see(record: Model, user) -> bool:
    return visible(type(record)._default_manager.filter(pk=record.pk), user).exists()


def get_visible_or_404(queryset: QuerySet | type[Model], user, **lookup) -> Model:
    """The record matching `lookup` if `user` may see it; 404 otherwise, never 403."""
    records = visible(queryset, user)
    try:
        return records.get(**lookup)
    except records.model.DoesNotExist:
        raise Http404(records.model._meta.verbose_name) from None
