"""Background work of the accounts domain (X7), run by `ladoga worker`.

`ladoga worker` (huey's consumer) imports every installed app's `tasks` module, so the
schedule below is known to it without further wiring. Tasks are idempotent: the scheduler
may run one twice after a restart, and nothing goes wrong.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="17", hour="3"))
def login_failures_prune_daily() -> int:
    """Every night (03:17 UTC) drop failed sign-ins older than the throttling window."""
    return services.login_failures_prune()


@db_periodic_task(crontab(minute="41"))
def idempotent_requests_prune_hourly() -> int:
    """Every hour drop the answers kept for Idempotency-Key retries once they are 24 h old."""
    return services.idempotent_requests_prune()
