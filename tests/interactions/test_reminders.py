"""Reminders (I5): delivered in the app and by e-mail by the worker exactly once, even when
it runs twice or dies half-way; calendar export validated with the icalendar parser."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from ladoga.interactions import ical
from ladoga.interactions.models import Notification, Reminder, ReminderEmail
from ladoga.interactions.services import (
    calendar_feed_create,
    calendar_feed_revoke,
    calendar_feed_user,
    reminders_deliver,
    reminders_due,
    task_create,
)
from ladoga.interactions.services import reminders as reminders_module
from ladoga.interactions.tasks import reminders_deliver_every_minute

from .conftest import later


@pytest.fixture
def meeting(make, owner):
    owner.email = "owner@ladoga.example"
    owner.save()
    return make(
        "meeting", "Visit to Ромашка", start=later(hours=2), reminder_minutes=30, place="Office"
    )


def at_reminder_time(meeting):
    return meeting.start - datetime.timedelta(minutes=29)


def test_nothing_is_due_before_its_time(meeting):
    assert reminders_due(now=meeting.start - datetime.timedelta(minutes=31)) == []
    assert reminders_deliver(now=meeting.start - datetime.timedelta(minutes=31)) == {
        "in_app": 0,
        "email": 0,
    }


def test_a_due_reminder_is_delivered_in_the_app_and_by_email_once(meeting, owner):
    now = at_reminder_time(meeting)

    first = reminders_deliver(now=now)
    second = reminders_deliver(now=now)  # the scheduler runs again (or a second worker)

    assert first == {"in_app": 1, "email": 1}
    assert second == {"in_app": 0, "email": 0}
    [note] = Notification.objects.filter(user=owner)
    assert "Visit to Ромашка" in note.title and note.read_at is None
    assert note.url == f"/interactions/{meeting.pk}/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@ladoga.example"]
    reminder = Reminder.objects.get()
    assert reminder.done and reminder.email_state == ReminderEmail.SENT


def test_a_worker_that_dies_after_the_in_app_step_does_not_repeat_it(meeting, monkeypatch):
    now = at_reminder_time(meeting)

    def crash(pk):
        raise SystemExit("worker killed")

    monkeypatch.setattr(reminders_module, "_email", crash)
    with pytest.raises(SystemExit):
        reminders_deliver(now=now)
    monkeypatch.undo()

    assert Notification.objects.count() == 1 and mail.outbox == []
    reminders_deliver(now=now)  # the restarted worker

    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().done


def test_a_claimed_email_is_not_sent_again_while_its_claim_is_fresh(meeting):
    """A worker died mid-send: its claim stands for EMAIL_LEASE, so a restart within it
    does not send a second copy."""
    now = at_reminder_time(meeting)
    Reminder.objects.update(email_state=ReminderEmail.CLAIMED, email_claimed_at=timezone.now())

    reminders_deliver(now=now)
    assert mail.outbox == []

    Reminder.objects.update(
        email_claimed_at=timezone.now() - reminders_module.EMAIL_LEASE - datetime.timedelta(1)
    )
    reminders_deliver(now=now)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<reminder-")


def test_a_failed_email_is_tried_again_later(meeting, monkeypatch):
    now = at_reminder_time(meeting)

    class Down:
        def send_messages(self, messages):
            raise ConnectionRefusedError("refused")

    monkeypatch.setattr(reminders_module, "get_connection", lambda **kwargs: Down())
    reminders_deliver(now=now)
    reminder = Reminder.objects.get()
    assert reminder.email_state == ReminderEmail.PENDING and "refused" in reminder.email_error
    assert not reminder.done and Notification.objects.count() == 1

    monkeypatch.undo()
    reminders_deliver(now=now)
    assert Reminder.objects.get().email_state == ReminderEmail.SENT
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


def test_a_user_without_an_address_gets_only_the_in_app_reminder(make, owner):
    make("meeting", "Visit", start=later(hours=1), reminder_minutes=15)
    reminders_deliver(now=later(hours=1))
    reminder = Reminder.objects.get()
    assert reminder.done and reminder.email_state == ReminderEmail.SKIPPED
    assert mail.outbox == [] and Notification.objects.count() == 1


def test_the_periodic_task_delivers(meeting, monkeypatch):
    monkeypatch.setattr(reminders_module.timezone, "now", lambda: at_reminder_time(meeting))
    reminders_deliver_every_minute()  # tests run huey tasks immediately
    assert Notification.objects.count() == 1


def test_the_scheduler_runs_every_minute():
    from huey.contrib.djhuey import HUEY

    moment = datetime.datetime(2026, 3, 2, 10, 17)
    assert reminders_deliver_every_minute.name in {t.name for t in HUEY.read_periodic(moment)}


# iCalendar -------------------------------------------------------------------------------


def test_one_event_exports_as_valid_icalendar(browser_as, meeting):
    response = browser_as("owner").get(f"/interactions/{meeting.pk}/event.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Visit to Ромашка"
    assert str(event["LOCATION"]) == "Office"
    assert event.decoded("DTSTART") == meeting.start
    assert str(event["UID"]).startswith(f"interaction-{meeting.pk}@")


def test_another_user_cannot_export_the_event(browser_as, meeting):
    assert browser_as("outsider").get(f"/interactions/{meeting.pk}/event.ics").status_code == 404


def test_the_private_feed_lists_events_and_tasks_and_can_be_revoked(client, meeting, owner):
    task_create(
        title="Send the contract",
        assignee=owner,
        by=owner,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    _feed, token = calendar_feed_create(user=owner)

    response = client.get(f"/interactions/feed/{token}.ics")

    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["Send the contract", "Visit to Ромашка"]
    assert calendar_feed_user(token=token) == owner

    calendar_feed_revoke(user=owner)
    assert client.get(f"/interactions/feed/{token}.ics").status_code == 404
    assert client.get("/interactions/feed/cal_guessed.ics").status_code == 404


def test_a_new_feed_address_stops_the_old_one(owner):
    _first, old = calendar_feed_create(user=owner)
    _second, new = calendar_feed_create(user=owner)
    assert calendar_feed_user(token=old) is None
    assert calendar_feed_user(token=new) == owner


def test_icalendar_output_round_trips(meeting):
    data = ical.calendar_of(interactions=[meeting])
    again = Calendar.from_ical(data).to_ical()
    assert Calendar.from_ical(again).walk("VEVENT")[0]["SUMMARY"] == "Visit to Ромашка"
