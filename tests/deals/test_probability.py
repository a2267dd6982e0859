"""Win probability (D9): the Beta-smoothed share of won deals among the finished deals of the
kind that reached the stage, recomputed when deals close; the override stays."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from ladoga.deals import probability, services
from ladoga.deals.models import Deal

from .conftest import stage


def test_the_formula_pulls_a_small_sample_toward_the_default():
    assert probability.smoothed(0, 0, 40, weight=10) == pytest.approx(0.40)
    assert probability.smoothed(3, 4, 40, weight=0) == pytest.approx(0.75)
    # (w + K·p0) / (n + K) = (3 + 10·0.4) / (4 + 10)
    assert probability.smoothed(3, 4, 40, weight=10) == pytest.approx(7 / 14)
    # a large sample speaks for itself
    assert probability.smoothed(900, 1000, 40, weight=10) == pytest.approx(904 / 1010)


@pytest.fixture
def history(deal_factory, manual, owner, reasons, settings):
    """Four finished deals of the manual kind (K = 2):
    A lead→presentation→won, B lead→presentation→lost, C lead→won, D lead→lost."""
    settings.DEALS_PROBABILITY_PRIOR_WEIGHT = 2
    lead, presentation = stage(manual, "lead"), stage(manual, "presentation")

    def make(path, outcome):
        deal = deal_factory(kind=manual, stage=lead)
        for code in path:
            deal = services.deal_move(deal=deal, stage=stage(manual, code), by=owner)
        if outcome == "won":
            return services.deal_win(deal=deal, by=owner)
        return services.deal_lose(deal=deal, reason=reasons[0], by=owner)

    return {
        "A": make(["presentation"], "won"),
        "B": make(["presentation"], "lost"),
        "C": make([], "won"),
        "D": make([], "lost"),
        "lead": lead,
        "presentation": presentation,
    }


def test_recompute_gives_the_hand_computed_estimates(history, manual):
    probability.probabilities_recompute(kind=manual)

    lead, presentation, pilot = (stage(manual, c) for c in ("lead", "presentation", "pilot"))
    # lead: n=4, w=2, p0=5 %: (2 + 2·0.05) / (4 + 2) = 0.35
    assert (lead.estimated_probability, lead.sample_size, lead.sample_won) == (
        Decimal("35.00"),
        4,
        2,
    )
    # presentation: n=2, w=1, p0=15 %: (1 + 0.3) / 4 = 0.325
    assert presentation.estimated_probability == Decimal("32.50")
    # pilot: nobody finished through it: the default
    assert pilot.estimated_probability == Decimal("35.00") == Decimal(pilot.default_probability)
    manual.refresh_from_db()
    # the kind: n=4, w=2, p0=15 %: (2 + 0.3) / 6
    assert manual.estimated_probability == Decimal("38.33")


def test_closing_a_deal_recomputes_in_the_background_and_the_override_stays(
    deal_factory, manual, owner, history, django_capture_on_commit_callbacks
):
    open_deal = deal_factory(kind=manual, stage=stage(manual, "presentation"))
    overridden = deal_factory(
        kind=manual, stage=stage(manual, "presentation"), probability_override=90
    )
    fifth = deal_factory(kind=manual, stage=stage(manual, "presentation"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.deal_win(deal=fifth, by=owner)

    assert len(callbacks) == 2  # the recomputation, and the deal.won announcement (X9)
    open_deal = Deal.objects.select_related("stage", "kind").get(pk=open_deal.pk)
    # presentation now n=3, w=2: (2 + 0.3) / 5 = 0.46
    assert open_deal.probability == Decimal("46.00")
    assert not open_deal.probability_is_override
    overridden = Deal.objects.select_related("stage", "kind").get(pk=overridden.pk)
    assert (overridden.probability, overridden.probability_computed) == (90, Decimal("46.00"))


def test_calibration_scores_held_out_deals(history):
    result = probability.calibration(holdout_every=2, weight=2)

    assert result.training_deals + result.held_out_deals == 4
    assert result.predictions > 0
    assert 0 <= result.brier <= 1
    assert result.brier_defaults is not None and result.brier_base_rate is not None


def test_the_calibration_command_prints_a_brier_score(history):
    out = io.StringIO()
    call_command("deals_calibration", "--holdout-every", "2", stdout=out)
    text = out.getvalue()
    assert "Brier" in text
    assert "held-out" in text
