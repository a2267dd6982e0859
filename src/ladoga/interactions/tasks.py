"""Background work of the interactions domain (X7), run by `ladoga worker`.

Every minute the scheduler delivers due reminders. The delivery state is in the database
(services/reminders.py), so running it twice, or after a restart, delivers nothing twice.
Every five minutes it fetches the mail of every active IMAP account; "fetch now" queues one
account. A message is registered once whatever runs twice (services/mailboxes.py).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_periodic_task(crontab(minute="*"), name="interactions.reminders_deliver")
def reminders_deliver_every_minute() -> dict:
    return services.reminders_deliver()


@db_periodic_task(crontab(minute="*/5"), name="interactions.mail_fetch_all")
def mail_fetch_every_five_minutes() -> dict:
    return services.mail_accounts_fetch_all()


@db_task(name="interactions.mail_account_fetch")
def mail_account_fetch(account_id: int) -> int:
    from .models import MailAccount

    account = MailAccount.objects.filter(pk=account_id, is_active=True).first()
    if account is None:
        return 0
    return services.mail_account_fetch(account=account).imported
