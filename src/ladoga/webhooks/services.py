"""Webhook commands: endpoints (create, update, delete), the event listener that queues one
delivery per subscribed endpoint, one delivery attempt with its retry schedule, resend.

Network I/O never happens inside a database transaction: the URL check and the probe run
before an endpoint is written, and an attempt's POST runs between claiming the delivery
and recording its outcome (two short transactions), so a slow receiver holds no lock.
"""

import base64
import datetime
import json
import secrets
import uuid

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ladoga.accounts.roles import Role
from ladoga.core.errors import Conflict, DomainError, ValidationFailed, Violation
from ladoga.core.events import Announcement, Event
from ladoga.core.versioning import version_check
from ladoga.interactions.services import notification_send

from . import sending
from .addresses import url_check
from .errors import WebhooksCode as C
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .payloads import payload_of

MANAGE = "webhooks.manage_webhooks"
# Waits after the 1st, 2nd … 7th failed attempt: 30 s, 2 min, 10 min, 1 h, 6 h, 12 h, 24 h.
# The 8th failure gives the delivery up, about 43.5 hours after the event.
BACKOFF_SECONDS = (30, 120, 600, 3600, 6 * 3600, 12 * 3600, 24 * 3600)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
# Failed attempts in a row (over all of an endpoint's deliveries; any success resets the
# count) after which the endpoint is disabled and its owner notified: with the schedule
# above, a receiver down for a day, or one answering errors to every event.
DISABLE_AFTER_FAILURES = 20
# A delivery claimed longer ago than this (its worker died mid-send) is tried again.
CLAIM_EXPIRES_SECONDS = 600
DESCRIPTION_MAX = 255
PING = "webhook.ping"


class WebhookForbidden(DomainError):
    status = 403
    title = gettext_lazy("Forbidden")


def secret_new() -> str:
    """A Standard Webhooks signing secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def message_id_new() -> str:
    return f"msg_{uuid.uuid4().hex}"


def body_of(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _manager_check(by) -> None:
    if by is None or not by.has_perm(MANAGE):
        raise WebhookForbidden.single(C.FORBIDDEN, _("Only an administrator manages webhooks."))


def _fields_check(*, events, description, allow_private, by) -> list[Violation]:
    violations: list[Violation] = []
    events = list(events or [])
    if not events:
        violations.append(Violation(C.EVENTS_REQUIRED, _("Choose at least one event."), "events"))
    unknown = [str(e) for e in events if e not in Event.values]
    if unknown:
        violations.append(
            Violation(
                C.EVENT_UNKNOWN,
                _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)[:300]},
                "events",
            )
        )
    if len(description or "") > DESCRIPTION_MAX:
        violations.append(
            Violation(
                C.DESCRIPTION_TOO_LONG,
                _("The description is at most %(limit)d characters.") % {"limit": DESCRIPTION_MAX},
                "description",
            )
        )
    if allow_private and not (by.is_superuser or by.role == Role.ADMIN):
        violations.append(
            Violation(
                C.PRIVATE_NOT_ALLOWED,
                _("Only an administrator may allow private addresses."),
                "allow_private",
            )
        )
    return violations


def _url_and_probe_check(*, url: str, allow_private: bool, secret: str) -> str:
    """The checked URL; refuses one that is not http(s), resolves to a refused address, or
    answers a signed `webhook.ping` with a redirect to a refused address. Other answers
    (even none: the receiver may not run yet) do not stop saving."""
    target = url_check(url, allow_private=allow_private)
    ping = {"type": PING, "timestamp": timezone.now().isoformat(), "data": {"url": target.url}}
    outcome = sending.deliver(
        url=target.url,
        allow_private=allow_private,
        secret=secret,
        message_id=message_id_new(),
        body=body_of(ping),
    )
    if outcome.refused:
        raise ValidationFailed.single(C.URL_REDIRECT, outcome.refused, "url")
    return target.url


def _events_clean(events) -> list[str]:
    return [e for e in Event.values if e in set(events)]


def endpoint_create(
    *,
    url: str,
    events,
    by,
    description: str = "",
    allow_private: bool = False,
    is_active: bool = True,
) -> WebhookEndpoint:
    """Subscribe `url` to `events`; the endpoint's new secret is on the returned record
    (show it to the administrator now: it is not shown again)."""
    _manager_check(by)
    violations = _fields_check(
        events=events, description=description, allow_private=allow_private, by=by
    )
    if violations:
        raise ValidationFailed(violations)
    secret = secret_new()
    url = _url_and_probe_check(url=url, allow_private=allow_private, secret=secret)
    with transaction.atomic():
        return WebhookEndpoint.objects.create(
            url=url,
            events=_events_clean(events),
            description=(description or "").strip(),
            secret=secret,
            is_active=is_active,
            allow_private=allow_private,
            owner=by,
            created_by=by,
        )


ENDPOINT_CHANGEABLE = {"url", "events", "description", "is_active", "allow_private"}


def endpoint_update(
    *, endpoint: WebhookEndpoint, expected_version: int | None, by, **changes
) -> WebhookEndpoint:
    """Change an endpoint. Turning it on again clears its failure count; a new URL (or
    address rule) is checked like a new endpoint's."""
    _manager_check(by)
    unknown = set(changes) - ENDPOINT_CHANGEABLE
    if unknown:
        raise ValidationFailed.single(
            "unknown_field", _("These fields cannot be changed: %(f)s") % {"f": sorted(unknown)}
        )
    merged = {f: changes.get(f, getattr(endpoint, f)) for f in ENDPOINT_CHANGEABLE}
    violations = _fields_check(
        events=merged["events"],
        description=merged["description"],
        allow_private=merged["allow_private"] and not endpoint.allow_private,
        by=by,
    )
    if violations:
        raise ValidationFailed(violations)
    if merged["url"] != endpoint.url or merged["allow_private"] != endpoint.allow_private:
        merged["url"] = _url_and_probe_check(
            url=merged["url"], allow_private=merged["allow_private"], secret=endpoint.secret
        )
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        version_check(record=endpoint, expected=expected_version)
        if merged["is_active"] and not endpoint.is_active:
            endpoint.consecutive_failures = 0
            endpoint.disabled_at = None
        endpoint.url = merged["url"]
        endpoint.events = _events_clean(merged["events"])
        endpoint.description = (merged["description"] or "").strip()
        endpoint.is_active = bool(merged["is_active"])
        endpoint.allow_private = bool(merged["allow_private"])
        endpoint.save()
        return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, by) -> None:
    """Delete an endpoint and its delivery log."""
    _manager_check(by)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


# --- deliveries ------------------------------------------------------------------------------


def _send_later(delivery_ids: list[int], eta: datetime.datetime | None = None) -> None:
    from .tasks import delivery_send

    def enqueue():
        for pk in delivery_ids:
            if eta is None:
                delivery_send(pk)
            else:
                delivery_send.schedule((pk,), eta=eta)

    transaction.on_commit(enqueue)


def deliveries_create(announcement: Announcement) -> list[WebhookDelivery]:
    """The events listener: one pending delivery of the event per active endpoint
    subscribed to it, sent by the worker once they are committed."""
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(is_active=True).only("pk", "events")
        if announcement.event.value in e.events
    ]
    if not endpoints:
        return []
    payload = payload_of(announcement)
    event_id = message_id_new()
    now = timezone.now()
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                endpoint_id=endpoint.pk,
                event_id=event_id,
                event_type=announcement.event.value,
                payload=payload,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        )
        _send_later([d.pk for d in deliveries])
    return deliveries


def _claim(delivery_id: int, now: datetime.datetime) -> bool:
    """Take the delivery for this attempt, atomically: of two workers given the same
    delivery, one wins; a delivered one is never sent again."""
    # A pending delivery (new, or resent) is due at once, whatever the clocks of the app
    # server that queued it and of this worker say; a failed one when its retry time came.
    due = Q(status=DeliveryStatus.PENDING) | Q(
        status=DeliveryStatus.FAILED, next_attempt_at__lte=now
    )
    return bool(
        WebhookDelivery.objects.filter(due, pk=delivery_id).update(
            status=DeliveryStatus.SENDING, claimed_at=now
        )
    )


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send the delivery once if it is due and not taken; record the outcome, schedule the
    retry, and disable the endpoint after DISABLE_AFTER_FAILURES failures in a row.
    None when there was nothing to do (not due, delivered, or taken by another worker)."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.GAVE_UP,
            next_attempt_at=None,
            response_excerpt=_("The endpoint is disabled."),
        )
        return None
    outcome = sending.deliver(
        url=endpoint.url,
        allow_private=endpoint.allow_private,
        secret=endpoint.secret,
        message_id=delivery.event_id,
        body=body_of(delivery.payload),
    )
    return _outcome_record(delivery, outcome, at=now)


def _outcome_record(
    delivery: WebhookDelivery, outcome: sending.Outcome, *, at: datetime.datetime
) -> WebhookDelivery:
    attempts = delivery.attempts + 1
    if outcome.ok:
        status, next_at = DeliveryStatus.DELIVERED, None
    elif attempts >= MAX_ATTEMPTS:
        status, next_at = DeliveryStatus.GAVE_UP, None
    else:
        status = DeliveryStatus.FAILED
        next_at = timezone.now() + datetime.timedelta(seconds=BACKOFF_SECONDS[attempts - 1])
    fields = {
        "status": status,
        "attempts": attempts,
        "next_attempt_at": next_at,
        "last_attempt_at": at,
        "response_status": outcome.status,
        "response_excerpt": outcome.excerpt,
        "duration_ms": outcome.duration_ms,
        "delivered_at": timezone.now() if outcome.ok else None,
    }
    recorded = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING)
    endpoints = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    if outcome.ok:
        # The common case in one short write: no transaction, and the endpoint's count is
        # touched only when there is a count to reset.
        recorded.update(**fields)
        if delivery.endpoint.consecutive_failures:
            endpoints.update(consecutive_failures=0)
    else:
        with transaction.atomic():
            recorded.update(**fields)
            endpoints.update(consecutive_failures=F("consecutive_failures") + 1)
            _disable_if_failing(delivery.endpoint_id)
            if next_at is not None:
                _send_later([delivery.pk], eta=next_at)
    for name, value in fields.items():
        setattr(delivery, name, value)
    return delivery


def _disable_if_failing(endpoint_id: int) -> None:
    """Disable the endpoint once its failures in a row reach the limit; only the update
    that switches it off tells the owner, so they hear it once."""
    switched_off = WebhookEndpoint.objects.filter(
        pk=endpoint_id, is_active=True, consecutive_failures__gte=DISABLE_AFTER_FAILURES
    ).update(is_active=False, disabled_at=timezone.now(), version=F("version") + 1)
    if not switched_off:
        return
    endpoint = WebhookEndpoint.objects.select_related("owner").get(pk=endpoint_id)
    owner = endpoint.owner
    with translation.override(owner.language or None):
        notification_send(
            user=owner,
            title=_("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url},
            text=_(
                "%(count)d deliveries in a row failed, so no more events are sent to "
                "%(url)s. Fix the receiver, then turn the endpoint on again and resend "
                "what it missed."
            )
            % {"count": endpoint.consecutive_failures, "url": endpoint.url},
            url=reverse("webhooks:endpoint", args=[endpoint.pk]),
        )


def delivery_resend(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    """Send a delivery again now, with the same message id and payload and a fresh
    retry schedule; refused while it is being sent or its endpoint is off."""
    _manager_check(by)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        endpoint = WebhookEndpoint.objects.get(pk=delivery.endpoint_id)
        if not endpoint.is_active:
            raise Conflict.single(
                C.ENDPOINT_DISABLED, _("The endpoint is disabled; turn it on first.")
            )
        if delivery.status == DeliveryStatus.SENDING:
            raise Conflict.single(C.DELIVERY_SENDING, _("The delivery is being sent now."))
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        _send_later([delivery.pk])
    return delivery


def deliveries_due_send() -> int:
    """Queue every delivery whose time has come (retries whose scheduled task was lost,
    deliveries whose worker died mid-send); the claim keeps a duplicate from sending."""
    now = timezone.now()
    expired = now - datetime.timedelta(seconds=CLAIM_EXPIRES_SECONDS)
    WebhookDelivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=expired).update(
        status=DeliveryStatus.FAILED, next_attempt_at=now
    )
    due = list(
        WebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:1000]
    )
    with transaction.atomic():
        _send_later(due)
    return len(due)
