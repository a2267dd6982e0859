"""Analytics figures round half-up through core.numbers (issue 17, point 2)."""

from decimal import Decimal

from ladoga.analytics.bcg import Bcg, BcgPoint, bcg_table
from ladoga.analytics.classification_rules import BcgQuadrant
from ladoga.analytics.classification_services import CLASS_FIELDS, _class_rows

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
    import datetime

    figures = {
        "abc": "A",
        "xyz": "X",
        "value": D("10.00"),
        "revenue": D("10.00"),
        "shipments": 1,
        "share": D("12.34565"),
        "cumulative_share": D("0.00005"),
        "cv": D("0.125"),
        "last_purchase": datetime.date(2026, 1, 1),
        "recency": 5,
        "frequency": 1,
        "monetary": 1,
        "rfm": "promising",
    }
    unmeasured = figures | {"cv": None}
    on = datetime.date(2026, 2, 1)

    rows = list(_class_rows({1: figures, 2: unmeasured}, {}, 7, on, []))

    stored = [dict(zip(CLASS_FIELDS, row, strict=True)) for row in rows]
    assert stored[0]["share"] == D("12.3457")
    assert stored[0]["cumulative_share"] == D("0.0001")
    assert stored[0]["cv"] == D("0.13")
    assert stored[1]["cv"] is None
