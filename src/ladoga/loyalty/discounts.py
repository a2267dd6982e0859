"""What a card means on an order (sales asks here): whether it may be used, and the
discount it gives. Sales sits above loyalty, so it imports these directly."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from ladoga.core.errors import Violation

from . import rules
from .errors import LoyaltyCode as C
from .models import CardStatus, KindStatus, LoyaltyCard


def card_order_violations(
    card: LoyaltyCard, *, partner_id: int, on: datetime.date, field: str = "loyalty_card_id"
) -> list[Violation]:
    """Why `card` cannot give its discount on an order of `partner_id` dated `on`: it is
    blocked or replaced (or its kind is blocked), expired, or another client's."""
    violations = []
    if card.status != CardStatus.ACTIVE or card.kind.status == KindStatus.BLOCKED:
        violations.append(
            Violation(
                C.CARD_BLOCKED,
                _("Loyalty card %(number)s is blocked.") % {"number": card.number},
                field,
            )
        )
    if not rules.valid_on(on, card.issued_on, card.valid_to) or not rules.valid_on(
        on, card.kind.valid_from, card.kind.valid_to
    ):
        violations.append(
            Violation(
                C.CARD_EXPIRED,
                _("Loyalty card %(number)s is not valid on %(date)s.")
                % {"number": card.number, "date": on.isoformat()},
                field,
            )
        )
    if card.partner_id != partner_id:
        violations.append(
            Violation(
                C.CARD_NOT_HOLDERS,
                _("Loyalty card %(number)s belongs to another client.") % {"number": card.number},
                field,
            )
        )
    return violations


def card_percent(card: LoyaltyCard) -> Decimal:
    """The card's discount: the kind's for a fixed kind, the reached threshold's for an
    accumulative one."""
    return card.percent if card.kind.is_accumulative else card.kind.percent


def card_discount_steps(
    card: LoyaltyCard | None, *, agreement_percent: Decimal, partner_id: int, on: datetime.date
) -> tuple[Decimal, ...]:
    """The discounts a price type's price gets on an order, in order: the agreement's and
    the card's combined by the card kind's rule. A card that may not be used gives none."""
    if card is None or card_order_violations(card, partner_id=partner_id, on=on):
        return (agreement_percent,)
    return rules.discount_steps(agreement_percent, card_percent(card), card.kind.combine_rule)
