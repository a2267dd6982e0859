"""Analytics figures round half-up through core.numbers (issue 17, point 2)."""

from decimal import Decimal

from ladoga.analytics.bcg import Bcg, BcgPoint, bcg_table
from ladoga.analytics.classification_rules import BcgQuadrant
from ladoga.analytics.classification_services import _q

D = Decimal


def test_the_relative_share_rounds_half_up():
    point = BcgPoint(
        key=1,
        name="Romashka",
        revenue=D("100"),
        previous=D("50"),
        growth=D("100"),
        relative_share=D("0.0125"),
        quadrant=BcgQuadrant.STARS,
        url="",
    )
    table = bcg_table(Bcg("clients", D("10"), D("1"), [point]))
    assert table.rows[0]["relative_share"] == D("0.013")


def test_the_classification_figures_round_half_up():
    assert _q(D("0.125"), D("0.01")) == D("0.13")
    assert _q(D("12.34565"), D("0.0001")) == D("12.3457")
    assert _q(D("2.5"), D("1")) == D("3")
    assert _q(None, D("0.01")) is None
