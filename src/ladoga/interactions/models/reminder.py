"""Reminders (I5), the in-app notifications they become, and private calendar feeds."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .interaction import Interaction


class ReminderEmail(models.TextChoices):
    """Where a reminder's e-mail stands. The state lives in the database, so a worker that
    restarts neither forgets a reminder nor sends it twice (see services/reminders.py)."""

    PENDING = "pending", _("To send")
    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent: no e-mail address")
    FAILED = "failed", _("Failed")


class Reminder(models.Model):
    """Remind `user` of an event `minutes_before` it starts, in the app and by e-mail."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    minutes_before = models.PositiveIntegerField(_("minutes before"))
    remind_at = models.DateTimeField(_("remind at"))
    delivered_at = models.DateTimeField(_("shown in the app"), null=True, blank=True)
    email_state = models.CharField(
        max_length=16, choices=ReminderEmail.choices, default=ReminderEmail.PENDING
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.TextField(blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["remind_at", "id"]
        indexes = [
            # the scheduler's one query: due reminders not yet finished
            models.Index(fields=["remind_at"], condition=Q(done=False), name="reminder_due"),
        ]

    def __str__(self) -> str:
        return f"{self.interaction} − {self.minutes_before} min"


class Notification(models.Model):
    """A message for one user in the app; a reminder becomes at most one notification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    reminder = models.OneToOneField(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["user", "created_at"], name="notification_user_created"),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(models.Model):
    """A private calendar feed URL of one user (I5). Only the SHA-256 of its token is kept:
    the address is shown once, when made; revoking it stops every subscribed program."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
