"""Sales figures round half-up through core.numbers (issue 17, point 2): the rules'
money_round, the printed forms' amounts, the payment discipline."""

from decimal import Decimal

from django.utils import translation

from ladoga.sales import rules
from ladoga.sales.pdf import _money
from ladoga.sales.queries import _discipline

D = Decimal


def test_money_round_is_the_shared_half_up_rule():
    assert rules.money_round(D("0.125")) == D("0.13")
    assert rules.money_round(D("-0.125")) == D("-0.13")
    # a float is read as written, not as its binary value (1.00499…)
    assert rules.money_round(1.005) == D("1.01")


def test_a_printed_amount_has_two_decimals_rounded_half_up():
    with translation.override("en"):
        assert _money(D("10.005")) == "10.01"
        assert _money(D("7")) == "7.00"
        assert _money(None) == "0.00"


def test_the_payment_discipline_rounds_half_up():
    figures = _discipline(32, 31, D("2.125"))
    assert figures.on_time_share == D("0.0313")  # 1 of 32 = 0.03125
    assert figures.average_days_late == D("2.13")
