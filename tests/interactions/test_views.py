"""The interactions pages: list with filters, search, pagination and empty state;
kind-specific forms; detail with participants, files and history; unprocessed; calendar;
the partner timeline fragment; notifications."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ladoga.interactions.models import Interaction, Notification, ReviewStatus

from .conftest import counts, later


def test_empty_list_invites_to_register(browser_as):
    response = browser_as("owner").get("/interactions/")
    assert response.status_code == 200
    assert b'data-testid="empty-state"' in response.content
    assert b"No interactions yet" in response.content


def test_list_filters_search_and_pages(browser_as, make, django_assert_max_num_queries):
    for index in range(30):
        make(title=f"Call {index:02d}", participants=[{"name": "A"}])
    make("meeting", "Visit to the plant", start=later(days=1))
    client = browser_as("owner")
    client.get("/interactions/")

    with django_assert_max_num_queries(14):
        page_one = client.get("/interactions/")
    page_two = client.get("/interactions/?page=2")
    meetings = client.get("/interactions/?kind=meeting")
    found = client.get("/interactions/?q=plant")
    nothing = client.get("/interactions/?q=zzzz")

    assert page_one.content.count(b'href="/interactions/') >= 25
    assert b"Page 1 of 2" in page_one.content and b"Page 2 of 2" in page_two.content
    assert b"Visit to the plant" in meetings.content and b"Call 01" not in meetings.content
    assert b"Visit to the plant" in found.content
    assert b"No interactions match the filters" in nothing.content


def test_grouping_by_thread(browser_as, make):
    first = make(title="Question")
    make(title="Answer", subject_type="interactions.interaction", subject_id=first.pk)
    response = browser_as("owner").get("/interactions/?group=thread")
    assert response.content.count(b"int-thread-row") == 1


@pytest.mark.parametrize("kind", ["planned", "meeting", "call", "email"])
def test_each_kind_has_its_form(browser_as, kind):
    response = browser_as("owner").get(f"/interactions/new/{kind}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert ('name="place"' in content) is (kind == "meeting")
    assert ('name="duration_minutes"' in content) is (kind == "call")
    assert ('name="to"' in content) is (kind == "email")


def test_create_a_meeting_through_the_form(browser_as, owner):
    start = (timezone.localtime() + datetime.timedelta(days=1)).replace(second=0, microsecond=0)
    response = browser_as("owner").post(
        "/interactions/new/meeting/",
        {
            "title": "Negotiation",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Office",
            "participants": "Анна Петрова, +7 912 345-67-89, anna@romashka.example\nGuest",
            "reminder_minutes": "15",
            "responsible": owner.pk,
        },
    )
    meeting = Interaction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/interactions/{meeting.pk}/"
    people = list(meeting.participants.values_list("name", "phone_key", "email"))
    assert people == [("Анна Петрова", "+79123456789", "anna@romashka.example"), ("Guest", "", "")]
    assert meeting.reminders.count() == 1


def test_the_form_shows_the_same_errors_and_writes_nothing(browser_as, owner):
    start = timezone.localtime() + datetime.timedelta(days=1)
    before = counts()
    response = browser_as("owner").post(
        "/interactions/new/meeting/",
        {
            "title": "Negotiation",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "responsible": owner.pk,
        },
    )
    assert response.status_code == 400
    assert b"is before the start" in response.content
    assert counts() == before


def test_email_form_without_recipient(browser_as, owner):
    response = browser_as("owner").post(
        "/interactions/new/email/", {"title": "Offer", "to": "", "responsible": owner.pk}
    )
    assert response.status_code == 400
    assert b"at least one recipient" in response.content
    assert not Interaction.objects.exists()


def test_a_follow_up_is_prefilled_from_the_interaction(browser_as, make):
    first = make(title="Prices", participants=[{"name": "Анна", "email": "a@r.example"}])
    response = browser_as("owner").get(f"/interactions/new/planned/?based_on={first.pk}")
    content = response.content.decode()
    assert 'name="subject_type" value="interactions.interaction"' in content
    assert "a@r.example" in content


def test_detail_page(browser_as, make, contact, partner, owner):
    call = make(
        title="Prices",
        subject_type="partners.partner",
        subject_id=partner.pk,
        participants=[{"name": "Unknown", "email": "anna.petrova@romashka.example"}],
    )
    response = browser_as("owner").get(f"/interactions/{call.pk}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Prices" in content and 'data-testid="participants"' in content
    assert "Петрова Анна" in content  # the suggestion
    assert "Follow-up interaction" in content
    assert "History" in content
    assert browser_as("outsider").get(f"/interactions/{call.pk}/").status_code == 404


def test_link_from_the_page(browser_as, make, contact):
    call = make(participants=[{"email": "anna.petrova@romashka.example"}])
    participant = call.participants.get()
    response = browser_as("owner").post(
        f"/interactions/{call.pk}/participants/{participant.pk}/link/",
        {"contact_id": contact.pk, "same_address": "1"},
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.contact == contact


def test_upload_a_file(browser_as, make):
    call = make()
    response = browser_as("owner").post(
        f"/interactions/{call.pk}/files/", {"file": SimpleUploadedFile("notes.csv", b"a;b\n1;2\n")}
    )
    assert response.status_code == 302
    page = browser_as("owner").get(f"/interactions/{call.pk}/")
    assert b"notes.csv" in page.content


def test_edit_keeps_participant_links(browser_as, make, contact):
    call = make(participants=[{"name": "Анна", "contact_id": contact.pk}])
    client = browser_as("owner")
    form = client.get(f"/interactions/{call.pk}/edit/")
    assert form.status_code == 200
    response = client.post(
        f"/interactions/{call.pk}/edit/",
        {
            "version": call.version,
            "title": "Prices, again",
            "direction": "outgoing",
            "start": timezone.localtime(call.start).strftime("%Y-%m-%dT%H:%M"),
            "participants": form.context["form"].initial["participants"],
            "responsible": call.responsible_id,
        },
    )
    assert response.status_code == 302, response.content
    call.refresh_from_db()
    assert call.title == "Prices, again"
    assert call.participants.get().contact == contact


def test_edit_with_a_stale_version_shows_the_conflict(browser_as, make):
    call = make()
    response = browser_as("owner").post(
        f"/interactions/{call.pk}/edit/",
        {
            "version": call.version - 1,
            "title": "x",
            "direction": "outgoing",
            "responsible": call.responsible_id,
        },
    )
    assert response.status_code == 400
    assert b"changed by someone else" in response.content


def test_review_from_the_unprocessed_page(browser_as, make):
    waiting = make(direction="incoming", title="Waiting call")
    client = browser_as("owner")
    page = client.get("/interactions/unprocessed/")
    assert b"Waiting call" in page.content and b'data-testid="unprocessed-counts"' in page.content

    client.post(
        f"/interactions/{waiting.pk}/review/",
        {"action": "reviewed", "next": "https://evil.example/"},
    )
    waiting.refresh_from_db()
    assert waiting.review_status == ReviewStatus.REVIEWED
    assert b"All reviewed" in client.get("/interactions/unprocessed/").content


def test_defer_from_the_detail_page(browser_as, make):
    waiting = make(direction="incoming")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    browser_as("owner").post(
        f"/interactions/{waiting.pk}/review/",
        {"action": "defer", "review_after": tomorrow.isoformat()},
    )
    waiting.refresh_from_db()
    assert waiting.review_after == tomorrow


def test_send_failure_is_shown_on_the_page(browser_as, smtp_down, make):
    draft = make(
        "email",
        "Offer",
        direction="outgoing",
        participants=[{"role": "to", "email": "a@romashka.example"}],
    )
    client = browser_as("owner")
    client.post(f"/interactions/{draft.pk}/send/")
    page = client.get(f"/interactions/{draft.pk}/")
    assert b'data-testid="send-error"' in page.content
    assert b"cannot be reached" in page.content


def test_import_eml_page(browser_as):
    from .test_mail import eml

    client = browser_as("owner")
    assert client.get("/interactions/import-eml/").status_code == 200
    response = client.post(
        "/interactions/import-eml/", {"file": SimpleUploadedFile("q.eml", eml())}
    )
    assert response.status_code == 302
    bad = client.post(
        "/interactions/import-eml/", {"file": SimpleUploadedFile("q.eml", b"just text, no headers")}
    )
    assert bad.status_code == 400 and b"not an e-mail message" in bad.content
    assert Interaction.objects.count() == 1


@pytest.mark.parametrize("view", ["day", "week", "month"])
def test_calendar_views(browser_as, make, owner, view):
    from ladoga.interactions.services import task_create

    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    make("meeting", "Board meeting", start=start, end=start + datetime.timedelta(hours=1))
    task_create(title="Prepare slides", assignee=owner, by=owner, due_date=start.date())

    response = browser_as("owner").get(f"/interactions/calendar/?view={view}")

    assert response.status_code == 200
    assert f'data-testid="calendar-{view}"'.encode() in response.content
    assert b"Board meeting" in response.content and b"Prepare slides" in response.content


def test_calendar_of_an_empty_period(browser_as):
    response = browser_as("owner").get("/interactions/calendar/?view=day&date=2020-01-01")
    assert b"Nothing planned in this period." in response.content


def test_feed_address_is_shown_once(browser_as):
    client = browser_as("owner")
    client.post("/interactions/calendar/feed/")
    first = client.get("/interactions/calendar/")
    second = client.get("/interactions/calendar/")
    assert b'data-testid="feed-url"' in first.content
    assert b'data-testid="feed-url"' not in second.content


def test_partner_timeline_fragment(browser_as, make, partner, django_assert_max_num_queries):
    make(
        title="Old call",
        subject_type="partners.partner",
        subject_id=partner.pk,
        start=timezone.now() - datetime.timedelta(days=2),
    )
    make(
        "meeting",
        "New meeting",
        start=later(days=1),
        subject_type="partners.partner",
        subject_id=partner.pk,
    )
    client = browser_as("owner")
    client.get(f"/interactions/partner/{partner.pk}/timeline/")

    with django_assert_max_num_queries(12):
        response = client.get(
            f"/interactions/partner/{partner.pk}/timeline/", headers={"HX-Request": "true"}
        )
    content = response.content.decode()
    assert "<html" not in content  # a fragment
    assert content.index("New meeting") < content.index("Old call")  # newest first
    calls = client.get(f"/interactions/partner/{partner.pk}/timeline/?kind=call").content
    assert b"Old call" in calls and b"New meeting" not in calls
    assert (
        browser_as("outsider").get(f"/interactions/partner/{partner.pk}/timeline/").status_code
        == 404
    )


def test_notifications_page_and_badge(browser_as, owner):
    Notification.objects.create(user=owner, title="Reminder: Visit", url="/interactions/")
    client = browser_as("owner")
    assert b">1<" in client.get("/interactions/notifications/badge/").content
    page = client.get("/interactions/notifications/")
    assert b"Reminder: Visit" in page.content
    note = Notification.objects.get()
    response = client.post(f"/interactions/notifications/{note.pk}/read/", {"open": "1"})
    assert response["Location"] == "/interactions/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_portal_client_cannot_open_the_forms(browser_as):
    # staff pages are closed to portal clients (403, or a redirect to the portal)
    assert browser_as("portal").get("/interactions/new/call/").status_code in (302, 403)


def test_pages_speak_russian(browser_as, actors, make):
    actors["owner"].language = "ru"
    actors["owner"].save()
    response = browser_as("owner").get("/interactions/")
    assert response["Content-Language"] == "ru"


def test_list_sorts_by_a_column_header_and_chooses_the_page_size(browser_as, make):
    for index in range(30):
        make(title=f"Call {index:02d}", start=later(days=-index))
    client = browser_as("owner")

    by_topic = client.get("/interactions/", {"sort": "title"}).content.decode()
    assert by_topic.index("Call 00") < by_topic.index("Call 01") and "Call 29" not in by_topic
    assert 'aria-sort="ascending"' in by_topic
    oldest = client.get("/interactions/", {"sort": "start"}).content.decode()
    assert oldest.index("Call 29") < oldest.index("Call 28") and "Call 00" not in oldest
    all_30 = client.get("/interactions/", {"sort": "-title", "per_page": 50}).content.decode()
    assert all_30.index("Call 29") < all_30.index("Call 00")
    assert "Page 1 of 1 · 30 in all" in all_30
    assert client.get("/interactions/", {"sort": "-password", "per_page": "x"}).status_code == 200


def test_list_period_filter_and_an_inverted_period_is_a_clear_error(browser_as, make):
    make(title="Old call", start=later(days=-40))
    make(title="Fresh call", start=later(days=-1))
    client = browser_as("owner")
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    until = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()

    fresh = client.get("/interactions/", {"date_from": since}).content.decode()
    assert "Fresh call" in fresh and "Old call" not in fresh
    old = client.get("/interactions/", {"date_to": until}).content.decode()
    assert "Old call" in old and "Fresh call" not in old
    inverted = client.get("/interactions/", {"date_from": since, "date_to": until})
    assert inverted.status_code == 200
    html = inverted.content.decode()
    assert "The period starts after it ends." in html
    assert "Fresh call" not in html and "Old call" not in html
    bad = client.get("/interactions/", {"date_from": "0001-01-01"}).content.decode()
    assert "Enter the dates as YYYY-MM-DD." in bad and "Fresh call" not in bad
