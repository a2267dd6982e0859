"""Issue 17 #2: money in API answers has exactly two decimals on both databases, whatever
the database's sum looks like (SQLite gave "9821.14000000000")."""

from decimal import Decimal

from ninja import Schema


def test_money_is_two_decimals_rounded_half_up():
    from ladoga.core.api import Money

    class _Amount(Schema):
        amount: Money
        maybe: Money | None = None

    value = _Amount(amount=Decimal("9821.14000000000"), maybe=Decimal("0.125"))
    assert value.model_dump(mode="json") == {"amount": "9821.14", "maybe": "0.13"}
    assert _Amount(amount=Decimal("5")).model_dump()["amount"] == Decimal("5.00")


def test_a_sum_in_an_api_answer_has_two_decimals(api_as, deal_factory):
    deal_factory(amount=Decimal("9000.00"))
    deal_factory(amount=Decimal("821.14"))

    efficiency = api_as("owner").get("/api/v1/reports/deal-efficiency?group_by=kind").json()

    assert efficiency["total"]["in_progress_amount"] == "9821.14"
    deals = api_as("owner").get("/api/v1/deals").json()["items"]
    assert sorted(d["amount"] for d in deals) == ["821.14", "9000.00"]


def test_deal_report_percentages_round_half_up_like_every_figure():
    """Issue 17 #2: 1 of 16 is 6.25 %, shown 6.3 (half-up, core.numbers), not 6.2."""
    from ladoga.claims.reports import _share
    from ladoga.deals.reports import _percent

    assert _percent(1, 16) == Decimal("6.3")
    assert _percent(3, 8) == Decimal("37.5")
    assert _percent(1, 0) is None
    assert _share(1, 16) == _percent(1, 16)
