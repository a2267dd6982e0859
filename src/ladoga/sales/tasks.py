"""Background work of the sales domain (X7), run by `ladoga worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="41", hour="2"), name="sales.segments_recompute")
def segments_recompute_nightly() -> dict[str, int]:
    """Every night (02:41 UTC) recompute the members of every rule-based segment (S2).
    Idempotent: a second run finds nothing to change."""
    return services.segments_recompute()
