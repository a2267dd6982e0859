"""The body of a webhook: `{"type", "timestamp", "data"}` where `data` is the record in
the very schema the API answers with for it (GET of that record), so an integrator reads
one shape whether it polls or listens."""

import json

from django.db.models import Model, QuerySet
from ninja import Schema
from ninja.responses import NinjaJSONEncoder

from ladoga.claims.api import ClaimOut
from ladoga.claims.models import Claim
from ladoga.core.events import Announcement, Event
from ladoga.deals.api.schemas import DealOut
from ladoga.deals.models import Deal
from ladoga.interactions.api import InteractionOut
from ladoga.interactions.models import Interaction
from ladoga.partners.models import Partner, PartnerMerge
from ladoga.partners.schemas import MergeOut, PartnerDetailOut
from ladoga.sales.api.schemas import OrderDetailOut, PaymentOut, ShipmentDetailOut
from ladoga.sales.models import CustomerOrder, Payment, Shipment


def _shapes() -> dict[Event, tuple[type[Schema], QuerySet]]:
    deal = Deal.objects.select_related("partner", "stage").prefetch_related("contacts")
    claim = Claim.objects.select_related("partner")
    return {
        Event.PARTNER_CREATED: (PartnerDetailOut, Partner.objects.prefetch_related("segments")),
        Event.PARTNER_MERGED: (MergeOut, PartnerMerge.objects.all()),
        Event.DEAL_CREATED: (DealOut, deal),
        Event.DEAL_MOVED: (DealOut, deal),
        Event.DEAL_WON: (DealOut, deal),
        Event.DEAL_LOST: (DealOut, deal),
        Event.ORDER_POSTED: (OrderDetailOut, CustomerOrder.objects.all()),
        Event.SHIPMENT_POSTED: (ShipmentDetailOut, Shipment.objects.prefetch_related("lines")),
        Event.PAYMENT_RECEIVED: (PaymentOut, Payment.objects.all()),
        Event.CLAIM_REGISTERED: (ClaimOut, claim),
        Event.CLAIM_RESOLVED: (ClaimOut, claim),
        Event.INTERACTION_CREATED: (
            InteractionOut,
            Interaction.objects.prefetch_related("participants"),
        ),
    }


def _committed(queryset: QuerySet, obj: Model) -> Model:
    """The record as committed (the listener runs after the commit); the announced
    object itself if it is gone already."""
    return queryset.filter(pk=obj.pk).first() or obj


def payload_of(announcement: Announcement) -> dict:
    schema, queryset = _shapes()[announcement.event]
    record = _committed(queryset, announcement.obj)
    return {
        "type": announcement.event.value,
        "timestamp": announcement.at.isoformat(),
        "data": _as_api_renders(schema.from_orm(record).model_dump()),
    }


def _as_api_renders(data: dict) -> dict:
    """Through the API's own JSON encoder, so dates, decimals and times read the same."""
    return json.loads(json.dumps(data, cls=NinjaJSONEncoder))
