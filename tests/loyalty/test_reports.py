"""The card-holder analysis: a hand-computed dataset, and a plain-Python recomputation
over the raw rows of the demo data that must agree."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga.core.reports import REGISTRY, report_run
from ladoga.loyalty import services as loyalty
from ladoga.partners.models import Partner
from ladoga.partners.services import partner_create
from ladoga.sales import services
from ladoga.sales.services import LineIn
from tests.sales.conftest import counterparty_of

D = Decimal
REPORT = REGISTRY["loyalty-card-holders"]


def bought(partner, counterparty, agreement, products, quantity, on):
    order = services.order_create(
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        date=on,
        lines=[LineIn(product=products["P-1"], quantity=D(quantity))],
    )
    order = services.order_post(order=order)
    services.shipment_create(order=order, date=on)


@pytest.fixture
def dataset(partner, counterparty, agreement, products, fixed_kind, actors, other_partner):
    """Stroymontazh gets a card on 10 Feb and buys 4,750.00 on 15 Jan and 9,500.00 on
    20 Feb; Second client (no card) buys 1,900.00 on 5 Feb; the outsider's client buys
    too but is not the owner's to see."""
    loyalty.card_issue(kind=fixed_kind, partner=partner, issued_on=datetime.date(2026, 2, 10))
    second = partner_create(name="Second client", manager=actors["owner"])
    bought(partner, counterparty, agreement, products, "10", datetime.date(2026, 1, 15))
    bought(partner, counterparty, agreement, products, "20", datetime.date(2026, 2, 20))
    bought(second, counterparty_of(second, "OOO Second"), agreement, products, "4",
           datetime.date(2026, 2, 5))  # fmt: skip
    bought(other_partner, counterparty_of(other_partner, "OOO Far"), agreement, products, "8",
           datetime.date(2026, 2, 6))  # fmt: skip


def test_hand_computed_figures(dataset, owner):
    _form, result = report_run(
        REPORT, user=owner, data={"start": "2026-01-01", "end": "2026-02-28"}
    )
    table = REPORT.table(result)
    rows = [[row[c.key] for c in table.columns] for row in [*table.rows, *table.totals]]
    assert rows == [
        ["2026-01", "Card holders", 0, D("0"), 0, None, None],
        ["2026-01", "Other clients", 1, D("4750.00"), 1, D("4750.00"), D("1.00")],
        ["2026-02", "Card holders", 1, D("9500.00"), 1, D("9500.00"), D("1.00")],
        ["2026-02", "Other clients", 1, D("1900.00"), 1, D("1900.00"), D("1.00")],
        ["Total", "Card holders", 1, D("9500.00"), 1, D("9500.00"), D("1.00")],
        ["Total", "Other clients", 2, D("6650.00"), 2, D("3325.00"), D("1.00")],
    ]
    chart = REPORT.chart(result)
    assert chart["kind"] == "lines" and chart["labels"] == ["2026-01", "2026-02"]
    assert chart["series"][0]["values"] == [D("0.00"), D("9500.00")]


def test_admin_sees_every_client(dataset, admin_user):
    _form, result = report_run(
        REPORT, user=admin_user, data={"start": "2026-02-01", "end": "2026-02-28"}
    )
    assert result.totals["others"].ordered == D("1900.00") + D("3800.00")


def test_bad_period_is_a_filter_error(db, owner):
    from ladoga.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as error:
        report_run(REPORT, user=owner, data={"start": "2026-03-01", "end": "2026-02-01"})
    assert error.value.codes == ["report_filter_invalid"]


def recompute(user, start, end) -> dict:
    """The same figures in plain Python over the raw rows the user may see."""
    from ladoga.accounts import access
    from ladoga.loyalty.models import LoyaltyCard
    from ladoga.sales.models import CustomerOrder, Shipment

    partners = set(access.visible(Partner, user).values_list("pk", flat=True))
    first = {}
    for card in access.visible(LoyaltyCard, user):
        if card.issued_on <= end:
            first[card.partner_id] = min(first.get(card.partner_id, card.issued_on), card.issued_on)

    def group(partner_id, day):
        month_end = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        month_end -= datetime.timedelta(days=1)
        issued = first.get(partner_id)
        return "holders" if issued is not None and issued <= month_end else "others"

    figures = defaultdict(lambda: {"revenue": D("0"), "orders": 0, "ordered": D("0")})
    for s in Shipment.objects.all():
        if s.partner_id in partners and start <= s.date <= end:
            figures[group(s.partner_id, s.date)]["revenue"] += s.total
    for o in CustomerOrder.objects.filter(status="posted"):
        if o.partner_id in partners and start <= o.date <= end:
            key = group(o.partner_id, o.date)
            figures[key]["orders"] += 1
            figures[key]["ordered"] += o.total
    return dict(figures)


@pytest.mark.parametrize("actor", ["admin", "owner"])
def test_demo_data_agrees_with_a_plain_recomputation(db, actor, settings, tmp_path):
    settings.HOME = tmp_path
    from ladoga.accounts.models import User
    from ladoga.demo import demo_fill

    demo_fill(size=12, seed=3, progress=False)
    user = (
        User.objects.filter(role="admin").order_by("pk").first()
        if actor == "admin"
        else User.objects.filter(partners__isnull=False, role="manager").order_by("pk").first()
    )
    end = timezone.localdate()
    start = end - datetime.timedelta(days=364)
    _form, result = report_run(
        REPORT, user=user, data={"start": start.isoformat(), "end": end.isoformat()}
    )
    expected = recompute(user, start, end)
    assert sum(f["orders"] for f in expected.values()) > 0
    for group in ("holders", "others"):
        want = expected.get(group, {"revenue": D("0"), "orders": 0, "ordered": D("0")})
        got = result.totals[group]
        assert (got.revenue, got.orders, got.ordered) == (
            want["revenue"],
            want["orders"],
            want["ordered"],
        )
