"""Pure rules of sales: plain values in, plain values out, no database.

Prices, amounts, payment schedules, validity periods and the posting conditions that can
be decided from values alone live here, so they are tested without a database and both
the posting control and the forms use the same arithmetic.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from ladoga.core import numbers

CENT = Decimal("0.01")
HUNDRED = Decimal("100")

# One payment stage as plain values: (basis, percent, days).
Stage = tuple[str, Decimal, int]

K = TypeVar("K")


def money_round(value: Decimal) -> Decimal:
    """Round to kopecks, halves away from zero (as accountants do): the one rule of
    `core.numbers.money`. A value too large to round raises InvalidOperation, which the
    line checks turn into a violation."""
    rounded = numbers.money(value)
    if rounded is None:
        raise InvalidOperation(value)
    return rounded


def derived_price(base_price: Decimal, percents: Sequence[Decimal]) -> Decimal:
    """The price of a derived price type: the base price changed by each percentage of the
    chain in turn (base → derived → derived of derived), rounded once at the end."""
    price = Decimal(base_price)
    for percent in percents:
        price = price * (HUNDRED + Decimal(percent)) / HUNDRED
    return money_round(price)


def agreement_price(list_price: Decimal, discount_percent: Decimal) -> Decimal:
    """The price an agreement gives: the price type's price less the agreement's discount
    (a negative discount is a markup)."""
    return money_round(Decimal(list_price) * (HUNDRED - Decimal(discount_percent)) / HUNDRED)


def net_price(price: Decimal, discount_percent: Decimal) -> Decimal:
    """A line's price after its manual discount."""
    return Decimal(price) * (HUNDRED - Decimal(discount_percent)) / HUNDRED


def price_within_agreement(
    *, expected: Decimal, price: Decimal, discount_percent: Decimal, max_manual_discount: Decimal
) -> bool:
    """Whether a line's price keeps to the agreement: its price after the manual discount
    is neither above the agreement's price nor below it by more than the largest manual
    discount the agreement allows. Compared to the kopeck."""
    net = money_round(net_price(price, discount_percent))
    floor = money_round(Decimal(expected) * (HUNDRED - Decimal(max_manual_discount)) / HUNDRED)
    return floor <= net <= money_round(expected)


def line_amounts(
    *,
    quantity: Decimal,
    price: Decimal,
    discount_percent: Decimal,
    vat_rate: Decimal,
    tax_regime: str,
) -> tuple[Decimal, Decimal, Decimal]:
    """(amount, VAT, total) of a line. With VAT included, the VAT is inside the amount;
    on top, it is added to it; not subject, there is none."""
    amount = money_round(Decimal(quantity) * net_price(price, discount_percent))
    rate = Decimal(vat_rate)
    if tax_regime == "vat_included":
        vat = money_round(amount * rate / (HUNDRED + rate))
        return amount, vat, amount
    if tax_regime == "vat_on_top":
        vat = money_round(amount * rate / HUNDRED)
        return amount, vat, amount + vat
    return amount, Decimal("0.00"), amount


def split_by_stages(total: Decimal, percents: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` by the stages' percentages; the last stage takes the rounding rest,
    so the parts always add up to the total."""
    if not percents:
        return []
    parts = [money_round(Decimal(total) * Decimal(p) / HUNDRED) for p in percents[:-1]]
    return [*parts, Decimal(total) - sum(parts, Decimal("0"))]


def stage_due_date(
    *, basis: str, days: int, order_date: datetime.date, shipment_date: datetime.date
) -> datetime.date:
    """A prepayment stage is due `days` after the order; a credit stage `days` after
    shipment (the expected delivery date until goods are shipped)."""
    start = order_date if basis == "prepayment" else shipment_date
    return start + datetime.timedelta(days=int(days))


def schedule_problems(stages: Sequence[Stage]) -> list[str]:
    """What is wrong with a payment schedule on its own: it needs at least one stage,
    positive shares, and shares adding up to 100 %."""
    problems = []
    if not stages:
        return ["empty"]
    if any(Decimal(percent) <= 0 for _basis, percent, _days in stages):
        problems.append("share_not_positive")
    if sum((Decimal(p) for _b, p, _d in stages), Decimal("0")) != HUNDRED:
        problems.append("shares_not_100")
    return problems


def schedule_normalised(stages: Iterable[Stage]) -> list[Stage]:
    return [(str(b), Decimal(p).normalize(), int(d)) for b, p, d in stages]


def schedules_match(order: Iterable[Stage], agreement: Iterable[Stage]) -> bool:
    """Whether an order's payment schedule is the agreement's: the same stages (basis,
    share, days) in the same order."""
    return schedule_normalised(order) == schedule_normalised(agreement)


def valid_on(day: datetime.date, valid_from: datetime.date, valid_to: datetime.date | None) -> bool:
    return valid_from <= day and (valid_to is None or day <= valid_to)


def periods_overlap(
    a_from: datetime.date,
    a_to: datetime.date | None,
    b_from: datetime.date,
    b_to: datetime.date | None,
) -> bool:
    """Whether two validity periods share a day (an open end runs for ever)."""
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


def earliest_delivery(order_date: datetime.date, delivery_days: int) -> datetime.date:
    return order_date + datetime.timedelta(days=int(delivery_days))


def agreement_applies(
    *,
    is_typical: bool,
    agreement_partner_id: int | None,
    agreement_segment_ids: Iterable[int],
    partner_id: int,
    partner_segment_ids: Iterable[int],
) -> bool:
    """An individual agreement applies to its own partner only; a typical one to the
    partners of its segments, or to everyone when it names no segment."""
    if not is_typical:
        return agreement_partner_id == partner_id
    wanted = set(agreement_segment_ids)
    return not wanted or bool(wanted & set(partner_segment_ids))


def chain_has_cycle(bases: Mapping[int, int | None], start: int, new_base: int | None) -> bool:
    """Whether making `new_base` the base of price type `start` closes a loop, given the
    current base of every price type (`bases`)."""
    seen = {start}
    current = new_base
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = bases.get(current)
    return False


def payment_allocation(
    stages: Sequence[tuple[datetime.date, Decimal, Decimal]], amount: Decimal
) -> tuple[list[Decimal], datetime.date | None]:
    """Pay `amount` into stages (due date, amount, already paid) in due-date order.

    Returns how much each stage receives and the due date of the earliest stage the
    payment touches (None when nothing is left to pay)."""
    remaining = Decimal(amount)
    shares: list[Decimal] = []
    first_due = None
    for due, stage_amount, paid in stages:
        open_amount = max(Decimal(stage_amount) - Decimal(paid), Decimal("0"))
        share = min(open_amount, remaining)
        if share > 0 and first_due is None:
            first_due = due
        shares.append(share)
        remaining -= share
    return shares, first_due


# ABC classes of partners by revenue (S2 segment rules).
ABC_A, ABC_B, ABC_C = "A", "B", "C"
ABC_A_SHARE = Decimal("0.80")  # A: the partners making up the first 80 % of revenue
ABC_AB_SHARE = Decimal("0.95")  # B: the next 15 %; C: the rest


def abc_classes(revenues: Mapping[K, Decimal]) -> dict[K, str]:
    """The ABC class of every key of `revenues` (partner → revenue).

    Partners are taken by revenue, largest first. A partner is A while the revenue of
    the partners before it is under 80 % of the total (so the one that crosses the line
    is A too, and the largest partner is always A), B while it is under 95 %, and C
    after that. Partners with no revenue (zero or less) are C; when nobody has revenue,
    everyone is C. Equal revenues get the same class — the class of the first of them —
    so the answer does not depend on the order of the input."""
    classes = dict.fromkeys(revenues, ABC_C)
    earning: dict[Decimal, list[K]] = {}
    for key, revenue in revenues.items():
        if Decimal(revenue) > 0:
            earning.setdefault(Decimal(revenue), []).append(key)
    total = sum((revenue * len(keys) for revenue, keys in earning.items()), Decimal("0"))
    before = Decimal("0")
    for revenue in sorted(earning, reverse=True):
        keys = earning[revenue]
        if before < total * ABC_A_SHARE:
            found = ABC_A
        elif before < total * ABC_AB_SHARE:
            found = ABC_B
        else:
            found = ABC_C
        for key in keys:
            classes[key] = found
        before += revenue * len(keys)
    return classes
