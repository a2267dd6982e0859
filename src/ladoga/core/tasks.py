"""Background work of the shared kernel, run by `ladoga worker` (or `ladoga serve`'s embedded
worker with the SQLite queue)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"), name="core.scheduler_beat")
def scheduler_beat() -> None:
    """Every minute: a row saying the scheduler is alive (shown by /healthz). With several
    workers on Redis it runs once a minute, not once per worker (core.scheduling)."""
    services.scheduler_beat_record()
