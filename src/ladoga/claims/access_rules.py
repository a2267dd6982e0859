"""Who sees which claims (C6 of issue 7, X1), registered with accounts.access at start-up.

- a manager sees the claims of the partners they are responsible for, and the claims
  they are themselves responsible for (owner paths `partner__manager`, `responsible`);
- a head sees those of their departments' people (the access module's department scope)
  and, in addition, every claim against a department they head or belong to;
- a claims officer sees every claim;
- a portal client sees its own partner's claims only.
"""

from django.db.models import Q

from ladoga.accounts import access
from ladoga.accounts.roles import Role

OWNER = ("partner__manager", "responsible")


def claims_also(user) -> Q | None:
    """The extra grants on claims: officers see all, heads the claims against their units."""
    if user.role == Role.CLAIMS:
        # Not Q(): an empty Q vanishes when OR-ed with another one.
        return Q(pk__isnull=False)
    if user.role == Role.HEAD:
        departments = sorted(access.department_ids_of(user))
        return Q(culprit_department__in=departments) if departments else None
    return None


def through(prefix: str):
    """The same grants for records hanging off a claim (comments, history rows)."""

    def also(user) -> Q | None:
        q = claims_also(user)
        if q is None:
            return None
        return Q(**{f"{prefix}__{key}": value for key, value in q.children})

    return also
