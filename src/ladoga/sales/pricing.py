"""Prices on a date (S1) and the prices an agreement gives (S3), in a bounded number of
queries whatever the number of products.

The price on a date is the latest price not after it. A derived price type has no prices
of its own: its price is its base type's price changed by the percentages along the chain.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from ladoga.loyalty.discounts import card_discount_steps
from ladoga.loyalty.models import LoyaltyCard

from . import rules
from .models import Agreement, Price, PriceType, Product


def price_type_chain(price_type: PriceType) -> tuple[int, list[Decimal]]:
    """The root price type that holds the prices, and the percentages from it down to
    `price_type` (one query: price types are few)."""
    rows = {
        pk: (base, pct)
        for pk, base, pct in PriceType.objects.values_list("id", "base_id", "percent")
    }
    percents: list[Decimal] = []
    current, seen = price_type.pk, set()
    while rows.get(current, (None, None))[0] is not None and current not in seen:
        seen.add(current)
        base, pct = rows[current]
        percents.append(pct)
        current = base
    return current, list(reversed(percents))


def prices_on(
    *, price_type: PriceType, product_ids: Iterable[int], on: datetime.date
) -> dict[int, Decimal | None]:
    """The price of each product in `price_type` on `on` (None where there is none).

    One query finds each product's latest price by a descent of the (price_type, product,
    effective_from) index; a derived type first reads the price-type chain (one more)."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    if price_type.base_id is None:
        root, percents = price_type.pk, []
    else:
        root, percents = price_type_chain(price_type)
    latest = (
        Price.objects.filter(price_type_id=root, product_id=OuterRef("pk"), effective_from__lte=on)
        .order_by("-effective_from")
        .values("amount")[:1]
    )
    found = dict(
        Product.objects.filter(pk__in=ids)
        .annotate(latest=Subquery(latest))
        .values_list("pk", "latest")
    )
    return {
        pk: None if found.get(pk) is None else rules.derived_price(found[pk], percents)
        for pk in ids
    }


def price_on(*, product: Product, price_type: PriceType, on: datetime.date) -> Decimal | None:
    """The price of one product on a date: one query for a price type with prices of its
    own (the latest row not after `on`, by the unique index), two for a derived one."""
    if price_type.base_id is not None:
        return prices_on(price_type=price_type, product_ids=[product.pk], on=on)[product.pk]
    amount = (
        Price.objects.filter(price_type=price_type, product=product, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("amount", flat=True)
        .first()
    )
    return None if amount is None else rules.money_round(amount)


def agreement_prices(
    *,
    agreement: Agreement,
    product_ids: Iterable[int],
    on: datetime.date,
    partner_id: int,
    card: LoyaltyCard | None = None,
) -> dict[int, Decimal | None]:
    """The price each product has under `agreement` on `on`: the price type's price less
    the agreement's discount (or plus its markup); with a loyalty card, less the card's
    discount combined with the agreement's by the card kind's rule ("larger": the larger
    of the two; "both": one after the other). A card that may not be used on the date or
    for this client gives no discount (the posting control names it)."""
    steps = card_discount_steps(
        card, agreement_percent=agreement.discount_percent, partner_id=partner_id, on=on
    )
    listed = prices_on(price_type=agreement.price_type, product_ids=product_ids, on=on)
    result = {}
    for pk, price in listed.items():
        if price is None:
            result[pk] = None
            continue
        for step in steps:
            price = rules.agreement_price(price, step)
        result[pk] = price
    return result
