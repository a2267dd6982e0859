"""Issue 17 S1: a reminder changed while its delivery waits for the row lock (here handed to
another user) is read again whole after the lock, not dropped or half-read."""

import pytest
from django.db.models import F

from ladoga.interactions.models import Notification, Reminder
from ladoga.interactions.services import reminders as reminders_module
from tests.locking import while_row_changed

from .conftest import later


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reminder_changed_while_waiting_for_its_lock_is_delivered_whole(make, actors):
    meeting = make("meeting", "Visit", start=later(hours=2), reminder_minutes=30)
    reminder = Reminder.objects.get(interaction=meeting)
    now = later(hours=2)

    created, error = while_row_changed(
        Reminder.objects.filter(pk=reminder.pk),
        {"user": actors["colleague"], "email_attempts": F("email_attempts") + 1},
        lambda: reminders_module._in_app(reminder.pk, now),
    )

    assert error is None and created == 1
    [note] = Notification.objects.filter(reminder=reminder)
    assert note.user == actors["colleague"] and "Visit" in note.title
    assert Reminder.objects.get(pk=reminder.pk).delivered_at == now
