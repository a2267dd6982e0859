"""Issue 17, point 15: the calendar feed address and "new contact person from a
participant" through the API, as in the web UI; point 9 for interaction titles."""

import pytest

from ladoga.interactions.models import CalendarFeed
from ladoga.partners.models import ContactInfo, ContactPerson

from .conftest import counts


def test_a_feed_address_is_made_through_the_api_and_serves_the_calendar(api_as, client, owner):
    response = api_as("owner").post("/api/v1/interactions/calendar-feed")
    assert response.status_code == 201
    url = response.json()["url"]
    assert url.startswith("http://testserver/interactions/feed/") and url.endswith(".ics")
    feed = client.get(url.removeprefix("http://testserver"))
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")

    again = api_as("owner").post("/api/v1/interactions/calendar-feed").json()["url"]
    assert client.get(url.removeprefix("http://testserver")).status_code == 404  # replaced
    assert client.get(again.removeprefix("http://testserver")).status_code == 200

    revoked = api_as("owner").delete("/api/v1/interactions/calendar-feed")
    assert revoked.status_code == 200 and revoked.json() == {"revoked": 1}
    assert client.get(again.removeprefix("http://testserver")).status_code == 404


@pytest.mark.parametrize("actor, status", [("owner", 201), ("portal", 403), (None, 401)])
def test_feed_permissions(api_as, actor, status):
    response = api_as(actor).post("/api/v1/interactions/calendar-feed")
    assert response.status_code == status
    assert CalendarFeed.objects.exists() == (status == 201)


def participant_call(make):
    call = make(
        participants=[
            {"name": "Сидоров Пётр", "phone": "+7 903 111-22-33", "email": "petr@romashka.example"}
        ]
    )
    return call, call.participants.get()


def test_a_contact_person_from_a_participant_through_the_api(api_as, make, partner):
    call, participant = participant_call(make)

    response = api_as("owner").post(
        f"/api/v1/interactions/{call.pk}/participants/{participant.pk}/contact",
        {"partner_id": partner.pk},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["partner_id"], body["last_name"], body["first_name"]) == (
        partner.pk,
        "Сидоров",
        "Пётр",
    )
    contact = ContactPerson.objects.get(pk=body["id"])
    keys = set(ContactInfo.objects.filter(contact=contact).values_list("key", flat=True))
    assert keys == {"+79031112233", "petr@romashka.example"}
    participant.refresh_from_db()
    assert participant.contact == contact


@pytest.mark.parametrize(
    "actor, status", [("owner", 201), ("outsider", 404), ("portal", 403), (None, 401)]
)
def test_contact_from_participant_permissions(api_as, make, partner, actor, status):
    call, participant = participant_call(make)
    response = api_as(actor).post(
        f"/api/v1/interactions/{call.pk}/participants/{participant.pk}/contact",
        {"partner_id": partner.pk},
    )
    assert response.status_code == status
    assert ContactPerson.objects.exists() == (status == 201)


def test_contact_for_an_invisible_partner_is_404_and_nothing_written(api_as, make, other_partner):
    call, participant = participant_call(make)
    before = counts()
    response = api_as("owner").post(
        f"/api/v1/interactions/{call.pk}/participants/{participant.pk}/contact",
        {"partner_id": other_partner.pk},
    )
    assert response.status_code == 404
    assert counts() == before
    assert not ContactPerson.objects.exists()


def test_an_interaction_title_with_a_control_character_is_422(api_as):
    before = counts()
    response = api_as("owner").post(
        "/api/v1/interactions", {"kind": "call", "title": "Звонок\u0000"}
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["code"] == "text_control_character"
    assert counts() == before
