"""Rule-based segments (S2): set a segment's rule, recompute its members."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed
from ladoga.partners.models import (
    Partner,
    PartnerGroup,
    PartnerStatus,
    PropertyDefinition,
    PropertyType,
    PropertyValue,
    Segment,
)
from ladoga.partners.models.partner import ROLE_FIELDS

from ..errors import SalesCode as C
from ..models import SegmentRule
from ._common import CATALOGUE, clean, permission_check, stamp


def _group_ids(group_id: int) -> list[int]:
    """The group and every group below it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in PartnerGroup.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, stack = [], [group_id]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.append(pk)
            stack.extend(children.get(pk, []))
    return found


def _property_q(definition: PropertyDefinition, value: str) -> Q:
    values = PropertyValue.objects.filter(definition=definition, partner__isnull=False)
    if definition.value_type == PropertyType.NUMBER:
        try:
            values = values.filter(value_number=Decimal(value))
        except InvalidOperation:
            values = values.none()
    elif definition.value_type == PropertyType.DATE:
        try:
            values = values.filter(value_date=datetime.date.fromisoformat(value))
        except ValueError:
            values = values.none()
    elif definition.value_type == PropertyType.CHOICE:
        values = values.filter(value_choice__label__iexact=value)
    else:
        values = values.filter(value_text__iexact=value)
    return Q(pk__in=values.values("partner_id"))


def rule_members(rule: SegmentRule):
    """The active partners that meet every condition of `rule`."""
    partners = Partner.objects.filter(status=PartnerStatus.ACTIVE)
    if rule.role:
        partners = partners.filter(**{ROLE_FIELDS[rule.role]: True})
    if rule.group_id:
        partners = partners.filter(group_id__in=_group_ids(rule.group_id))
    if rule.property_id:
        partners = partners.filter(_property_q(rule.property, rule.property_value))
    return partners


@transaction.atomic
def segment_rule_set(
    *,
    segment: Segment,
    role: str = "",
    group: PartnerGroup | None = None,
    property: PropertyDefinition | None = None,
    property_value: str = "",
    by=None,
) -> SegmentRule:
    """Make `segment` rule-based (or change its rule) and recompute its members at once.
    A rule names at least one condition; all of them must hold."""
    permission_check(by, CATALOGUE)
    if not (role or group or property):
        raise ValidationFailed.single(
            C.SEGMENT_RULE_EMPTY, _("A rule needs a role, a group or a property."), "role"
        )
    if role and role not in ROLE_FIELDS:
        raise ValidationFailed.single(C.SEGMENT_RULE_EMPTY, _("Unknown role."), "role")
    rule = SegmentRule.objects.select_for_update().filter(segment=segment).first()
    rule = rule or SegmentRule(segment=segment, created_by=by)
    rule.role, rule.group, rule.property = role or "", group, property
    rule.property_value = clean(property_value)
    stamp(rule, by).save()
    segment_recompute(rule=rule)
    rule.refresh_from_db()
    return rule


@transaction.atomic
def segment_recompute(*, rule: SegmentRule) -> int:
    """Make the segment's members exactly the partners its rule selects; returns how many.
    Idempotent: running it twice changes nothing the second time."""
    wanted = set(rule_members(rule).values_list("pk", flat=True))
    segment = rule.segment
    current = set(segment.partners.values_list("pk", flat=True))
    if current - wanted:
        segment.partners.remove(*sorted(current - wanted))
    if wanted - current:
        segment.partners.add(*sorted(wanted - current))
    SegmentRule.objects.filter(pk=rule.pk).update(
        recomputed_at=timezone.now(), member_count=len(wanted)
    )
    return len(wanted)


def segments_recompute() -> dict[str, int]:
    """Recompute every rule-based segment (the nightly task and the "recompute" button)."""
    return {
        rule.segment.name: segment_recompute(rule=rule)
        for rule in SegmentRule.objects.select_related("segment", "property")
    }
