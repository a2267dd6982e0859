"""Reminders (I5): scheduled with an event, delivered by the background worker.

Delivery is split into two idempotent steps whose state lives in the database, so a worker
that stops at any point and starts again neither loses a reminder nor repeats it:

1. in the app: one transaction locks the reminder, creates its Notification (one per
   reminder: a unique key) and stamps `delivered_at`;
2. by e-mail: a conditional UPDATE claims the reminder (pending → claimed). Only the worker
   whose UPDATE changed the row sends; it then marks it sent. A failed send puts the claim
   back (tried again on the next run, up to EMAIL_ATTEMPTS). A claim older than
   EMAIL_LEASE — its worker died mid-send — may be taken again; the message carries a
   Message-ID made from the reminder, so in that one case (the server accepted the mail
   but the worker died before recording it) mail programs see the repeat as the same
   message.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ladoga.core.locking import locked_rows

from ..models import Interaction, Notification, Reminder, ReminderEmail

logger = logging.getLogger("ladoga.interactions")

EMAIL_LEASE = datetime.timedelta(minutes=10)
EMAIL_ATTEMPTS = 5
BATCH = 500


def reminders_schedule(*, interaction: Interaction, minutes: int | None, keep: bool = False):
    """(Re)plan the reminders of an event `minutes` before its start, for its responsible
    user and every participant who is a user. Reminders already delivered stay as they
    were; `keep` re-plans with the minutes of the pending ones (after a move or a hand-over).
    Call inside the transaction that changed the interaction."""
    pending = interaction.reminders.filter(delivered_at__isnull=True)
    if keep:
        minutes = pending.values_list("minutes_before", flat=True).first()
    pending.delete()
    if minutes is None or interaction.start is None:
        return []
    remind_at = interaction.start - datetime.timedelta(minutes=minutes)
    if interaction.start <= timezone.now():
        return []
    user_ids = {interaction.responsible_id}
    user_ids |= set(
        interaction.participants.filter(user__is_active=True).values_list("user_id", flat=True)
    )
    return Reminder.objects.bulk_create(
        [
            Reminder(
                interaction=interaction,
                user_id=user_id,
                minutes_before=minutes,
                remind_at=remind_at,
            )
            for user_id in sorted(user_ids)
        ]
    )


def reminders_due(*, now: datetime.datetime | None = None, limit: int = BATCH) -> list[int]:
    """Ids of reminders whose time has come and whose delivery is not finished (indexed)."""
    now = now or timezone.now()
    return list(
        Reminder.objects.filter(done=False, remind_at__lte=now)
        .order_by("remind_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def reminders_deliver(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Deliver every due reminder in the app and by e-mail; safe to run at any time, any
    number of times, by several workers. Returns how many of each were delivered."""
    now = now or timezone.now()
    counts = {"in_app": 0, "email": 0}
    for pk in reminders_due(now=now):
        counts["in_app"] += _in_app(pk, now)
        counts["email"] += _email(pk)
        _finish(pk)
    return counts


def _describe(reminder: Reminder) -> tuple[str, str]:
    interaction = reminder.interaction
    with (
        translation.override(reminder.user.language or settings.LANGUAGE_CODE),
        timezone.override(reminder.user.time_zone or settings.TIME_ZONE),
    ):
        start = timezone.localtime(interaction.start)
        title = _("Reminder: %(title)s") % {"title": interaction.title}
        text = _("%(kind)s at %(time)s") % {
            "kind": interaction.get_kind_display(),
            "time": start.strftime("%Y-%m-%d %H:%M"),
        }
        if interaction.place:
            text += ", " + interaction.place
    return title, text


def _in_app(pk: int, now) -> int:
    with transaction.atomic():
        reminder = locked_rows(
            Reminder.objects.select_related("interaction", "user").filter(
                pk=pk, delivered_at__isnull=True
            )
        ).first()
        if reminder is None:
            return 0
        title, text = _describe(reminder)
        _notification, created = Notification.objects.get_or_create(
            reminder=reminder,
            defaults={
                "user": reminder.user,
                "title": title[:255],
                "text": text,
                "url": reverse("interactions:detail", args=[reminder.interaction_id]),
            },
        )
        reminder.delivered_at = now
        reminder.save(update_fields=["delivered_at"])
        return int(created)


def _email(pk: int) -> int:
    now = timezone.now()
    claimable = Q(email_state=ReminderEmail.PENDING) | Q(
        email_state=ReminderEmail.CLAIMED, email_claimed_at__lt=now - EMAIL_LEASE
    )
    with transaction.atomic():
        claimed = Reminder.objects.filter(claimable, pk=pk).update(
            email_state=ReminderEmail.CLAIMED,
            email_claimed_at=now,
            email_attempts=F("email_attempts") + 1,
        )
    if not claimed:
        return 0
    reminder = Reminder.objects.select_related("interaction", "user").get(pk=pk)
    if not reminder.user.email:
        Reminder.objects.filter(pk=pk).update(email_state=ReminderEmail.SKIPPED)
        return 0
    title, text = _describe(reminder)
    message = EmailMessage(
        subject=title,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.user.email],
        headers={"Message-ID": f"<reminder-{reminder.pk}-{reminder.remind_at:%Y%m%d%H%M}@ladoga>"},
        connection=get_connection(fail_silently=False),
    )
    try:
        message.send()
    except Exception as error:  # any SMTP or socket failure: try again next run
        logger.warning("reminder %s: e-mail failed: %s", pk, error)
        Reminder.objects.filter(pk=pk, email_state=ReminderEmail.CLAIMED).update(
            email_state=(
                ReminderEmail.FAILED
                if reminder.email_attempts >= EMAIL_ATTEMPTS
                else ReminderEmail.PENDING
            ),
            email_claimed_at=None,
            email_error=str(error)[:2000],
        )
        return 0
    Reminder.objects.filter(pk=pk).update(
        email_state=ReminderEmail.SENT, emailed_at=timezone.now(), email_error=""
    )
    return 1


def _finish(pk: int) -> None:
    Reminder.objects.filter(
        pk=pk,
        delivered_at__isnull=False,
        email_state__in=[ReminderEmail.SENT, ReminderEmail.SKIPPED, ReminderEmail.FAILED],
    ).update(done=True)


def notification_send(*, user, title: str, text: str = "", url: str = "") -> Notification:
    """A message for `user` in the app (the bell and the notifications page); the title
    and text are cut to what the model holds."""
    return Notification.objects.create(user=user, title=title[:255], text=text[:1000], url=url)


@transaction.atomic
def notification_read(*, notification: Notification, by) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_read_all(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
