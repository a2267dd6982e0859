"""The partners API: relations."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from ladoga.accounts import access
from ladoga.core.errors import ValidationFailed

from .. import queries, services
from ..errors import PartnersCode
from ..models import (
    ContactPerson,
    ContactRelation,
    Partner,
    PartnerRelation,
    RelationType,
)
from ..schemas import (
    RelationIn,
    RelationOut,
    relation_out,
)
from ._common import (
    _lookup,
    _require,
    router,
)

# Relations


def _relation_views(request, model, record_model, record_id: int):
    record = access.get_visible_or_404(record_model, request.user, pk=record_id)
    return [relation_out(view) for view in queries.relations_of(record)]


@router.get("/relations", response=list[RelationOut])
def partner_relations(request: HttpRequest, partner: int):
    """The relations of a partner, from both ends, each read from its side (P7)."""
    return _relation_views(request, PartnerRelation, Partner, partner)


@router.get("/contact-relations", response=list[RelationOut])
def contact_relations(request: HttpRequest, contact: int):
    return _relation_views(request, ContactRelation, ContactPerson, contact)


def _relation_create(request, payload: RelationIn, record_model, applies_to: str):
    _require(
        request,
        f"partners.add_{'partnerrelation' if applies_to == 'partner' else 'contactrelation'}",
    )
    relation_type = _lookup(RelationType, payload.type_id, "type_id")
    if relation_type.applies_to != applies_to:
        raise ValidationFailed.single(
            PartnersCode.RELATION_TYPE_MISMATCH,
            _("This relation type is for the other kind of record."),
            "type_id",
        )
    source = access.get_visible_or_404(record_model, request.user, pk=payload.source_id)
    target = access.get_visible_or_404(record_model, request.user, pk=payload.target_id)
    relation = services.relation_create(
        type=relation_type, source=source, target=target, comment=payload.comment, by=request.user
    )
    return Status(
        201,
        relation_out(next(v for v in queries.relations_of(source) if v.relation.pk == relation.pk)),
    )


@router.post("/relations", response={201: RelationOut})
def partner_relation_create(request: HttpRequest, payload: RelationIn):
    """Link two partners; the caller must see both."""
    return _relation_create(request, payload, Partner, "partner")


@router.post("/contact-relations", response={201: RelationOut})
def contact_relation_create(request: HttpRequest, payload: RelationIn):
    return _relation_create(request, payload, ContactPerson, "contact")


@router.delete("/relations/{relation_id}", response={204: None})
def partner_relation_delete(request: HttpRequest, relation_id: int):
    _require(request, "partners.change_partnerrelation")
    relation = access.get_visible_or_404(PartnerRelation, request.user, pk=relation_id)
    services.relation_delete(relation=relation, by=request.user)
    return Status(204, None)


@router.delete("/contact-relations/{relation_id}", response={204: None})
def contact_relation_delete(request: HttpRequest, relation_id: int):
    _require(request, "partners.change_contactrelation")
    relation = access.get_visible_or_404(ContactRelation, request.user, pk=relation_id)
    services.relation_delete(relation=relation, by=request.user)
    return Status(204, None)
