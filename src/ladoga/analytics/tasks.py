"""Background work of the analytics domain (X7), run by `ladoga worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .classification_services import classification_recompute


@db_periodic_task(crontab(minute="17", hour="2"), name="analytics.classification_recompute")
def classification_nightly() -> int:
    """Every night (02:17 UTC) classify the clients again (ABC/XYZ, RFM) and tell managers
    about good clients who have become at risk. Returns the number of clients classified."""
    return classification_recompute(scheduled=True).clients
