"""Background work of the deals domain (X7), run by `ladoga worker`.

When a deal closes or reopens, `probability_recompute` refreshes its kind's estimates
(D9); the nightly run catches anything missed (a worker that was down). Idempotent: the
estimate depends only on the finished deals."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import probability
from .models import DealKind


@db_task(name="deals.probability_recompute")
def probability_recompute(kind_id: int) -> int:
    kind = DealKind.objects.filter(pk=kind_id).first()
    if kind is None:
        return 0
    return len(probability.probabilities_recompute(kind=kind))


@db_periodic_task(crontab(minute="23", hour="3"), name="deals.probability_recompute_all")
def probability_recompute_nightly() -> int:
    """Every night (03:23 UTC) recompute every kind's estimates."""
    for kind in DealKind.objects.all():
        probability.probabilities_recompute(kind=kind)
    return DealKind.objects.count()
