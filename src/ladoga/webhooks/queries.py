"""Reads of webhooks, through record-level access: administrators see every endpoint;
anyone without the permission sees none."""

from django.db.models import QuerySet

from ladoga.accounts import access

from .models import WebhookDelivery, WebhookEndpoint
from .services import MANAGE


def endpoints_visible_to(*, user) -> QuerySet[WebhookEndpoint]:
    if not user.has_perm(MANAGE):
        return WebhookEndpoint.objects.none()
    return access.visible(WebhookEndpoint.objects.select_related("owner"), user)


def deliveries_visible_to(*, user) -> QuerySet[WebhookDelivery]:
    if not user.has_perm(MANAGE):
        return WebhookDelivery.objects.none()
    return access.visible(WebhookDelivery.objects.all(), user)


def deliveries_of(*, endpoint: WebhookEndpoint, user, status: str = "") -> QuerySet:
    found = deliveries_visible_to(user=user).filter(endpoint=endpoint)
    if status:
        found = found.filter(status=status)
    return found.order_by("-pk")
