"""core.events: listeners hear an announcement only after the commit, each once however
often registered, and a failing listener does not silence the others."""

import pytest
from django.db import transaction

from ladoga.core import events
from ladoga.core.events import Event, event_announce, listener_register


@pytest.fixture
def heard():
    saved = list(events._listeners)
    found = []
    listener_register(found.append)
    yield found
    events._listeners[:] = saved


def test_listeners_hear_after_the_commit(db, heard, django_capture_on_commit_callbacks, owner):
    with django_capture_on_commit_callbacks(execute=True):
        event_announce("deal.won", obj=owner)
        assert heard == []
    [announcement] = heard
    assert (announcement.event, announcement.obj) == (Event.DEAL_WON, owner)


def test_nothing_is_heard_of_a_rolled_back_transaction(
    db, heard, django_capture_on_commit_callbacks, owner
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                event_announce(Event.DEAL_LOST, obj=owner)
                raise RuntimeError
        except RuntimeError:
            pass
    assert heard == []


def test_a_listener_registered_twice_hears_once_and_a_failing_one_stops_nobody(
    db, heard, django_capture_on_commit_callbacks, owner
):
    def broken(announcement):
        raise ValueError("boom")

    listener_register(broken)
    listener_register(heard.append)
    with django_capture_on_commit_callbacks(execute=True):
        event_announce(Event.ORDER_POSTED, obj=owner)
    assert len(heard) == 1


def test_an_unknown_event_is_refused_at_once(db, owner):
    with pytest.raises(ValueError):
        event_announce("deal.eaten", obj=owner)
