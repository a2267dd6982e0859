"""Relations (P7): relation types and typed links between partners or contact persons."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ladoga.core.errors import Conflict, ValidationFailed

from ..errors import PartnersCode
from ..models import (
    ContactPerson,
    ContactRelation,
    Partner,
    PartnerRelation,
    PropertyAppliesTo,
    RelationType,
)
from ._common import clean, name_taken


@transaction.atomic
def relation_type_create(
    *, name: str, applies_to: str, inverse_name: str = "", by=None
) -> RelationType:
    """A kind of relation, read as `name` from the first end and `inverse_name` from the
    second ("subsidiary of" / "parent of"); no inverse name means symmetric ("knows")."""
    name, inverse_name = clean(name), clean(inverse_name)
    if not name:
        raise ValidationFailed.single(
            PartnersCode.RELATION_TYPE_NAME_REQUIRED, _("A relation type needs a name."), "name"
        )
    if applies_to not in PropertyAppliesTo.values:
        raise ValidationFailed.single(
            PartnersCode.RELATION_TYPE_MISMATCH,
            _("A relation links partners or contact persons."),
            "applies_to",
        )
    if name_taken(RelationType.objects.filter(applies_to=applies_to), name):
        raise Conflict.single(
            PartnersCode.RELATION_TYPE_NAME_REQUIRED,
            _("A relation type named %(name)s already exists.") % {"name": name},
            "name",
        )
    return RelationType.objects.create(
        name=name, inverse_name=inverse_name, applies_to=applies_to, created_by=by
    )


@transaction.atomic
def relation_create(
    *,
    type: RelationType,
    source: Partner | ContactPerson,
    target: Partner | ContactPerson,
    comment: str = "",
    by=None,
) -> PartnerRelation | ContactRelation:
    """Link two partners or two contact persons by a relation of `type` (P7).

    Refuses a relation of a record to itself, a type meant for the other kind of record,
    and a relation that already exists (for a symmetric type, in either direction).
    """
    is_partner = isinstance(source, Partner)
    model = PartnerRelation if is_partner else ContactRelation
    wanted = PropertyAppliesTo.PARTNER if is_partner else PropertyAppliesTo.CONTACT
    if type.applies_to != wanted or isinstance(target, Partner) != is_partner:
        raise ValidationFailed.single(
            PartnersCode.RELATION_TYPE_MISMATCH,
            _("This relation type links %(what)s.")
            % {"what": PropertyAppliesTo(type.applies_to).label},
            "type",
        )
    if source.pk == target.pk:
        raise ValidationFailed.single(
            PartnersCode.RELATION_TO_ITSELF,
            _("A relation links two different records, not a record with itself."),
            "target",
        )
    same = Q(type=type, source=source, target=target)
    if not type.inverse_name:
        same |= Q(type=type, source=target, target=source)
    if model.objects.filter(same).exists():
        raise Conflict.single(
            PartnersCode.RELATION_EXISTS, _("This relation already exists."), "target"
        )
    return model.objects.create(
        type=type, source=source, target=target, comment=clean(comment)[:500], created_by=by
    )


@transaction.atomic
def relation_delete(*, relation: PartnerRelation | ContactRelation, by=None) -> None:
    relation.delete()
