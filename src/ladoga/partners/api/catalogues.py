"""The partners API: catalogues."""

from django.http import HttpRequest
from ninja import Status
from ninja.pagination import LimitOffsetPagination, paginate

from .. import queries, services
from ..models import (
    PartnerGroup,
    PropertyDefinition,
)
from ..registry import registry_lookup
from ..schemas import (
    GroupIn,
    GroupOut,
    PropertyDefinitionIn,
    PropertyDefinitionOut,
    RegistryPartyOut,
    RelationTypeIn,
    RelationTypeOut,
    SegmentIn,
    SegmentOut,
)
from ._common import (
    _lookup,
    _require,
    router,
)

# State registry


@router.get("/registry/{inn}", response=RegistryPartyOut)
def registry_get(request: HttpRequest, inn: str, kpp: str = ""):
    """What the state registry says about an INN, to fill a counterparty in (P11).
    404: not in the registry; 422: not a valid INN; 502/503/504: the registry failed."""
    _require(request, "partners.view_counterparty")
    return registry_lookup(inn=inn, kpp=kpp)


# Catalogues


@router.get("/segments", response=list[SegmentOut])
@paginate(LimitOffsetPagination)
def segments_list(request: HttpRequest):
    _require(request, "partners.view_segment")
    return queries.segments_all()


@router.post("/segments", response={201: SegmentOut})
def segment_create(request: HttpRequest, payload: SegmentIn):
    _require(request, "partners.add_segment")
    return Status(
        201,
        services.segment_create(
            name=payload.name, description=payload.description, by=request.user
        ),
    )


@router.get("/partner-groups", response=list[GroupOut])
@paginate(LimitOffsetPagination)
def groups_list(request: HttpRequest):
    _require(request, "partners.view_partnergroup")
    return queries.groups_all()


@router.post("/partner-groups", response={201: GroupOut})
def group_create(request: HttpRequest, payload: GroupIn):
    _require(request, "partners.add_partnergroup")
    parent = _lookup(PartnerGroup, payload.parent_id, "parent_id")
    return Status(
        201, services.partner_group_create(name=payload.name, parent=parent, by=request.user)
    )


@router.get("/relation-types", response=list[RelationTypeOut])
@paginate(LimitOffsetPagination)
def relation_types_list(request: HttpRequest, applies_to: str = ""):
    _require(request, "partners.view_relationtype")
    found = queries.relation_types_all()
    return found.filter(applies_to=applies_to) if applies_to else found


@router.post("/relation-types", response={201: RelationTypeOut})
def relation_type_create(request: HttpRequest, payload: RelationTypeIn):
    _require(request, "partners.add_relationtype")
    return Status(
        201,
        services.relation_type_create(
            name=payload.name,
            inverse_name=payload.inverse_name,
            applies_to=payload.applies_to,
            by=request.user,
        ),
    )


@router.get("/property-definitions", response=list[PropertyDefinitionOut])
@paginate(LimitOffsetPagination)
def property_definitions_list(request: HttpRequest, applies_to: str = ""):
    _require(request, "partners.view_propertydefinition")
    found = queries.property_definitions_all()
    return found.filter(applies_to=applies_to) if applies_to else found


@router.post("/property-definitions", response={201: PropertyDefinitionOut})
def property_definition_create(request: HttpRequest, payload: PropertyDefinitionIn):
    _require(request, "partners.add_propertydefinition")
    definition = services.property_definition_create(by=request.user, **payload.dict())
    return Status(201, PropertyDefinition.objects.prefetch_related("choices").get(pk=definition.pk))
