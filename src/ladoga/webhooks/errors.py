"""Stable codes of the webhooks' rule errors; the messages are translated, the codes not."""

from enum import StrEnum


class WebhooksCode(StrEnum):
    URL_REQUIRED = "webhook_url_required"
    URL_INVALID = "webhook_url_invalid"
    URL_SCHEME = "webhook_url_scheme"
    URL_UNRESOLVABLE = "webhook_url_unresolvable"
    URL_PRIVATE = "webhook_url_private"
    URL_REDIRECT = "webhook_url_redirect"
    PRIVATE_NOT_ALLOWED = "webhook_private_not_allowed"
    EVENTS_REQUIRED = "webhook_events_required"
    EVENT_UNKNOWN = "webhook_event_unknown"
    DESCRIPTION_TOO_LONG = "webhook_description_too_long"
    FORBIDDEN = "webhook_forbidden"
    DELIVERY_SENDING = "webhook_delivery_sending"
    ENDPOINT_DISABLED = "webhook_endpoint_disabled"
