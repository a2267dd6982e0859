"""Business events (X9): the one place where services announce facts.

A service says what happened, in one line, inside its transaction:

    event_announce(Event.DEAL_WON, obj=deal)

The announcement waits for the transaction to commit (`transaction.on_commit`), so a
command that fails or is rolled back announces nothing, and listeners read committed
rows. Listeners (webhooks, notifications, recomputations) live in higher layers and
register at start-up with `listener_register(fn)`; the core knows none of them. A
failing listener is logged and does not stop the others, nor the request that committed.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("ladoga.events")


class Event(models.TextChoices):
    """Every business event a listener may subscribe to; the value is the stable name."""

    PARTNER_CREATED = "partner.created", _("Partner created")
    PARTNER_MERGED = "partner.merged", _("Partners merged")
    DEAL_CREATED = "deal.created", _("Deal created")
    DEAL_MOVED = "deal.moved", _("Deal moved to another stage")
    DEAL_WON = "deal.won", _("Deal won")
    DEAL_LOST = "deal.lost", _("Deal lost")
    ORDER_POSTED = "order.posted", _("Customer order posted")
    SHIPMENT_POSTED = "shipment.posted", _("Shipment posted")
    PAYMENT_RECEIVED = "payment.received", _("Payment received")
    CLAIM_REGISTERED = "claim.registered", _("Claim registered")
    CLAIM_RESOLVED = "claim.resolved", _("Claim resolved")
    INTERACTION_CREATED = "interaction.created", _("Interaction created")


@dataclass(frozen=True)
class Announcement:
    """One fact: which event, about which record (`obj`), and when it happened."""

    event: Event
    obj: models.Model
    at: object = field(default_factory=timezone.now)


Listener = Callable[[Announcement], None]
_listeners: list[Listener] = []


def listener_register(listener: Listener) -> Listener:
    """Call `listener(announcement)` after every committed announcement (once, however
    often it is registered). Usable as a decorator."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def listeners() -> list[Listener]:
    return list(_listeners)


def event_announce(event: Event | str, *, obj: models.Model) -> None:
    """Announce that `event` happened to `obj`; listeners hear it after the commit."""
    announcement = Announcement(event=Event(event), obj=obj)
    transaction.on_commit(lambda: _tell_listeners(announcement))


def _tell_listeners(announcement: Announcement) -> None:
    for listener in listeners():
        try:
            listener(announcement)
        except Exception:
            logger.exception("listener %r failed on %s", listener, announcement.event)
