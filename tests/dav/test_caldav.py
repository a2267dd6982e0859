"""CalDAV with the real `caldav` client library against Ladoga on a live server (X10)."""

import datetime

import caldav
import pytest
from caldav.lib import error as caldav_error

from ladoga.interactions.models import Interaction

from .conftest import snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def summaries(events) -> set[str]:
    return {str(event.icalendar_component["summary"]) for event in events}


def owner_calendar(dav_client) -> caldav.Calendar:
    (calendar,) = dav_client("owner").principal().calendars()
    return calendar


def test_discovery_finds_the_users_calendar_only(dav_client, dav_url, calendar_data):
    calendars = dav_client("owner").principal().calendars()
    assert [str(calendar.url) for calendar in calendars] == [f"{dav_url}owner/calendar/"]
    assert calendars[0].get_display_name() == "Ladoga: meetings and tasks"


def test_a_months_events_are_the_users_meetings_planned_interactions_and_tasks(
    dav_client, calendar_data, month
):
    found = owner_calendar(dav_client).search(start=month[0], end=month[1], event=True)
    assert summaries(found) == {
        "Meeting at Romashka",
        "Plan the offer",
        "Colleague's meeting with the owner",
        "Send the contract",
    }


def test_one_event_is_fetched_with_its_time_and_place(dav_client, dav_url, calendar_data):
    meeting = calendar_data["mine"]["meeting"]
    event = owner_calendar(dav_client).event_by_url(
        f"{dav_url}owner/calendar/interaction-{meeting.pk}.ics"
    )
    component = event.icalendar_component
    assert str(component["summary"]) == "Meeting at Romashka"
    assert str(component["location"]) == "Romashka office"
    assert component.decoded("dtstart") == meeting.start
    assert component.decoded("dtend") == meeting.end


def test_moving_an_event_moves_the_interaction_through_the_service(
    dav_client, dav_url, calendar_data, actors
):
    meeting = calendar_data["mine"]["meeting"]
    event = owner_calendar(dav_client).event_by_url(
        f"{dav_url}owner/calendar/interaction-{meeting.pk}.ics"
    )
    component = event.icalendar_component
    new_start = meeting.start + datetime.timedelta(days=1, hours=2)
    component["dtstart"].dt = new_start
    component["dtend"].dt = new_start + datetime.timedelta(minutes=90)
    component["location"] = "Zoom"
    component["summary"] = "A summary the calendar may not change"
    event.save()

    start, end, place, version = snapshot(meeting)
    assert (start, end, place) == (
        new_start,
        new_start + datetime.timedelta(minutes=90),
        "Zoom",
    )
    assert version == 2
    assert meeting.title == "Meeting at Romashka"
    latest = meeting.history.latest()
    assert latest.history_user == actors["owner"]
    assert latest.start == new_start
    # The calendar now serves the moved event under a new ETag.
    again = owner_calendar(dav_client).event_by_url(str(event.url))
    assert again.icalendar_component.decoded("dtstart") == new_start


def test_an_event_that_ends_before_it_starts_is_refused_and_nothing_changes(http, calendar_data):
    meeting = calendar_data["mine"]["meeting"]
    before = snapshot(meeting)
    client = http("owner")
    url = f"/dav/owner/calendar/interaction-{meeting.pk}.ics"
    text = client.get(url).text
    start = meeting.start.strftime("%Y%m%dT%H%M%SZ")
    end = meeting.end.strftime("%Y%m%dT%H%M%SZ")
    earlier = (meeting.start - datetime.timedelta(hours=3)).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTEND:{end}" in text and f"DTSTART:{start}" in text
    broken = text.replace(f"DTEND:{end}", f"DTEND:{earlier}")

    response = client.put(url, content=broken, headers={"Content-Type": "text/calendar"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "interaction_end_before_start"
    assert "is before the start" in response.json()["detail"]
    assert snapshot(meeting) == before
    assert meeting.history.count() == 1


def test_the_caldav_client_sees_the_refusal(dav_client, dav_url, calendar_data):
    meeting = calendar_data["mine"]["meeting"]
    before = snapshot(meeting)
    event = owner_calendar(dav_client).event_by_url(
        f"{dav_url}owner/calendar/interaction-{meeting.pk}.ics"
    )
    event.icalendar_component["dtend"].dt = meeting.start - datetime.timedelta(hours=1)
    with pytest.raises(caldav_error.PutError, match="422"):
        event.save()
    assert snapshot(meeting) == before


def test_a_stale_etag_is_refused(http, calendar_data, actors):
    meeting = calendar_data["mine"]["meeting"]
    client = http("owner")
    url = f"/dav/owner/calendar/interaction-{meeting.pk}.ics"
    got = client.get(url)
    from ladoga.interactions.services import interaction_update

    interaction_update(interaction=meeting, expected_version=1, by=actors["owner"], title="New")
    before = snapshot(meeting)
    moved = got.text.replace("LOCATION:Romashka office", "LOCATION:Elsewhere")

    response = client.put(url, content=moved, headers={"If-Match": got.headers["ETag"]})

    assert response.status_code == 412
    assert snapshot(meeting) == before


def test_new_events_tasks_and_deletions_are_refused(http, calendar_data):
    task = calendar_data["task"]
    meeting = calendar_data["mine"]["meeting"]
    client = http("owner")
    count = Interaction.objects.count()
    task_text = client.get(f"/dav/owner/calendar/task-{task.pk}.ics").text

    new = client.put(
        "/dav/owner/calendar/new-event.ics",
        content=task_text.replace(f"task-{task.pk}@", "brand-new@"),
    )
    task_put = client.put(
        f"/dav/owner/calendar/task-{task.pk}.ics", content=task_text.replace("Send", "Sign")
    )
    deleted = client.delete(f"/dav/owner/calendar/interaction-{meeting.pk}.ics")

    assert (new.status_code, new.json()["errors"][0]["code"]) == (403, "dav_create_refused")
    assert (task_put.status_code, task_put.json()["errors"][0]["code"]) == (
        403,
        "dav_read_only",
    )
    assert (deleted.status_code, deleted.json()["errors"][0]["code"]) == (
        403,
        "dav_delete_refused",
    )
    assert Interaction.objects.count() == count
    task.refresh_from_db()
    assert (task.title, task.version) == ("Send the contract", 1)


def test_another_users_calendar_is_not_reachable(dav_client, dav_url, http, calendar_data):
    outsider_meeting = calendar_data["others"]["outsider"]
    with pytest.raises(caldav_error.NotFoundError):
        caldav.Calendar(client=dav_client("owner"), url=f"{dav_url}outsider/calendar/").search(
            event=True
        )
    client = http("owner")
    assert (
        client.get(f"/dav/outsider/calendar/interaction-{outsider_meeting.pk}.ics").status_code
        == 404
    )
    # An event the owner may not see is not found in the owner's own calendar either.
    assert (
        client.get(f"/dav/owner/calendar/interaction-{outsider_meeting.pk}.ics").status_code == 404
    )
    put = client.put(f"/dav/outsider/calendar/interaction-{outsider_meeting.pk}.ics", content="x")
    assert put.status_code == 403


def test_a_wrong_token_or_no_credentials_answer_401(http, dav_client, calendar_data):
    assert (
        http("owner", password="ldg_not-a-token").request("PROPFIND", "/dav/owner/").status_code
        == 401
    )
    assert http(None).request("PROPFIND", "/dav/owner/").status_code == 401
    with pytest.raises(caldav_error.AuthorizationError):
        dav_client("owner", password="ldg_wrong").principal()


def test_a_token_opens_only_its_own_users_name(http, token_of, calendar_data):
    response = http("owner", password=token_of("colleague")).request("PROPFIND", "/dav/owner/")
    assert response.status_code == 401


def test_the_users_password_works_and_portal_clients_are_refused(http, calendar_data, actors):
    password = "correct horse battery staple"
    assert http("owner", password=password).request("PROPFIND", "/dav/owner/").status_code == 207
    assert http("portal", password=password).request("PROPFIND", "/dav/portal/").status_code == 401


def test_well_known_addresses_lead_to_the_server(http):
    response = http(None).get("/.well-known/caldav")
    assert (response.status_code, response.headers["Location"]) == (301, "/dav/")
