"""Pure rules of sales, tested without a database."""

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ladoga.sales import rules

DAY = datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    "price, discount, expected",
    [
        ("100.00", "0", True),  # exactly the agreement's price
        ("100.00", "10", True),  # the whole allowed manual discount
        ("100.00", "10.01", False),  # a little beyond it
        ("90.00", "0", True),  # a lower price counts as a manual discount
        ("89.99", "0", False),
        ("100.01", "0", False),  # above the agreement's price
        ("110.00", "5", False),  # a markup hidden under a discount
    ],
)
def test_price_within_agreement(price, discount, expected):
    assert (
        rules.price_within_agreement(
            expected=D("100.00"),
            price=D(price),
            discount_percent=D(discount),
            max_manual_discount=D("10"),
        )
        is expected
    )


def test_no_manual_discount_allowed_means_the_exact_price():
    check = dict(expected=D("57.35"), max_manual_discount=D("0"))
    assert rules.price_within_agreement(price=D("57.35"), discount_percent=D("0"), **check)
    assert not rules.price_within_agreement(price=D("57.34"), discount_percent=D("0"), **check)


def test_agreement_price_discount_and_markup():
    assert rules.agreement_price(D("200.00"), D("5")) == D("190.00")
    assert rules.agreement_price(D("200.00"), D("-5")) == D("210.00")
    assert rules.agreement_price(D("0.05"), D("50")) == D("0.03")  # halves round up


def test_derived_price_chain_rounds_once():
    assert rules.derived_price(D("100"), [D("-10")]) == D("90.00")
    assert rules.derived_price(D("100"), [D("-10"), D("15")]) == D("103.50")
    assert rules.derived_price(D("33.33"), []) == D("33.33")


@pytest.mark.parametrize(
    "regime, amount, vat, total",
    [
        ("vat_included", "1200.00", "200.00", "1200.00"),
        ("vat_on_top", "1200.00", "240.00", "1440.00"),
        ("not_subject", "1200.00", "0.00", "1200.00"),
    ],
)
def test_line_amounts_by_tax_regime(regime, amount, vat, total):
    assert rules.line_amounts(
        quantity=D("10"),
        price=D("125"),
        discount_percent=D("4"),
        vat_rate=D("20"),
        tax_regime=regime,
    ) == (D(amount), D(vat), D(total))


@given(
    total=st.decimals(min_value=0, max_value=10**9, places=2),
    percents=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=5),
)
def test_split_by_stages_always_adds_up(total, percents):
    parts = rules.split_by_stages(total, [D(p) for p in percents])
    assert sum(parts) == total
    assert len(parts) == len(percents)


def test_schedules_match_compares_stages_in_order():
    agreement = [("prepayment", D("30"), 3), ("credit", D("70"), 14)]
    assert rules.schedules_match(
        [("prepayment", D("30.00"), 3), ("credit", D("70"), 14)], agreement
    )
    assert not rules.schedules_match(
        [("credit", D("70"), 14), ("prepayment", D("30"), 3)], agreement
    )
    assert not rules.schedules_match(
        [("prepayment", D("30"), 3), ("credit", D("70"), 30)], agreement
    )
    assert not rules.schedules_match([("prepayment", D("100"), 3)], agreement)
    assert not rules.schedules_match([], agreement)


@pytest.mark.parametrize(
    "stages, problems",
    [
        ([("prepayment", D("100"), 0)], []),
        ([], ["empty"]),
        ([("prepayment", D("50"), 0)], ["shares_not_100"]),
        ([("prepayment", D("0"), 0), ("credit", D("100"), 5)], ["share_not_positive"]),
    ],
)
def test_schedule_problems(stages, problems):
    assert rules.schedule_problems(stages) == problems


def test_stage_due_dates_count_from_order_or_shipment():
    shipped = DAY + datetime.timedelta(days=5)
    assert rules.stage_due_date(
        basis="prepayment", days=3, order_date=DAY, shipment_date=shipped
    ) == datetime.date(2026, 3, 5)
    assert rules.stage_due_date(
        basis="credit", days=14, order_date=DAY, shipment_date=shipped
    ) == datetime.date(2026, 3, 21)


@pytest.mark.parametrize(
    "a, b, overlap",
    [
        ((DAY, None), (DAY.replace(year=2030), None), True),
        ((DAY, DAY.replace(month=6)), (DAY.replace(month=6), None), True),  # one shared day
        ((DAY, DAY.replace(month=5)), (DAY.replace(month=6), None), False),
        ((DAY.replace(month=6), None), (DAY, DAY.replace(month=5)), False),
    ],
)
def test_periods_overlap(a, b, overlap):
    assert rules.periods_overlap(*a, *b) is overlap


def test_valid_on_and_earliest_delivery():
    assert rules.valid_on(DAY, DAY, None)
    assert not rules.valid_on(DAY, DAY + datetime.timedelta(days=1), None)
    assert not rules.valid_on(DAY, DAY.replace(month=1), DAY.replace(month=2))
    assert rules.earliest_delivery(DAY, 5) == datetime.date(2026, 3, 7)


def test_agreement_applies():
    typical = dict(is_typical=True, agreement_partner_id=None, partner_id=7)
    assert rules.agreement_applies(agreement_segment_ids=[], partner_segment_ids=[], **typical)
    assert rules.agreement_applies(agreement_segment_ids=[1, 2], partner_segment_ids=[2], **typical)
    assert not rules.agreement_applies(
        agreement_segment_ids=[1], partner_segment_ids=[2], **typical
    )
    individual = dict(is_typical=False, agreement_segment_ids=[], partner_segment_ids=[])
    assert rules.agreement_applies(agreement_partner_id=7, partner_id=7, **individual)
    assert not rules.agreement_applies(agreement_partner_id=8, partner_id=7, **individual)


def test_chain_has_cycle():
    bases = {1: None, 2: 1, 3: 2}
    assert rules.chain_has_cycle(bases, 1, 3)  # 1 ← 3 ← 2 ← 1
    assert rules.chain_has_cycle(bases, 2, 2)  # itself
    assert not rules.chain_has_cycle(bases, 3, 1)
    assert not rules.chain_has_cycle(bases, 1, None)


def test_payment_allocation_pays_stages_in_order():
    stages = [(DAY, D("300"), D("300")), (DAY.replace(month=4), D("700"), D("100"))]
    shares, first_due = rules.payment_allocation(stages, D("250"))
    assert shares == [D("0"), D("250")]
    assert first_due == DAY.replace(month=4)
    assert rules.payment_allocation([(DAY, D("1"), D("1"))], D("1")) == ([D("0")], None)
