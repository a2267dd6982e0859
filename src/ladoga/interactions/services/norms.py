"""Contact norms (A10): configure them, and plan one follow-up per overdue spell.

Which clients are past their norm is a report (`ladoga.analytics.strategy`); this module
only writes.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed, Violation
from ladoga.partners.models import Partner, Segment

from ..errors import InteractionsCode as C
from ..errors import NormForbidden
from ..models import (
    CONTACT_KINDS,
    NORM_DAYS_MAX,
    AbcClass,
    ContactFollowUp,
    ContactNorm,
    CountedContacts,
    InteractionKind,
    XyzClass,
)
from ._common import clean, locked_checked, unknown_changes_check
from .interactions import interaction_create

MANAGE_NORMS = "interactions.manage_contact_norms"
NORM_CHANGEABLE = {"name", "segment", "abc", "xyz", "days", "counted", "kinds", "is_active"}


def _permission_check(by) -> None:
    """`by` None is the system (demo data) and may do anything."""
    if by is not None and not by.has_perm(MANAGE_NORMS):
        raise NormForbidden.single(C.NORM_FORBIDDEN, _("Your role may not do this."))


def _norm_checks(*, name, segment, abc, xyz, days, counted, kinds) -> list[Violation]:
    violations = []
    if not name:
        violations.append(Violation(C.NORM_NAME_REQUIRED, _("Give the norm a name."), "name"))
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= NORM_DAYS_MAX:
        violations.append(
            Violation(
                C.NORM_DAYS_INVALID,
                _("A norm is a whole number of days from 1 to %(max)s.") % {"max": NORM_DAYS_MAX},
                "days",
            )
        )
    if segment is not None and not isinstance(segment, Segment):
        violations.append(
            Violation(C.NORM_SEGMENT_UNKNOWN, _("There is no such segment."), "segment")
        )
    if abc and abc not in AbcClass.values:
        violations.append(Violation(C.NORM_CLASS_UNKNOWN, _("An ABC class is A, B or C."), "abc"))
    if xyz not in XyzClass.values:
        violations.append(
            Violation(C.NORM_CLASS_UNKNOWN, _("An XYZ class is X, Y, Z or empty."), "xyz")
        )
    if xyz and not abc:
        violations.append(
            Violation(C.NORM_CLASS_UNKNOWN, _("An XYZ class narrows an ABC class."), "xyz")
        )
    if (segment is None) == (not abc):
        violations.append(
            Violation(
                C.NORM_TARGET_REQUIRED,
                _("A norm applies either to a segment or to an ABC class."),
                "segment",
            )
        )
    if counted not in CountedContacts.values:
        violations.append(
            Violation(
                C.NORM_COUNTED_UNKNOWN,
                _("Count the responsible manager's contacts or anyone's."),
                "counted",
            )
        )
    if not kinds or any(kind not in CONTACT_KINDS for kind in kinds):
        violations.append(
            Violation(
                C.NORM_KINDS_INVALID,
                _("Choose the kinds that count: meeting, call, e-mail."),
                "kinds",
            )
        )
    return violations


def _segment_of(value):
    """A segment given by id is looked up; an unknown id stays a value the checks refuse."""
    if value is None or isinstance(value, Segment):
        return value
    try:
        return Segment.objects.get(pk=int(value))
    except (Segment.DoesNotExist, TypeError, ValueError):
        return value


@transaction.atomic
def contact_norm_create(
    *,
    name: str,
    days: int,
    kinds: list[str],
    segment: Segment | int | None = None,
    abc: str = "",
    xyz: str = "",
    counted: str = CountedContacts.RESPONSIBLE,
    is_active: bool = True,
    by=None,
) -> ContactNorm:
    """Add a norm: the clients of `segment` (or of ABC class `abc`, XYZ `xyz`) are
    contacted at least every `days` days by one of `kinds`. Nothing is written when a
    value is wrong."""
    _permission_check(by)
    name = clean(name)[:150]
    segment = _segment_of(segment)
    kinds = list(dict.fromkeys(kinds or []))
    violations = _norm_checks(
        name=name,
        segment=segment,
        abc=abc or "",
        xyz=xyz or "",
        days=days,
        counted=counted,
        kinds=kinds,
    )
    if violations:
        raise ValidationFailed(violations)
    return ContactNorm.objects.create(
        name=name,
        segment=segment,
        abc=abc or "",
        xyz=xyz or "",
        days=days,
        counted=counted,
        kinds=kinds,
        is_active=bool(is_active),
        created_by=by,
    )


@transaction.atomic
def contact_norm_update(
    *, norm: ContactNorm, expected_version: int | None, by=None, **changes
) -> ContactNorm:
    """Change a norm; the same rules as creating one."""
    _permission_check(by)
    unknown_changes_check(changes, NORM_CHANGEABLE)
    norm = locked_checked(ContactNorm, norm, expected_version)
    values = {
        "name": clean(changes.get("name", norm.name))[:150],
        "segment": _segment_of(changes["segment"]) if "segment" in changes else norm.segment,
        "abc": changes.get("abc", norm.abc) or "",
        "xyz": changes.get("xyz", norm.xyz) or "",
        "days": changes.get("days", norm.days),
        "counted": changes.get("counted", norm.counted),
        "kinds": list(dict.fromkeys(changes.get("kinds", norm.kinds) or [])),
    }
    violations = _norm_checks(**values)
    if violations:
        raise ValidationFailed(violations)
    for field, value in values.items():
        setattr(norm, field, value)
    if "is_active" in changes:
        norm.is_active = bool(changes["is_active"])
    norm.save()
    return norm


@transaction.atomic
def contact_norm_delete(*, norm: ContactNorm, by=None) -> None:
    """Remove a norm with the follow-ups it planned (the planned interactions stay)."""
    _permission_check(by)
    ContactNorm.objects.filter(pk=norm.pk).delete()


@transaction.atomic
def contact_follow_up_plan(
    *, norm: ContactNorm, partner: Partner, due_on: datetime.date, on: datetime.date
) -> ContactFollowUp | None:
    """Plan one interaction for a client past `norm` since `due_on`: a planned contact
    for the client's manager, today. Once per overdue spell: None when it was planned
    before (or the client has no manager)."""
    if partner.manager_id is None:
        return None
    if ContactFollowUp.objects.filter(norm=norm, partner=partner, due_on=due_on).exists():
        return None
    manager = partner.manager
    start = timezone.make_aware(
        datetime.datetime.combine(on, datetime.time(10, 0)), timezone.get_current_timezone()
    )
    interaction = interaction_create(
        kind=InteractionKind.PLANNED,
        title=_("Contact %(partner)s: past the norm «%(norm)s»")
        % {"partner": partner.name, "norm": norm.name},
        by=manager,
        responsible=manager,
        start=start,
        subject_type=Partner._meta.label_lower,
        subject_id=partner.pk,
    )
    return ContactFollowUp.objects.create(
        norm=norm, partner=partner, due_on=due_on, interaction=interaction
    )
