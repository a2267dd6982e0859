"""Background work of webhooks (X9), run by `ladoga worker` (or `ladoga serve`'s embedded
one). `delivery_send` is idempotent: the service claims the delivery row before sending,
so a duplicate task, a second worker or a second app server cannot send it twice."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task(name="webhooks.delivery_send")
def delivery_send(delivery_id: int) -> bool:
    return services.delivery_attempt(delivery_id=delivery_id) is not None


@db_periodic_task(crontab(minute="*"), name="webhooks.deliveries_due")
def deliveries_due() -> int:
    """Every minute: queue retries whose scheduled task was lost and deliveries whose
    worker died while sending."""
    return services.deliveries_due_send()
