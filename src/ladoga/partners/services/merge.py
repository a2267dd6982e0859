"""Merging a duplicate partner into the one that stays (P9)."""

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed
from ladoga.core.events import Event, event_announce

from ..errors import PartnersCode
from ..merging import merge_references
from ..models import Partner, PartnerMerge, PartnerRelation, PartnerStatus, PropertyValue
from ..models.partner import ROLE_FIELDS


def _relations_move(survivor: Partner, duplicate: Partner) -> int:
    relations = PartnerRelation.objects
    # A relation between the two would become a relation of the survivor with itself.
    relations.filter(
        Q(source=survivor, target=duplicate) | Q(source=duplicate, target=survivor)
    ).delete()
    # The survivor already has the same relation: the duplicate's copy goes.
    for end, other in (("source", "target"), ("target", "source")):
        for relation in relations.filter(**{end: duplicate}):
            if relations.filter(
                type=relation.type_id, **{end: survivor, other: getattr(relation, f"{other}_id")}
            ).exists():
                relation.delete()
    moved = relations.filter(source=duplicate).update(
        source=survivor, version=F("version") + 1
    ) + relations.filter(target=duplicate).update(target=survivor, version=F("version") + 1)
    return moved


def _property_values_move(survivor: Partner, duplicate: Partner) -> int:
    # The survivor's own values win; the duplicate's fill only what the survivor lacks.
    kept = PropertyValue.objects.filter(partner=survivor).values("definition_id")
    PropertyValue.objects.filter(partner=duplicate, definition_id__in=kept).delete()
    return PropertyValue.objects.filter(partner=duplicate).update(
        partner=survivor, version=F("version") + 1
    )


@transaction.atomic
def partner_merge(*, survivor: Partner, duplicate: Partner, by=None) -> PartnerMerge:
    """Merge `duplicate` into `survivor` (P9) in one transaction.

    Every reference to the duplicate moves to the survivor: counterparties, contact
    persons, contact information, relations, property values, and whatever later domains
    registered through merging.merge_references_register. The survivor gains the
    duplicate's roles and segments; the duplicate is archived and points at the survivor.
    The merge is recorded (PartnerMerge, and both partners' history). Refuses merging a
    partner into itself, into an archived partner, or a partner merged before.
    """
    if survivor.pk == duplicate.pk:
        raise ValidationFailed.single(
            PartnersCode.MERGE_INTO_ITSELF,
            _("A partner cannot be merged into itself."),
            "duplicate_id",
        )
    # Lock both rows in primary-key order, so two merges of the same pair cannot deadlock.
    locked = Partner.objects.select_for_update().in_bulk(sorted([survivor.pk, duplicate.pk]))
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.status != PartnerStatus.ACTIVE:
        raise ValidationFailed.single(
            PartnersCode.MERGE_INTO_ARCHIVED,
            _("%(name)s is archived; merge into an active partner.") % {"name": survivor.name},
            "id",
        )
    if duplicate.merged_into_id is not None:
        raise ValidationFailed.single(
            PartnersCode.ALREADY_MERGED,
            _("%(name)s was already merged into another partner.") % {"name": duplicate.name},
            "duplicate_id",
        )
    moved: dict[str, int] = {}
    for reference in merge_references():
        moved[reference.label] = reference.move(survivor=survivor, duplicate=duplicate)
    moved["partners.partnerrelation"] = _relations_move(survivor, duplicate)
    moved["partners.propertyvalue"] = _property_values_move(survivor, duplicate)
    segments = set(duplicate.segments.values_list("pk", flat=True))
    if segments:
        survivor.segments.add(*segments)
    for field in ROLE_FIELDS.values():
        setattr(survivor, field, getattr(survivor, field) or getattr(duplicate, field))
    survivor._change_reason = f"merged #{duplicate.pk} {duplicate.name}"[:100]
    survivor.save()
    duplicate.status = PartnerStatus.ARCHIVED
    duplicate.merged_into = survivor
    duplicate._change_reason = f"merged into #{survivor.pk} {survivor.name}"[:100]
    duplicate.save()
    duplicate.name_keys.all().delete()
    merge = PartnerMerge.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        duplicate_name=duplicate.name,
        moved={k: v for k, v in moved.items() if v},
        merged_by=by,
    )
    event_announce(Event.PARTNER_MERGED, obj=merge)
    return merge
