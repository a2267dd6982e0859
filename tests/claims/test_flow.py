"""The claim's pure rules, without a database."""

from decimal import Decimal

import pytest

from ladoga.claims import flow


@pytest.mark.parametrize(
    "current, target",
    [
        ("registered", "investigating"),
        ("investigating", "resolved"),
        ("resolved", "closed"),
    ],
)
def test_each_status_moves_one_step_forward(current, target):
    assert flow.transition_violations(current, target) == []


@pytest.mark.parametrize(
    "current, target",
    [
        ("registered", "resolved"),
        ("registered", "closed"),
        ("investigating", "closed"),
        ("investigating", "registered"),
        ("resolved", "investigating"),
        ("closed", "registered"),
        ("registered", "registered"),
    ],
)
def test_jumps_and_steps_back_are_refused(current, target):
    [violation] = flow.transition_violations(current, target)
    assert violation.code == "claim_transition_not_allowed"
    assert violation.field == "status"


def test_unknown_status_is_named():
    [violation] = flow.transition_violations("registered", "archived")
    assert violation.code == "claim_status_unknown"


def test_resolving_needs_a_resolution_and_a_result():
    codes = [v.code for v in flow.resolution_violations(None, "  ")]
    assert codes == ["claim_resolution_required", "claim_result_required"]
    assert [v.code for v in flow.resolution_violations("maybe", "ok")] == [
        "claim_resolution_unknown"
    ]
    assert flow.resolution_violations("partly", "Refunded half") == []


@pytest.mark.parametrize(
    "amount, total, resolution, code",
    [
        ("-0.01", None, None, "claim_compensation_negative"),
        ("1000.01", Decimal("1000.00"), None, "claim_compensation_above_order"),
        ("10", None, "rejected", "claim_compensation_when_rejected"),
        ("abc", None, None, "claim_compensation_invalid"),
        ("1.234", None, None, "claim_compensation_invalid"),
        ("NaN", None, None, "claim_compensation_invalid"),
        ("1e15", None, None, "claim_compensation_invalid"),
    ],
)
def test_compensation_rules(amount, total, resolution, code):
    [violation] = flow.compensation_violations(amount, order_total=total, resolution=resolution)
    assert violation.code == code
    assert violation.field == "compensation"


@pytest.mark.parametrize(
    "amount, total",
    [("0", None), ("1000.00", Decimal("1000.00")), ("12,50", None), (Decimal("3.5"), None)],
)
def test_compensation_within_limits(amount, total):
    assert flow.compensation_violations(amount, order_total=total) == []


def test_plan_progress():
    assert flow.plan_progress(0, 0) == 0
    assert flow.plan_progress(1, 3) == 33
    assert flow.plan_progress(2, 3) == 67
    assert flow.plan_progress(3, 3) == 100
