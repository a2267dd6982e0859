"""The interactions API: permission matrices, shapes, ETags, problem documents; every bad
input answers with its code and writes nothing."""

import datetime

import pytest
from django.utils import timezone

from ladoga.interactions.models import Interaction, ReviewStatus, Task
from ladoga.interactions.services import interaction_create, task_create

from .conftest import counts, later

ACTORS = ["owner", "colleague", "outsider", "head", "admin", "claims", "portal", None]


@pytest.fixture
def mine(make, partner):
    """An interaction of the owner's, about the owner's partner."""
    return make(subject_type="partners.partner", subject_id=partner.pk, direction="incoming")


@pytest.mark.parametrize(
    "actor, status",
    list(zip(ACTORS, [200, 404, 404, 200, 200, 404, 403, 401], strict=True)),
)
def test_get_permissions(api_as, mine, actor, status):
    response = api_as(actor).get(f"/api/v1/interactions/{mine.pk}")
    assert response.status_code == status
    if status == 200:
        assert response["ETag"] == f'"{mine.version}"'
        assert response.json()["subject_type"] == "partners.partner"


@pytest.mark.parametrize(
    "actor, status",
    list(zip(ACTORS, [200, 404, 404, 200, 200, 404, 403, 401], strict=True)),
)
def test_review_permissions(api_as, mine, actor, status):
    response = api_as(actor).post(f"/api/v1/interactions/{mine.pk}/review", {"reviewed": True})
    assert response.status_code == status
    mine.refresh_from_db()
    assert (mine.review_status == ReviewStatus.REVIEWED) is (status == 200)


@pytest.mark.parametrize(
    "actor, status",
    list(zip(ACTORS, [201, 201, 201, 201, 201, 201, 403, 401], strict=True)),
)
def test_create_permissions(api_as, actor, status):
    response = api_as(actor).post(
        "/api/v1/interactions", {"kind": "call", "title": "Hello", "direction": "outgoing"}
    )
    assert response.status_code == status
    assert Interaction.objects.count() == (1 if status == 201 else 0)


def test_list_shows_only_what_each_actor_may_see(api_as, mine, make, actors):
    make(by=actors["outsider"], title="Outsider's call")
    seen = {
        actor: {i["title"] for i in api_as(actor).get("/api/v1/interactions").json()["items"]}
        for actor in ("owner", "colleague", "outsider", "head", "admin")
    }
    assert seen["owner"] == {"Call about prices"}
    assert seen["colleague"] == set()
    assert seen["outsider"] == {"Outsider's call"}
    assert seen["head"] == {"Call about prices"}
    assert seen["admin"] == {"Call about prices", "Outsider's call"}
    assert api_as("portal").get("/api/v1/interactions").status_code == 403


def test_the_partners_manager_sees_interactions_about_the_partner(api_as, partner, actors):
    heads_call = interaction_create(
        kind="call",
        title="The head called Ромашка",
        by=actors["head"],
        subject_type="partners.partner",
        subject_id=partner.pk,
    )

    assert api_as("owner").get(f"/api/v1/interactions/{heads_call.pk}").status_code == 200
    assert api_as("colleague").get(f"/api/v1/interactions/{heads_call.pk}").status_code == 404


def test_whoever_sees_a_registered_subject_sees_the_interactions_about_it(
    api_as, actors, monkeypatch
):
    """Higher domains (deals, claims) register subject types; their access rules decide."""
    from ladoga.interactions import subjects
    from tests.testapp.models import Memo

    monkeypatch.setattr(subjects, "_types", dict(subjects._types))
    subjects.subject_type_register(Memo, label="Memo", partner_of=lambda memo: None)
    memo = Memo.objects.create(owner=actors["colleague"], title="Colleague's deal")
    about = interaction_create(
        kind="call",
        title="About the memo",
        by=actors["admin"],
        subject_type="testapp.memo",
        subject_id=memo.pk,
    )

    assert api_as("colleague").get(f"/api/v1/interactions/{about.pk}").status_code == 200
    assert api_as("owner").get(f"/api/v1/interactions/{about.pk}").status_code == 404
    assert api_as("outsider").get(f"/api/v1/interactions/{about.pk}").status_code == 404


def test_create_full_meeting_with_participants_and_reminder(api_as, contact, partner):
    start = later(days=1)
    response = api_as("owner").post(
        "/api/v1/interactions",
        {
            "kind": "meeting",
            "title": "Negotiation",
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=1)).isoformat(),
            "place": "Office",
            "subject": {"type": "partners.partner", "id": partner.pk},
            "participants": [{"name": "Анна", "contact_id": contact.pk}, {"name": "Guest"}],
            "reminder_minutes": 15,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["partner_id"] == partner.pk
    assert [p["contact_id"] for p in body["participants"]] == [contact.pk, None]
    assert response["ETag"] == '"1"'


@pytest.mark.parametrize(
    "payload, code",
    [
        (
            {"kind": "meeting", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T09:00:00Z"},
            "interaction_end_before_start",
        ),
        (
            {"kind": "meeting", "start": "2030-01-01T10:00:00Z", "reminder_minutes": -5},
            "interaction_reminder_after_event",
        ),
        (
            {"kind": "email", "direction": "outgoing", "participants": []},
            "interaction_recipient_required",
        ),
        (
            {
                "kind": "email",
                "direction": "outgoing",
                "participants": [{"role": "to", "email": "no at all"}],
            },
            "interaction_email_invalid",
        ),
        (
            {"kind": "call", "subject": {"type": "partners.partner", "id": 999999}},
            "interaction_subject_not_found",
        ),
        ({"kind": "fax"}, "interaction_kind_unknown"),
    ],
    ids=["end before start", "reminder after", "no recipient", "bad address", "subject", "kind"],
)
def test_bad_input_is_a_problem_document_and_nothing_is_written(api_as, payload, code):
    before = counts()
    response = api_as("owner").post("/api/v1/interactions", {"title": "X", **payload})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert code in [e["code"] for e in response.json()["errors"]]
    assert counts() == before


def test_subject_of_another_manager_is_refused(api_as, other_partner):
    response = api_as("owner").post(
        "/api/v1/interactions",
        {
            "kind": "call",
            "title": "X",
            "subject": {"type": "partners.partner", "id": other_partner.pk},
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "interaction_subject_not_found"
    assert not Interaction.objects.exists()


def test_patch_needs_if_match_and_refuses_a_stale_one(api_as, mine):
    client = api_as("owner")
    url = f"/api/v1/interactions/{mine.pk}"

    assert client.patch(url, {"title": "New"}).status_code == 428
    assert client.patch(url, {"title": "New"}, headers={"If-Match": '"0"'}).status_code == 412
    response = client.patch(url, {"title": "New"}, headers={"If-Match": f'"{mine.version}"'})

    assert response.status_code == 200
    assert response.json()["title"] == "New"
    assert response["ETag"] == f'"{mine.version + 1}"'


def test_patch_of_an_invisible_interaction_is_404(api_as, mine):
    response = api_as("outsider").patch(
        f"/api/v1/interactions/{mine.pk}", {"title": "x"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 404


def test_unprocessed_per_responsible_oldest_first(api_as, make, actors):
    old = make(direction="incoming", start=timezone.now() - datetime.timedelta(days=3), title="Old")
    new = make(direction="incoming", title="New")
    make(direction="incoming", title="Later", review_after=None)
    deferred = make(
        direction="incoming",
        title="Deferred",
        review_after=timezone.localdate() + datetime.timedelta(days=2),
    )
    make(title="Reviewed")
    make(direction="incoming", responsible=actors["colleague"], title="Colleague's")

    owner_view = api_as("owner").get("/api/v1/interactions/unprocessed").json()
    head_view = api_as("head").get("/api/v1/interactions/unprocessed?responsible=me").json()
    all_for_head = api_as("head").get("/api/v1/interactions/unprocessed").json()

    titles = [i["title"] for i in owner_view["items"]]
    assert titles[:2] == ["Old", "New"] and "Deferred" not in titles and "Reviewed" not in titles
    assert owner_view["count"] == 3
    assert old.pk == owner_view["items"][0]["id"] and new.pk != deferred.pk
    assert head_view["count"] == 0
    assert {row["user"]: row["count"] for row in all_for_head["by_responsible"]} == {
        "Owner": 3,
        "Colleague": 1,
    }


def test_unprocessed_list_query_count(api_as, make, django_assert_max_num_queries):
    for index in range(15):
        make(direction="incoming", title=f"Call {index}", participants=[{"name": "A"}])
    client = api_as("owner")
    client.get("/api/v1/interactions/unprocessed")  # warm the token
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/interactions/unprocessed")
    assert response.json()["count"] == 15


def test_list_query_count(api_as, make, django_assert_max_num_queries):
    for index in range(20):
        make(title=f"Call {index}", participants=[{"name": "A"}, {"name": "B"}])
    client = api_as("owner")
    client.get("/api/v1/interactions")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/interactions?limit=50")
    assert response.json()["count"] == 20


def test_list_filters(api_as, make, partner):
    make(title="About Ромашка", subject_type="partners.partner", subject_id=partner.pk)
    make("meeting", "Visit", start=later(days=1))
    client = api_as("owner")

    assert client.get("/api/v1/interactions?kind=meeting").json()["count"] == 1
    assert client.get(f"/api/v1/interactions?partner={partner.pk}").json()["count"] == 1
    assert client.get("/api/v1/interactions?q=ромашка").json()["count"] >= 0
    assert client.get("/api/v1/interactions?responsible=me").json()["count"] == 2
    assert client.get("/api/v1/interactions?responsible=bad").status_code == 422


def test_import_eml_through_the_api(api_as):
    from .test_mail import eml

    client = api_as("owner")
    response = client.client.post(
        "/api/v1/interactions/import-eml",
        {"file": _upload("letter.eml", eml())},
        headers=client.headers,
    )
    assert response.status_code == 201, response.content
    assert response.json()["message_id"] == "<m1@romashka.example>"

    bad = client.client.post(
        "/api/v1/interactions/import-eml",
        {"file": _upload("letter.eml", b"%PDF-1.4 not a letter")},
        headers=client.headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["code"] == "eml_not_a_message"
    assert Interaction.objects.count() == 1


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_send_through_the_api(api_as, smtp_server, make):
    draft = make(
        "email",
        "Offer",
        direction="outgoing",
        participants=[{"role": "to", "email": "a@romashka.example"}],
    )
    response = api_as("owner").post(f"/api/v1/interactions/{draft.pk}/send")
    assert response.status_code == 200
    assert response.json()["email_status"] == "sent"
    assert len(smtp_server.messages) == 1


def test_send_failure_through_the_api_keeps_the_draft(api_as, smtp_down, make):
    draft = make(
        "email",
        "Offer",
        direction="outgoing",
        participants=[{"role": "to", "email": "a@romashka.example"}],
    )
    response = api_as("owner").post(f"/api/v1/interactions/{draft.pk}/send")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "email_send_failed"
    detail = api_as("owner").get(f"/api/v1/interactions/{draft.pk}").json()
    assert detail["email_status"] == "draft" and detail["send_error"]


# Tasks -----------------------------------------------------------------------------------


@pytest.fixture
def task(owner, partner):
    return task_create(
        title="Call back",
        assignee=owner,
        by=owner,
        subject_type="partners.partner",
        subject_id=partner.pk,
    )


@pytest.mark.parametrize(
    "actor, status",
    list(zip(ACTORS, [200, 404, 404, 200, 200, 404, 403, 401], strict=True)),
)
def test_task_complete_permissions(api_as, task, actor, status):
    response = api_as(actor).post(f"/api/v1/tasks/{task.pk}/complete")
    assert response.status_code == status
    task.refresh_from_db()
    assert (task.status == "done") is (status == 200)


def test_my_tasks(api_as, task, actors):
    task_create(title="Colleague's", assignee=actors["colleague"], by=actors["colleague"])
    mine = api_as("owner").get("/api/v1/tasks?assignee=me").json()
    assert [t["title"] for t in mine["items"]] == ["Call back"]
    theirs = api_as("colleague").get("/api/v1/tasks?assignee=me").json()
    assert [t["title"] for t in theirs["items"]] == ["Colleague's"]


def test_task_patch_and_complete_twice(api_as, task):
    client = api_as("owner")
    url = f"/api/v1/tasks/{task.pk}"
    patched = client.patch(url, {"due_date": "2030-05-01"}, headers={"If-Match": '"1"'})
    assert patched.status_code == 200 and patched.json()["due_date"] == "2030-05-01"
    assert client.post(f"{url}/complete").status_code == 200
    again = client.post(f"{url}/complete")
    assert again.status_code == 422
    assert again.json()["errors"][0]["code"] == "task_not_open"


def test_task_create_bad_input_writes_nothing(api_as, actors):
    client = api_as("owner")
    response = client.post("/api/v1/tasks", {"title": " ", "assignee_id": actors["portal"].pk})
    assert response.status_code == 422
    assert {e["code"] for e in response.json()["errors"]} == {
        "task_title_required",
        "task_assignee_invalid",
    }
    assert not Task.objects.exists()


# Notifications -------------------------------------------------------------------------


def test_notifications_api(api_as, owner, actors):
    from ladoga.interactions.models import Notification

    note = Notification.objects.create(user=owner, title="Hi")
    Notification.objects.create(user=actors["colleague"], title="Not yours")
    client = api_as("owner")

    assert client.get("/api/v1/notifications/unread").json() == {"unread": 1}
    assert [n["title"] for n in client.get("/api/v1/notifications").json()["items"]] == ["Hi"]
    assert client.post(f"/api/v1/notifications/{note.pk}/read").status_code == 200
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 0}
    other = Notification.objects.get(title="Not yours")
    assert client.post(f"/api/v1/notifications/{other.pk}/read").status_code == 404
