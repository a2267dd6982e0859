"""One rounding rule for every figure shown anywhere: ordinary half-up rounding.

Reports, exports, cards, API answers and PDFs call these, so 1 of 16 (6.25 %) reads 6.3
everywhere and money always has two decimals, on SQLite as on PostgreSQL.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def half_up(value, places: int = 2) -> Decimal | None:
    """`value` rounded half-up to `places` decimals (None stays None)."""
    if value is None:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


def money(value) -> Decimal | None:
    """An amount with exactly two decimals, rounded half-up."""
    return half_up(value, 2)


def percent(part, whole, places: int = 1) -> Decimal | None:
    """`part` as a percentage of `whole`, rounded half-up; None when `whole` is zero."""
    if not whole:
        return None
    return half_up(Decimal(str(part)) * 100 / Decimal(str(whole)), places)


def change_percent(now, then, places: int = 1) -> Decimal | None:
    """The relative change from `then` to `now` in percent; None when `then` is zero."""
    if now is None or then is None or not then:
        return None
    return half_up((Decimal(str(now)) - Decimal(str(then))) * 100 / abs(Decimal(str(then))), places)
