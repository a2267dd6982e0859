"""Reads of the loyalty domain, always through record-level access: a manager sees the
cards of the clients they may see; card kinds are the whole staff's catalogue."""

from django.db.models import Q, QuerySet

from ladoga.accounts import access
from ladoga.core.text import text_contains_q

from . import rules
from .models import CardKind, LoyaltyCard


def card_kinds_visible_to(*, user) -> QuerySet:
    return access.visible(CardKind.objects.all(), user)


def cards_visible_to(*, user) -> QuerySet:
    return access.visible(LoyaltyCard.objects.select_related("kind", "partner", "contact"), user)


def card_lookup(number: str, user) -> LoyaltyCard | None:
    """The card with this number (as a scanner types it) if `user` may see it; one indexed
    query."""
    number = rules.number_clean(number)
    if not number:
        return None
    # No ORDER BY: the number is unique, so the unique index alone answers.
    return next(iter(cards_visible_to(user=user).filter(number=number).order_by()[:1]), None)


def cards_of_partner(partner, user) -> QuerySet:
    """The cards of a partner (and of its contact persons) that `user` may see."""
    return cards_visible_to(user=user).filter(partner=partner).order_by("-issued_on", "-id")


def cards_search(
    *, user, q: str = "", kind_id: int | None = None, status: str = "", partner_id=None
) -> QuerySet:
    """Cards by number (its start) or holder name, kind and status."""
    cards = cards_visible_to(user=user)
    q = (q or "").strip()
    if q:
        number = rules.number_clean(q)
        condition = text_contains_q(
            ("partner__name", "contact__last_name", "contact__first_name"), q
        )
        if number:
            condition |= Q(number__startswith=number)
        cards = cards.filter(condition)
    if kind_id:
        cards = cards.filter(kind_id=kind_id)
    if status:
        cards = cards.filter(status=status)
    if partner_id:
        cards = cards.filter(partner_id=partner_id)
    return cards.order_by("-issued_on", "-id")
