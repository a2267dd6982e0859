"""Pure rules of loyalty cards, tested without a database: the number format and its
check digit, the percent an accumulative card reaches, and how the card's discount
meets the agreement's."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from stdnum import ean, luhn
from stdnum.exceptions import ValidationError

NONE, EAN13, LUHN = "none", "ean13", "luhn"
LARGER, BOTH = "larger", "both"

FORMAT_OK = None
WRONG_FORMAT = "format"
WRONG_CHECK_DIGIT = "check_digit"


def number_clean(number: str) -> str:
    """A number as a scanner or a person typed it: spaces and dashes dropped."""
    return "".join(str(number or "").split()).replace("-", "")


def number_problem(number: str, *, prefix: str, length: int, check_digit: str) -> str | None:
    """What is wrong with `number` for a kind: WRONG_FORMAT (length, prefix, characters),
    WRONG_CHECK_DIGIT, or None when it is right. Numbers with a check digit are digits
    only."""
    if len(number) != length or not number.startswith(prefix or ""):
        return WRONG_FORMAT
    if check_digit == NONE:
        return None if number.isalnum() else WRONG_FORMAT
    if not number.isdigit():
        return WRONG_FORMAT
    try:
        if check_digit == EAN13:
            ean.validate(number)
        else:
            luhn.validate(number)
    except ValidationError:
        return WRONG_CHECK_DIGIT
    return None


def format_problem(*, prefix: str, length: int, check_digit: str) -> str | None:
    """Why a kind's number format cannot hold numbers, or None. EAN-13 is 13 digits; a
    check-digit scheme needs a digit prefix and room for at least one serial digit."""
    if check_digit not in (NONE, EAN13, LUHN):
        return WRONG_FORMAT
    if check_digit == EAN13 and length != 13:
        return WRONG_FORMAT
    if not 4 <= length <= 32:
        return WRONG_FORMAT
    if prefix and not (prefix.isdigit() if check_digit != NONE else prefix.isalnum()):
        return WRONG_FORMAT
    room = length - len(prefix or "") - (0 if check_digit == NONE else 1)
    return None if room >= 1 else WRONG_FORMAT


def number_make(*, prefix: str, length: int, check_digit: str, serial: int) -> str:
    """The number with serial `serial`: prefix, the serial zero-padded, the check digit."""
    body_length = length - (0 if check_digit == NONE else 1)
    body = f"{prefix}{serial:0{body_length - len(prefix)}d}"
    if len(body) != body_length:
        raise ValueError("serial does not fit the number format")
    if check_digit == EAN13:
        return body + ean.calc_check_digit(body)
    if check_digit == LUHN:
        return body + luhn.calc_check_digit(body)
    return body


def threshold_percent(total: Decimal, thresholds: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """The percent of the highest threshold the purchases reach ("3 % from 50,000" means
    from exactly 50,000 on); 0 below the first."""
    reached = [(amount, percent) for amount, percent in thresholds if total >= amount]
    return max(reached)[1] if reached else Decimal("0")


def discount_steps(
    agreement_percent: Decimal, card_percent: Decimal, rule: str
) -> tuple[Decimal, ...]:
    """The discounts applied to a price type's price, in order. "larger": the larger of the
    agreement's and the card's; "both": the agreement's, then the card's on the result."""
    if not card_percent:
        return (agreement_percent,)
    if rule == BOTH:
        return (agreement_percent, card_percent)
    return (max(agreement_percent, card_percent),)


def valid_on(on: datetime.date, start: datetime.date | None, end: datetime.date | None) -> bool:
    return (start is None or start <= on) and (end is None or on <= end)


def rolling_period(on: datetime.date, days: int) -> tuple[datetime.date, datetime.date]:
    """The `days` days that end on `on`, both ends included."""
    return on - datetime.timedelta(days=max(days, 1) - 1), on
