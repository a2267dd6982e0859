"""The funnel never grows from one stage to the next (issue 17, point 1).

On a manual kind a deal may be opened at a later stage or skip one; it has still passed
every earlier open stage of its kind's order, so the funnel counts it there — reached,
amounts and conversion — once per deal. The running totals kept by the deal commands and
a rebuild from the facts agree, and a plain-Python count over the moves agrees with both.
"""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ladoga.deals import funnel, reports, services
from ladoga.deals.models import Deal, FunnelCell, StageReach
from ladoga.deals.services import StageSpec

D = Decimal
MARCH = {"date_from": datetime.date(2026, 3, 1), "date_to": datetime.date(2026, 3, 31)}


@pytest.fixture
def hand(actors):
    """A manual kind: lead → talk → offer → won / lost."""
    return services.deal_kind_create(
        name="Hand",
        process_type="manual",
        stages=[
            StageSpec("lead", "Lead", default_probability=10),
            StageSpec("talk", "Talk", default_probability=30),
            StageSpec("offer", "Offer", default_probability=60),
            StageSpec("won", "Won", outcome="won", default_probability=100),
            StageSpec("lost", "Lost", outcome="lost", default_probability=0),
        ],
        by=actors["admin"],
    )


@pytest.fixture
def stages(hand):
    return {s.code: s for s in hand.stages.all()}


def open_deal(hand, partner, owner, *, stage, amount="100", day=5):
    return services.deal_create(
        name="Deal",
        partner=partner,
        kind=hand,
        by=owner,
        stage=stage,
        amount=D(amount),
        opened_on=datetime.date(2026, 3, day),
    )


def counts(hand, admin):
    result = reports.funnel(user=admin, kind=hand, **MARCH)
    return {r.code: (r.reached, r.reached_amount, r.conversion) for r in result.rows}


def test_a_deal_opened_at_a_later_stage_counts_at_every_earlier_stage(
    hand, stages, partner, owner, actors
):
    open_deal(hand, partner, owner, stage=stages["offer"], amount="300")
    open_deal(hand, partner, owner, stage=stages["lead"], amount="100")
    assert counts(hand, actors["admin"]) == {
        "lead": (2, D("400"), D("50.0")),
        "talk": (1, D("300"), D("100.0")),
        "offer": (1, D("300"), D("0.0")),
        "won": (0, D("0"), None),
    }
    # the literal fact stays literal (D9 reads "from the current stage")
    assert StageReach.objects.filter(deal__kind=hand).count() == 2


def test_a_deal_that_skipped_a_stage_counts_at_the_skipped_stage(
    hand, stages, partner, owner, actors
):
    deal = open_deal(hand, partner, owner, stage=stages["lead"], amount="250")
    services.deal_move(deal=deal, stage=stages["offer"], by=owner)
    other = open_deal(hand, partner, owner, stage=stages["lead"], amount="50")
    services.deal_move(deal=other, stage=stages["talk"], by=owner)
    assert counts(hand, actors["admin"]) == {
        "lead": (2, D("300"), D("100.0")),
        "talk": (2, D("300"), D("50.0")),
        "offer": (1, D("250"), D("0.0")),
        "won": (0, D("0"), None),
    }


def test_a_deal_won_straight_from_the_first_stage_passed_every_open_stage(
    hand, stages, partner, owner, actors
):
    deal = open_deal(hand, partner, owner, stage=stages["lead"])
    services.deal_win(deal=deal, by=owner)
    open_deal(hand, partner, owner, stage=stages["lead"])
    assert counts(hand, actors["admin"]) == {
        "lead": (2, D("200"), D("50.0")),
        "talk": (1, D("100"), D("100.0")),
        "offer": (1, D("100"), D("100.0")),
        "won": (1, D("100"), None),
    }


def test_losing_passes_no_stage(hand, stages, partner, owner, actors, reasons):
    deal = open_deal(hand, partner, owner, stage=stages["lead"])
    services.deal_lose(deal=deal, reason=reasons[0], by=owner)
    result = reports.funnel(user=actors["admin"], kind=hand, **MARCH)
    assert [(r.code, r.reached, r.lost) for r in result.rows] == [
        ("lead", 1, 1),
        ("talk", 0, 0),
        ("offer", 0, 0),
        ("won", 0, 0),
    ]


def test_the_measured_case_no_conversion_above_100(hand, stages, partner, owner, actors):
    """Lead 48, presentation 85 was "177 %": deals opened past the lead now count there."""
    for _ in range(3):
        open_deal(hand, partner, owner, stage=stages["lead"])
    for _ in range(5):
        open_deal(hand, partner, owner, stage=stages["talk"])
    result = reports.funnel(user=actors["admin"], kind=hand, **MARCH)
    lead = result.rows[0]
    assert (lead.reached, lead.conversion) == (8, D("62.5"))


def test_the_report_caps_conversion_even_over_stale_cells(hand, stages, partner, owner, actors):
    """Cells written under the old literal rule (before the data migration) never show a
    share above 100 %."""
    open_deal(hand, partner, owner, stage=stages["lead"])
    open_deal(hand, partner, owner, stage=stages["talk"])
    open_deal(hand, partner, owner, stage=stages["talk"])
    # the literal count the old cells held at the first stage
    FunnelCell.objects.filter(stage=stages["lead"], measure="reached").update(deals=1)
    result = reports.funnel(user=actors["admin"], kind=hand, **MARCH)
    assert (result.rows[0].reached, result.rows[0].conversion) == (1, D("100.0"))


def expected(hand) -> dict[str, tuple[int, Decimal]]:
    """Plain Python over the raw facts: the deepest non-lost stage a deal reached, and
    every open stage up to it."""
    order = list(hand.stages.order_by("position", "id"))
    out = {s.code: [0, D("0")] for s in order if s.outcome != "lost"}
    for deal in Deal.objects.filter(kind=hand):
        reached = {r.stage_id for r in StageReach.objects.filter(deal=deal)}
        depth = max(
            (i for i, s in enumerate(order) if s.pk in reached and s.outcome != "lost"),
            default=-1,
        )
        for i, s in enumerate(order):
            if s.outcome == "lost":
                continue
            if s.pk in reached or (s.outcome == "open" and i <= depth):
                out[s.code][0] += 1
                out[s.code][1] += deal.amount or 0
    return {code: (n, amount) for code, (n, amount) in out.items()}


steps = st.lists(
    st.tuples(
        st.sampled_from(["lead", "talk", "offer", "win", "lose", "reopen", "amount"]),
        st.integers(min_value=0, max_value=2),
    ),
    max_size=12,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(starts=st.lists(st.sampled_from(["lead", "talk", "offer"]), min_size=1, max_size=3),
       moves=steps)  # fmt: skip
def test_the_funnel_never_grows_over_random_moves(
    hand, stages, partner, owner, actors, reasons, starts, moves
):
    Deal.objects.filter(kind=hand).delete()
    FunnelCell.objects.filter(kind=hand).delete()
    head = actors["head"]
    deals = [open_deal(hand, partner, owner, stage=stages[code]) for code in starts]
    for action, which in moves:
        deal = Deal.objects.get(pk=deals[which % len(deals)].pk)
        closed = deal.status != "in_progress"
        if action == "reopen":
            if closed:
                services.deal_reopen(deal=deal, by=head)
        elif closed:
            continue
        elif action == "win":
            services.deal_win(deal=deal, by=owner)
        elif action == "lose":
            services.deal_lose(deal=deal, reason=reasons[0], by=owner)
        elif action == "amount":
            services.deal_update(
                deal=deal, expected_version=None, by=owner, amount=deal.amount + D("0.05")
            )
        elif deal.stage_id != stages[action].pk:
            services.deal_move(deal=deal, stage=stages[action], by=owner)

    result = reports.funnel(user=actors["admin"], kind=hand, **MARCH)
    shown = {r.code: (r.reached, r.reached_amount) for r in result.rows}
    assert shown == expected(hand)
    for upper, lower in zip(result.rows, result.rows[1:], strict=False):
        assert lower.reached <= upper.reached
        assert lower.reached_amount <= upper.reached_amount
        assert upper.conversion is None or upper.conversion <= 100

    def cells():
        return sorted(
            FunnelCell.objects.filter(kind=hand).exclude(deals=0).values_list(
                "stage_id", "day", "manager_id", "currency", "measure", "reason_id",
                "deals", "amount",
            )
        )  # fmt: skip

    incremental = cells()
    funnel.rebuild(kind_ids=[hand.pk])
    assert cells() == incremental
