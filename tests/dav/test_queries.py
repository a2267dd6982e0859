"""The DAV mount in-process (Django's test client): query counts of a month's REPORT stay
flat however many events there are, and a PUT that changes nothing writes nothing."""

import base64

import pytest
from django.test import Client

from .conftest import snapshot

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start:%Y%m%dT%H%M%SZ}" end="{end:%Y%m%dT%H%M%SZ}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


@pytest.fixture
def dav_as(token_of):
    def client(actor: str) -> Client:
        credentials = base64.b64encode(f"{actor}:{token_of(actor)}".encode()).decode()
        return Client(HTTP_AUTHORIZATION=f"Basic {credentials}")

    return client


def test_a_months_report_runs_a_fixed_number_of_queries(
    dav_as, calendar_data, month, django_assert_max_num_queries
):
    client = dav_as("owner")
    body = REPORT.format(start=month[0], end=month[1])
    with django_assert_max_num_queries(8):
        response = client.generic(
            "REPORT", "/dav/owner/calendar/", body, "application/xml", HTTP_DEPTH="1"
        )
    assert response.status_code == 207
    assert response.content.count(b"BEGIN:VEVENT") == 4


def test_a_put_that_changes_nothing_writes_nothing(dav_as, calendar_data):
    meeting = calendar_data["mine"]["meeting"]
    before = snapshot(meeting)
    client = dav_as("owner")
    url = f"/dav/owner/calendar/interaction-{meeting.pk}.ics"
    text = client.get(url).content.decode()

    response = client.put(url, text.replace("SUMMARY:", "SUMMARY:Renamed "), "text/calendar")

    assert response.status_code == 204
    assert snapshot(meeting) == before
    assert meeting.title == "Meeting at Romashka"
