"""Background work of the loyalty domain (X7), run by `ladoga worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="17", hour="3"), name="loyalty.thresholds_recompute")
def thresholds_recompute_nightly() -> int:
    """Every night (03:17 UTC) set every accumulative card's percent again: purchases
    that age out of the rolling period lower it. Idempotent."""
    return services.card_thresholds_recompute()
