"""Fixtures of the analytics tests: a day to compute on, aware datetimes on given days,
and `counts()` telling that a refused command wrote nothing."""

import datetime

import pytest
from django.utils import timezone

from ladoga.interactions.services import interaction_create

ON = datetime.date(2026, 6, 30)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour)), timezone.get_current_timezone()
    )


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2026, month, day)


@pytest.fixture
def contact():
    """contact(partner, kind, day, by=…) → a finished interaction with the partner."""

    def make(partner, kind, day, *, by, subject=None, responsible=None):
        subject = subject or partner
        return interaction_create(
            kind=kind,
            title=f"{kind} on {day}",
            by=by,
            responsible=responsible,
            start=at(day),
            end=at(day, 13) if kind == "meeting" else None,
            subject_type=subject._meta.label_lower,
            subject_id=subject.pk,
            email_status="sent" if kind == "email" else "",
        )

    return make
