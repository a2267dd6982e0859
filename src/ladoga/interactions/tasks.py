"""Background work of the interactions domain (X7), run by `ladoga worker`.

Every minute the scheduler delivers due reminders. The delivery state is in the database
(services/reminders.py), so running it twice, or after a restart, delivers nothing twice.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"), name="interactions.reminders_deliver")
def reminders_deliver_every_minute() -> dict:
    return services.reminders_deliver()
