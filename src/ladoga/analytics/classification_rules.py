"""Pure rules of client classification (SPEC A7, A8, L3): plain values in, plain values out.

- ABC: clients by their share of the total, largest first (`abc_classes`).
- XYZ: the stability of monthly demand, by the coefficient of variation over N monthly
  buckets, months without a purchase counted as zero (`coefficient_of_variation`,
  `xyz_class`).
- RFM: recency, frequency and monetary quintiles and the named segments (`quintiles`,
  `rfm_segment`).
- Clients who stopped buying: no purchase for more than N times their usual interval
  (`stopped_buying`).
- BCG: the quadrant of growth against relative share (`bcg_quadrant`).

Returns: a client whose net value over the period is zero or negative (returns exceed
purchases) is C, and its demand is not measured: its XYZ is "" (shown as "—"). A client
with a positive total keeps its net monthly values as they are, so a month of returns (a
negative month) makes its demand less stable, as it is.
"""

import bisect
import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

K = TypeVar("K")
HUNDRED = Decimal("100")
ZERO = Decimal("0")


def abc_classes(values: Mapping[K, Decimal], *, a: Decimal, b: Decimal) -> dict[K, str]:
    """The ABC class of every key of `values` (client → revenue, profit or orders).

    `a` and `b` are the shares of A and B in percent (C takes the rest). Clients are taken
    largest first: a client is A while the clients before it make less than `a` % of the
    total (so the one crossing the line is A too, and the largest client is always A), B
    while less than `a + b` %, C after that. A client with nothing (zero or less) is C.
    Equal values share the class of the first of them, so the input order never matters.
    """
    classes = dict.fromkeys(values, "C")
    earning: dict[Decimal | int, list[K]] = {}
    for key, value in values.items():
        if not isinstance(value, int):  # whole numbers (kopecks, counts) stay exact as they are
            value = Decimal(value)
        if value > 0:
            earning.setdefault(value, []).append(key)
    total = sum((value * len(keys) for value, keys in earning.items()), ZERO)
    a_line = total * Decimal(a) / HUNDRED
    b_line = total * (Decimal(a) + Decimal(b)) / HUNDRED
    before = ZERO
    for value in sorted(earning, reverse=True):
        found = "A" if before < a_line else "B" if before < b_line else "C"
        for key in earning[value]:
            classes[key] = found
        before += value * len(earning[value])
    return classes


def coefficient_of_variation(series: Sequence[Decimal]) -> Decimal | None:
    """Population standard deviation of the monthly values over their mean, in percent.

    None when the mean is zero or less (no demand to measure)."""
    values = [Decimal(v) for v in series]
    return variation_of_sums(sum(values, ZERO), sum((v * v for v in values), ZERO), len(values))


def variation_of_sums(total, squares, count: int) -> Decimal | None:
    """The coefficient of variation, in percent, of `count` values from their sum and the
    sum of their squares: √(n·Σx² − (Σx)²) / Σx. Exact for integers (kopecks), so the
    recomputation needs no month-by-month series; None when the sum is zero or less."""
    if count <= 0 or total <= 0:
        return None
    spread = Decimal(count * squares - total * total)
    return (spread.sqrt() if spread > 0 else ZERO) * HUNDRED / Decimal(total)


def xyz_class(cv: Decimal | None, *, x: Decimal, y: Decimal) -> str:
    """X when the variation is at most `x` %, Y up to `y` %, Z above; "" when unmeasured."""
    if cv is None:
        return ""
    if cv <= Decimal(x):
        return "X"
    if cv <= Decimal(y):
        return "Y"
    return "Z"


def quintiles(values: Mapping[K, float | Decimal | int], *, higher_is_better=True) -> dict[K, int]:
    """A score 1–5 for every key, 5 for the best fifth: five times the share of keys that
    are not better than it, rounded up. Equal values get equal scores whatever the order,
    and the best value always scores 5."""
    n = len(values)
    if not n:
        return {}
    ordered = sorted(values.values())
    scores = {}
    for key, value in values.items():
        if higher_is_better:
            not_better = bisect.bisect_right(ordered, value)
        else:
            not_better = n - bisect.bisect_left(ordered, value)
        scores[key] = -(-5 * not_better // n)  # at least 1: the value itself is counted
    return scores


class RfmSegment(StrEnum):
    CHAMPIONS = "champions"
    LOYAL = "loyal"
    PROMISING = "promising"
    NEED_ATTENTION = "need_attention"
    AT_RISK = "at_risk"
    HIBERNATING = "hibernating"
    LOST = "lost"


# The clients whose slide into "at risk" the manager is told about.
GOOD_SEGMENTS = frozenset({RfmSegment.CHAMPIONS, RfmSegment.LOYAL})


def rfm_segment(r: int, f: int, m: int) -> str:
    """The named segment of recency `r` and frequency `f` scores (1–5; 5 is best).

    Champions buy recently and often (R ≥ 4, F ≥ 4); loyal clients fairly recently and
    often (R ≥ 3, F ≥ 3); promising ones recently but seldom (R ≥ 4); at risk used to buy
    often but not lately (R ≤ 2, F ≥ 3); lost neither (R = 1); hibernating R = 2 and
    seldom; the rest need attention. The monetary score is shown beside, it does not
    move a client between segments."""
    if r >= 4 and f >= 4:
        return RfmSegment.CHAMPIONS
    if r >= 3 and f >= 3:
        return RfmSegment.LOYAL
    if r >= 4:
        return RfmSegment.PROMISING
    if r <= 2 and f >= 3:
        return RfmSegment.AT_RISK
    if r == 1:
        return RfmSegment.LOST
    if r == 2:
        return RfmSegment.HIBERNATING
    return RfmSegment.NEED_ATTENTION


def usual_interval(first: datetime.date, last: datetime.date, purchase_days: int) -> float | None:
    """The average number of days between purchases; None with fewer than two purchase
    days (a client who bought once has no usual interval)."""
    if purchase_days < 2:
        return None
    return (last - first).days / (purchase_days - 1)


def stopped_buying(
    *,
    first: datetime.date,
    last: datetime.date,
    purchase_days: int,
    today: datetime.date,
    factor: Decimal,
) -> bool:
    """Whether a client has bought nothing for more than `factor` times its usual interval
    between purchases. A client with a single purchase day is never listed: it has no
    usual interval yet."""
    interval = usual_interval(first, last, purchase_days)
    if interval is None:
        return False
    return (today - last).days > float(factor) * max(interval, 1.0)


class BcgQuadrant(StrEnum):
    STARS = "stars"
    CASH_COWS = "cash_cows"
    QUESTION_MARKS = "question_marks"
    DOGS = "dogs"


def growth_percent(now: Decimal, before: Decimal) -> Decimal | None:
    """Revenue growth from the previous period in percent; None when there was none before
    (a new client or group, whose growth cannot be measured)."""
    if before is None or Decimal(before) <= 0:
        return None
    return (Decimal(now) - Decimal(before)) * HUNDRED / Decimal(before)


def bcg_quadrant(
    *,
    growth: Decimal | None,
    relative_share: Decimal,
    growth_split: Decimal,
    share_split: Decimal,
) -> str:
    """Stars grow fast and hold a large share; cash cows hold a large share and grow
    slowly; question marks grow fast with a small share; dogs neither. A growth that
    cannot be measured (nothing before) counts as fast: the client or group is new.
    A value on a split line counts as high."""
    fast = growth is None or growth >= Decimal(growth_split)
    large = Decimal(relative_share) >= Decimal(share_split)
    if fast and large:
        return BcgQuadrant.STARS
    if large:
        return BcgQuadrant.CASH_COWS
    if fast:
        return BcgQuadrant.QUESTION_MARKS
    return BcgQuadrant.DOGS


def months_between(start: datetime.date, months: int) -> list[datetime.date]:
    """`months` first days of month, the last being `start`'s month, oldest first."""
    found = []
    year, month = start.year, start.month
    for _ in range(months):
        found.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return found[::-1]
