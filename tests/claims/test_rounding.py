"""Claims figures round half-up through core.numbers (issue 17, point 2)."""

from decimal import Decimal

from ladoga.claims import flow


def test_a_compensation_is_stored_rounded_half_up():
    assert flow.money("10.005") == Decimal("10.01")
    assert flow.money("10.025") == Decimal("10.03")


def test_the_plan_progress_rounds_half_up():
    assert flow.plan_progress(1, 8) == 13  # 12.5 %
    assert flow.plan_progress(5, 8) == 63  # 62.5 %
    assert flow.plan_progress(0, 0) == 0
