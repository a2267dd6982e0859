"""The webhooks API (/api/v1/webhooks): administrators only. Other roles get 403, as for
every command their role may not give; an endpoint or delivery that does not exist is 404."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts import access
from ladoga.core.api import expected_version, with_etag

from . import queries, services
from .models import WebhookDelivery, WebhookEndpoint

router = Router(tags=["webhooks"])


class EndpointIn(Schema):
    url: str = Field(max_length=2000, description="http:// or https:// only")
    events: list[str] = Field(description="event types, e.g. deal.won (see docs/webhooks.md)")
    description: str = Field("", max_length=255)
    is_active: bool = True
    allow_private: bool = Field(
        False, description="allow addresses of the server's own network (administrators)"
    )


class EndpointPatch(Schema):
    url: str | None = Field(None, max_length=2000)
    events: list[str] | None = None
    description: str | None = Field(None, max_length=255)
    is_active: bool | None = None
    allow_private: bool | None = None


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    is_active: bool
    allow_private: bool
    owner_id: int
    consecutive_failures: int
    disabled_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(
        description="the Standard Webhooks signing secret (whsec_…); shown only in this answer"
    )


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_id: str
    event_type: str
    payload: dict
    status: str
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_attempt_at: datetime.datetime | None
    response_status: int | None
    response_excerpt: str
    duration_ms: int | None
    delivered_at: datetime.datetime | None
    created_at: datetime.datetime


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(services.MANAGE):
        raise PermissionDenied(_("Your role may not do this."))


def _endpoint(request: HttpRequest, endpoint_id: int) -> WebhookEndpoint:
    return access.get_visible_or_404(
        queries.endpoints_visible_to(user=request.user), request.user, pk=endpoint_id
    )


@router.get("", response=list[EndpointOut])
@paginate(LimitOffsetPagination)
def endpoint_list(request: HttpRequest):
    _require(request)
    return queries.endpoints_visible_to(user=request.user)


@router.post("", response={201: EndpointCreatedOut})
def endpoint_create(request: HttpRequest, payload: EndpointIn, response: HttpResponse):
    """Subscribe a URL to events. The answer carries the signing secret, once."""
    _require(request)
    endpoint = services.endpoint_create(by=request.user, **payload.dict())
    with_etag(response, endpoint)
    return Status(201, endpoint)


@router.get("/{endpoint_id}", response=EndpointOut)
def endpoint_get(request: HttpRequest, endpoint_id: int, response: HttpResponse):
    _require(request)
    endpoint = _endpoint(request, endpoint_id)
    with_etag(response, endpoint)
    return endpoint


@router.patch("/{endpoint_id}", response=EndpointOut)
def endpoint_update(
    request: HttpRequest, endpoint_id: int, payload: EndpointPatch, response: HttpResponse
):
    """Change an endpoint (If-Match: the ETag read); `is_active: true` turns a disabled
    one on again."""
    _require(request)
    endpoint = _endpoint(request, endpoint_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    endpoint = services.endpoint_update(
        endpoint=endpoint,
        expected_version=expected_version(request),
        by=request.user,
        **changes,
    )
    with_etag(response, endpoint)
    return endpoint


@router.delete("/{endpoint_id}", response={204: None})
def endpoint_delete(request: HttpRequest, endpoint_id: int):
    _require(request)
    services.endpoint_delete(endpoint=_endpoint(request, endpoint_id), by=request.user)
    return Status(204, None)


@router.get("/{endpoint_id}/deliveries", response=list[DeliveryOut])
@paginate(LimitOffsetPagination)
def endpoint_deliveries(request: HttpRequest, endpoint_id: int, status: str = ""):
    """The endpoint's delivery log, newest first; `status` filters (pending, sending,
    delivered, failed, gave_up)."""
    _require(request)
    endpoint = _endpoint(request, endpoint_id)
    return queries.deliveries_of(endpoint=endpoint, user=request.user, status=status)


@router.post("/deliveries/{delivery_id}/resend", response=DeliveryOut)
def delivery_resend(request: HttpRequest, delivery_id: int):
    """Send a delivery again now (same message id and payload)."""
    _require(request)
    delivery = access.get_visible_or_404(
        queries.deliveries_visible_to(user=request.user), request.user, pk=delivery_id
    )
    services.delivery_resend(delivery=delivery, by=request.user)
    return WebhookDelivery.objects.get(pk=delivery.pk)
