"""Rule-based segments (S2): set a segment's rule, recompute its members.

Membership is read in a fixed number of queries whatever the number of partners: one
for the partners meeting the role, group and property conditions, one each for the
addresses when a region is given, one for the revenue when an ABC class is given."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.core.dates import today
from ladoga.core.errors import ValidationFailed
from ladoga.partners.classes import classes_of
from ladoga.partners.models import (
    ContactInfo,
    Counterparty,
    Partner,
    PartnerGroup,
    PartnerStatus,
    PropertyDefinition,
    PropertyType,
    PropertyValue,
    Segment,
)
from ladoga.partners.models.contact import ADDRESS_KINDS
from ladoga.partners.models.partner import ROLE_FIELDS

from .. import queries, rules
from ..errors import SalesCode as C
from ..models import SegmentRule
from ..models.segments import AbcClass
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


def _folded(value: str) -> str:
    """`text_key` without its length limit: a legal address may be longer than a key."""
    return " ".join((value or "").lower().split())


def partners_in_region(region: str, partners) -> set[int]:
    """The ids of `partners` (a queryset) with `region` in one of their addresses: a
    counterparty's legal address or an address of their contact information.

    Case is ignored in every alphabet ("москва" finds "г. Москва"), which neither SQLite's
    LIKE (Latin letters only) nor PostgreSQL's ILIKE under a "C" locale does. So both
    sides are compared lower-cased the way `partners.keys.text_key` does it: contact
    information stores that form in `key` (the database compares exact lower-case text),
    and legal addresses, which have no such column, are lower-cased here after one query
    that reads only the addresses of the given partners."""
    needle = _folded(region)
    if not needle:
        return set()
    found = set(
        ContactInfo.objects.filter(
            kind__in=ADDRESS_KINDS, key__contains=needle, partner__in=partners.values("pk")
        ).values_list("partner_id", flat=True)
    )
    addresses = (
        Counterparty.objects.filter(partner__in=partners.values("pk"))
        .exclude(legal_address="")
        .values_list("partner_id", "legal_address")
    )
    found.update(pk for pk, address in addresses.iterator() if needle in _folded(address))
    return found


def rule_member_ids(rule: SegmentRule, *, on: datetime.date | None = None) -> set[int]:
    """The ids of the active partners that meet every condition of `rule`; the ABC class
    is the stored classification's, or computed from the twelve months up to `on`
    (today) while none has been run (`abc_of`)."""
    partners = Partner.objects.filter(status=PartnerStatus.ACTIVE)
    if rule.role:
        partners = partners.filter(**{ROLE_FIELDS[rule.role]: True})
    if rule.group_id:
        partners = partners.filter(group_id__in=_group_ids(rule.group_id))
    if rule.property_id:
        partners = partners.filter(_property_q(rule.property, rule.property_value))
    if rule.region:
        ids = partners_in_region(rule.region, partners)
    else:
        ids = set(partners.values_list("pk", flat=True))
    if rule.abc_class:
        classes = abc_of(ids, on=on)
        ids = {pk for pk in ids if classes.get(pk, rules.ABC_C) == rule.abc_class}
    return ids


def abc_of(partner_ids: set[int], *, on: datetime.date | None = None) -> dict[int, str]:
    """The ABC class of partners: the stored classification of the analytics domain
    (`partners.classes`) once one has been run; until then, computed here from the
    shipments of the twelve months up to `on` (today). A partner missing is C."""
    stored = classes_of(partner_ids)
    if stored:
        return {pk: found.abc for pk, found in stored.items()}
    return queries.partner_abc_classes(on=on or today())


@transaction.atomic
def segment_rule_set(
    *,
    segment: Segment,
    role: str = "",
    group: PartnerGroup | None = None,
    property: PropertyDefinition | None = None,
    property_value: str = "",
    region: str = "",
    abc_class: str = "",
    by=None,
) -> SegmentRule:
    """Make `segment` rule-based (or change its rule) and recompute its members at once.
    A rule names at least one condition; all of them must hold."""
    permission_check(by, CATALOGUE)
    region = clean(region)
    abc_class = (abc_class or "").strip().upper()
    if not (role or group or property or region or abc_class):
        raise ValidationFailed.single(
            C.SEGMENT_RULE_EMPTY,
            _("A rule needs a role, a group, a property, a region or an ABC class."),
            "role",
        )
    if role and role not in ROLE_FIELDS:
        raise ValidationFailed.single(C.SEGMENT_RULE_INVALID, _("Unknown role."), "role")
    if abc_class and abc_class not in AbcClass.values:
        raise ValidationFailed.single(
            C.SEGMENT_RULE_INVALID, _("The ABC class is A, B or C."), "abc_class"
        )
    limit = SegmentRule._meta.get_field("region").max_length
    if len(region) > limit:
        raise ValidationFailed.single(
            C.SEGMENT_RULE_INVALID,
            _("The region is at most %(limit)d characters long.") % {"limit": limit},
            "region",
        )
    rule = SegmentRule.objects.select_for_update().filter(segment=segment).first()
    rule = rule or SegmentRule(segment=segment, created_by=by)
    rule.role, rule.group, rule.property = role or "", group, property
    rule.property_value = clean(property_value)
    rule.region, rule.abc_class = region, abc_class
    stamp(rule, by).save()
    segment_recompute(rule=rule, by=by)
    rule.refresh_from_db()
    return rule


@transaction.atomic
def segment_recompute(*, rule: SegmentRule, on: datetime.date | None = None, by=None) -> int:
    """Make the segment's members exactly the partners its rule selects; returns how many.
    `on` (today) ends the twelve months an ABC class is counted over. Idempotent: running
    it twice changes nothing the second time. Users need `sales.manage_catalogue`."""
    permission_check(by, CATALOGUE)
    wanted = rule_member_ids(rule, on=on)
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
