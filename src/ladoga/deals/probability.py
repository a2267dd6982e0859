"""Win probability (D9): estimated from finished deals of the same kind.

For a deal in progress at stage *s* of kind *k*, take the finished (won or lost) deals of
*k* that reached *s* — *n* of them, *w* won. The estimate is the mean of a Beta posterior
whose prior is the stage's default probability *p₀* carrying the weight of *K* deals:

    p = (w + K·p₀) / (n + K)

With no history p = p₀; with n ≫ K it tends to the observed share w/n; in between it is
pulled toward the default as much as the sample is small. K is
`settings.DEALS_PROBABILITY_PRIOR_WEIGHT` (10 by default: ten finished deals weigh as
much as the default). A non-process kind has one estimate for the whole kind, with its
own default as the prior. The won stage is 100 %, the lost one 0 %.

`probabilities_recompute(kind)` runs after deals close (a huey task, see tasks.py), in two
aggregate queries and one UPDATE per stage; deals are not touched, because a deal's
computed probability is read through its stage. A manual override on a deal stays until
it is cleared. `calibration()` measures the estimate by its Brier score on held-out deals
(`ladoga manage deals_calibration`).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q

from ladoga.core import numbers

from .models import CLOSED_STATUSES, Deal, DealKind, DealStatus, Stage, StageOutcome, StageReach

DEFAULT_PRIOR_WEIGHT = 10


def prior_weight() -> float:
    return float(getattr(settings, "DEALS_PROBABILITY_PRIOR_WEIGHT", DEFAULT_PRIOR_WEIGHT))


def smoothed(won: int, finished: int, default_percent, weight: float | None = None) -> float:
    """(w + K·p₀) / (n + K) as a share 0..1 (pure; see the module docstring)."""
    k = prior_weight() if weight is None else weight
    p0 = float(default_percent) / 100
    if finished + k <= 0:
        return p0
    return (won + k * p0) / (finished + k)


def as_percent(share: float) -> Decimal:
    return numbers.half_up(Decimal(str(share * 100)), 2)


def stage_samples(kind_id: int, deal_ids=None) -> dict[int, tuple[int, int]]:
    """Per stage of the kind: (finished deals that reached it, of them won). One query."""
    reach = StageReach.objects.filter(stage__kind_id=kind_id, deal__status__in=CLOSED_STATUSES)
    if deal_ids is not None:
        reach = reach.filter(deal_id__in=deal_ids)
    rows = reach.values("stage_id").annotate(
        n=Count("deal_id"), w=Count("deal_id", filter=Q(deal__status=DealStatus.WON))
    )
    return {row["stage_id"]: (row["n"], row["w"]) for row in rows}


def probabilities_recompute(*, kind: DealKind) -> dict[int, Decimal]:
    """Recompute the estimates of `kind`'s stages (and of the kind) from its finished
    deals. Idempotent: running it twice changes nothing the second time."""
    samples = stage_samples(kind.pk)
    estimates = {}
    for stage in Stage.objects.filter(kind=kind, outcome=StageOutcome.OPEN):
        n, w = samples.get(stage.pk, (0, 0))
        estimate = as_percent(smoothed(w, n, stage.default_probability))
        estimates[stage.pk] = estimate
        # Derived figures, not an edit: no version bump, so no one's If-Match goes stale.
        Stage.objects.filter(pk=stage.pk).update(
            estimated_probability=estimate, sample_size=n, sample_won=w
        )
    totals = Deal.objects.filter(kind=kind, status__in=CLOSED_STATUSES).aggregate(
        n=Count("id"), w=Count("id", filter=Q(status=DealStatus.WON))
    )
    DealKind.objects.filter(pk=kind.pk).update(
        estimated_probability=as_percent(
            smoothed(totals["w"], totals["n"], kind.default_probability)
        ),
        sample_size=totals["n"],
        sample_won=totals["w"],
    )
    return estimates


@dataclass(frozen=True)
class Calibration:
    kinds: int
    training_deals: int
    held_out_deals: int
    predictions: int
    brier: float | None
    brier_defaults: float | None
    brier_base_rate: float | None
    weight: float


def calibration(*, holdout_every: int = 5, weight: float | None = None) -> Calibration:
    """The Brier score of the estimate on held-out finished deals.

    Every `holdout_every`-th finished deal in id order is held out; the estimates are
    computed from the others. Each held-out deal gives one prediction per open stage
    it reached (the probability the system showed there) against its outcome (won = 1).
    Beside it: the same score of the stage defaults alone, and of the training set's win
    rate — an estimate worth having beats both. Lower is better; 0.25 is a coin toss."""
    k = prior_weight() if weight is None else weight
    finished = Deal.objects.filter(
        status__in=CLOSED_STATUSES, kind__process_type__in=["strict", "manual"]
    )
    outcome = dict(finished.values_list("id", "status"))
    # every n-th finished deal in id order, not ids divisible by n: the split must not move
    # with where the id sequence happens to stand
    held = set(sorted(outcome)[holdout_every - 1 :: holdout_every])
    training = set(outcome) - held
    reach = StageReach.objects.filter(
        deal_id__in=finished.values("id"), stage__outcome=StageOutcome.OPEN
    ).values_list("deal_id", "stage_id", "stage__default_probability", "stage__kind_id")
    train_n: dict[int, int] = defaultdict(int)
    train_w: dict[int, int] = defaultdict(int)
    tests = []
    kinds = set()
    for deal_id, stage_id, default, kind_id in reach.iterator(chunk_size=5000):
        kinds.add(kind_id)
        won = outcome[deal_id] == DealStatus.WON
        if deal_id in training:
            train_n[stage_id] += 1
            train_w[stage_id] += won
        else:
            tests.append((stage_id, default, won))
    if not tests:
        return Calibration(len(kinds), len(training), len(held), 0, None, None, None, k)
    base = (
        sum(1 for pk in training if outcome[pk] == DealStatus.WON) / len(training)
        if training
        else 0.5
    )
    squared = squared_defaults = squared_base = 0.0
    for stage_id, default, won in tests:
        y = 1.0 if won else 0.0
        p = smoothed(train_w[stage_id], train_n[stage_id], default, k)
        squared += (p - y) ** 2
        squared_defaults += (default / 100 - y) ** 2
        squared_base += (base - y) ** 2
    count = len(tests)
    return Calibration(
        kinds=len(kinds),
        training_deals=len(training),
        held_out_deals=len(held),
        predictions=count,
        brier=squared / count,
        brier_defaults=squared_defaults / count,
        brier_base_rate=squared_base / count,
        weight=k,
    )
