"""The weighted amount of a deal (cards, forecast) rounds half-up (issue 17, point 2)."""

from decimal import Decimal

from ladoga.deals.models import Deal


def test_the_weighted_amount_rounds_half_up():
    deal = Deal(amount=Decimal("0.05"), probability_override=50)
    # 0.05 × 50 % = 0.025: half-up 0.03 (half-to-even gave 0.02)
    assert deal.weighted_amount == Decimal("0.03")
    deal = Deal(amount=Decimal("0.15"), probability_override=50)
    assert deal.weighted_amount == Decimal("0.08")
