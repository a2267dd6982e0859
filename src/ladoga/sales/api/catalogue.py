"""Catalogue endpoints: product groups, products, price types, prices, segment rules."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts.access import get_visible_or_404
from ladoga.core.api import expected_version, with_etag
from ladoga.partners.models import PartnerGroup, PropertyDefinition, Segment

from .. import pricing, queries, services
from ..models import PriceType, Product, ProductGroup, SegmentRule
from ..services._common import CATALOGUE
from ._common import ref, require
from .schemas import (
    PriceIn,
    PriceOnDateOut,
    PriceOut,
    PriceTypeIn,
    PriceTypeOut,
    PriceTypePatch,
    ProductGroupIn,
    ProductGroupOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    SegmentRuleIn,
    SegmentRuleOut,
)

router = Router(tags=["catalogue"])


@router.get("/product-groups", response=list[ProductGroupOut])
@paginate(LimitOffsetPagination)
def product_groups(request: HttpRequest):
    return queries.product_groups_visible_to(user=request.user)


@router.post("/product-groups", response={201: ProductGroupOut})
def product_group_create(request: HttpRequest, payload: ProductGroupIn):
    require(request, CATALOGUE)
    parent = ref(request, ProductGroup, payload.parent_id, "parent_id")
    group = services.product_group_create(name=payload.name, parent=parent, by=request.user)
    return Status(201, group)


@router.get("/products", response=list[ProductOut])
@paginate(LimitOffsetPagination)
def products(
    request: HttpRequest, q: str = "", group: int | None = None, archived: bool | None = None
):
    found = queries.products_visible_to(user=request.user)
    if q:
        found = found.filter(name__icontains=q) | found.filter(code__icontains=q)
    if group is not None:
        found = found.filter(group_id=group)
    if archived is not None:
        found = found.filter(is_archived=archived)
    return found.order_by("name", "id")


@router.post("/products", response={201: ProductOut})
def product_create(request: HttpRequest, payload: ProductIn, response: HttpResponse):
    require(request, CATALOGUE)
    data = payload.dict()
    data["group"] = ref(request, ProductGroup, data.pop("group_id"), "group_id")
    product = services.product_create(**data, by=request.user)
    with_etag(response, product)
    return Status(201, product)


@router.get("/products/{product_id}", response=ProductOut)
def product(request: HttpRequest, product_id: int, response: HttpResponse):
    found = get_visible_or_404(Product, request.user, pk=product_id)
    with_etag(response, found)
    return found


@router.patch("/products/{product_id}", response=ProductOut)
def product_update(
    request: HttpRequest, product_id: int, payload: ProductPatch, response: HttpResponse
):
    found = get_visible_or_404(Product, request.user, pk=product_id)
    require(request, CATALOGUE)
    changes = payload.dict(exclude_unset=True)
    if "group_id" in changes:
        changes["group"] = ref(request, ProductGroup, changes.pop("group_id"), "group_id")
    changes = {k: v for k, v in changes.items() if v is not None or k == "group"}
    found = services.product_update(
        product=found, expected_version=expected_version(request), by=request.user, **changes
    )
    with_etag(response, found)
    return found


@router.get("/price-types", response=list[PriceTypeOut])
@paginate(LimitOffsetPagination)
def price_types(request: HttpRequest):
    return queries.price_types_visible_to(user=request.user)


@router.post("/price-types", response={201: PriceTypeOut})
def price_type_create(request: HttpRequest, payload: PriceTypeIn):
    require(request, CATALOGUE)
    base = ref(request, PriceType, payload.base_id, "base_id")
    price_type = services.price_type_create(
        name=payload.name,
        currency=payload.currency,
        base=base,
        percent=payload.percent,
        by=request.user,
    )
    return Status(201, price_type)


@router.get("/price-types/{price_type_id}", response=PriceTypeOut)
def price_type(request: HttpRequest, price_type_id: int, response: HttpResponse):
    found = get_visible_or_404(PriceType, request.user, pk=price_type_id)
    with_etag(response, found)
    return found


@router.patch("/price-types/{price_type_id}", response=PriceTypeOut)
def price_type_update(
    request: HttpRequest, price_type_id: int, payload: PriceTypePatch, response: HttpResponse
):
    found = get_visible_or_404(PriceType, request.user, pk=price_type_id)
    require(request, CATALOGUE)
    changes = payload.dict(exclude_unset=True)
    if "base_id" in changes:
        changes["base"] = ref(request, PriceType, changes.pop("base_id"), "base_id")
    changes = {k: v for k, v in changes.items() if v is not None or k == "base"}
    found = services.price_type_update(
        price_type=found, expected_version=expected_version(request), by=request.user, **changes
    )
    with_etag(response, found)
    return found


@router.get("/prices", response=list[PriceOut])
@paginate(LimitOffsetPagination)
def prices(request: HttpRequest, product: int | None = None, price_type: int | None = None):
    found = queries.prices_visible_to(user=request.user)
    if product is not None:
        found = found.filter(product_id=product)
    if price_type is not None:
        found = found.filter(price_type_id=price_type)
    return found.order_by("product_id", "price_type_id", "-effective_from")


@router.post("/prices", response={201: PriceOut})
def price_set(request: HttpRequest, payload: PriceIn):
    require(request, CATALOGUE)
    price = services.price_set(
        product=ref(request, Product, payload.product_id, "product_id"),
        price_type=ref(request, PriceType, payload.price_type_id, "price_type_id"),
        effective_from=payload.effective_from,
        amount=payload.amount,
        by=request.user,
    )
    return Status(201, price)


@router.get("/prices/on-date", response=PriceOnDateOut)
def price_on_date(
    request: HttpRequest, product: int, price_type: int, on: datetime.date | None = None
):
    """The price of a product in a price type on a date (the latest one not after it;
    derived price types computed from their base). `price` is null when there is none."""
    found_product = get_visible_or_404(Product, request.user, pk=product)
    found_type = get_visible_or_404(PriceType, request.user, pk=price_type)
    on = on or timezone.localdate()
    return {
        "product_id": found_product.pk,
        "price_type_id": found_type.pk,
        "on": on,
        "price": pricing.price_on(product=found_product, price_type=found_type, on=on),
    }


@router.get("/segment-rules", response=list[SegmentRuleOut])
@paginate(LimitOffsetPagination)
def segment_rules(request: HttpRequest):
    return queries.segment_rules_visible_to(user=request.user)


@router.post("/segment-rules", response={201: SegmentRuleOut})
def segment_rule_set(request: HttpRequest, payload: SegmentRuleIn):
    """Make a segment rule-based (or change its rule); its members are recomputed at once."""
    require(request, CATALOGUE)
    segment = ref(request, Segment, payload.segment_id, "segment_id", checked=False)
    rule = services.segment_rule_set(
        segment=segment,
        role=payload.role,
        group=ref(request, PartnerGroup, payload.group_id, "group_id", checked=False),
        property=ref(
            request, PropertyDefinition, payload.property_id, "property_id", checked=False
        ),
        property_value=payload.property_value,
        region=payload.region,
        abc_class=payload.abc_class,
        by=request.user,
    )
    return Status(201, rule)


@router.post("/segment-rules/{rule_id}/recompute", response=SegmentRuleOut)
def segment_rule_recompute(request: HttpRequest, rule_id: int):
    """Recompute the segment's members now (they are also recomputed every night)."""
    rule = get_visible_or_404(
        SegmentRule.objects.select_related("segment"), request.user, pk=rule_id
    )
    require(request, CATALOGUE)
    services.segment_recompute(rule=rule, by=request.user)
    return get_visible_or_404(
        SegmentRule.objects.select_related("segment"), request.user, pk=rule_id
    )
