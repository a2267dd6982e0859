"""Relationship strategy (A10): clients past their contact norm, the nightly follow-ups,
and the norms' own rules."""

import pytest

from ladoga.analytics.strategy import clients_past_norm
from ladoga.analytics.tasks import contact_follow_ups_plan
from ladoga.core.errors import ValidationFailed
from ladoga.interactions.models import ContactFollowUp, ContactNorm, Interaction
from ladoga.interactions.services import contact_norm_create
from ladoga.partners.classes import ClientClass
from ladoga.partners.models import Partner
from ladoga.partners.services import partner_create, segment_create

from .conftest import ON, at, d


@pytest.fixture
def clients(actors, contact, class_provider):
    """The hand-computed dataset of the module docstring of strategy.py, on 30 June:
    segment "Key" every 14 days (the responsible's calls and meetings), class A every 30
    days (anyone's calls, meetings and e-mails)."""
    owner, colleague, outsider = actors["owner"], actors["colleague"], actors["outsider"]
    key = segment_create(name="Key")
    made = {
        name: partner_create(name=name, manager=manager, by=manager, segments=segs)
        for name, manager, segs in (
            ("Within", owner, [key]),
            ("Late", owner, [key]),
            ("Never", owner, [key]),
            ("Others", owner, [key]),
            ("Classy", owner, []),
            ("Far", outsider, [key]),
        )
    }
    Partner.objects.update(created_at=at(d(6, 1)))
    contact(made["Within"], "call", d(6, 20), by=owner)  # 10 days: within 14
    contact(made["Late"], "meeting", d(6, 13), by=owner)  # due 27 June: 3 days over
    contact(made["Late"], "email", d(6, 25), by=owner)  # an e-mail does not count here
    contact(made["Others"], "call", d(6, 10), by=owner)  # due 24 June: 6 days over
    contact(
        made["Others"], "call", d(6, 28), by=owner, responsible=colleague
    )  # not the responsible's
    contact(
        made["Classy"], "call", d(5, 25), by=owner, responsible=colleague
    )  # anyone counts: due 24 June
    contact_norm_create(name="Key clients", segment=key, days=14, kinds=["call", "meeting"])
    contact_norm_create(
        name="Class A", abc="A", days=30, kinds=["call", "meeting", "email"], counted="anyone"
    )
    class_provider(lambda ids: {pk: ClientClass("A", "X") for pk in ids if pk == made["Classy"].pk})
    return made


def _figures(rows):
    return {
        r.partner_name: (r.norm_name, r.days_overdue, r.last_contact_on, r.last_contact_kind)
        for r in rows
    }


def test_clients_past_norm_match_the_hand_computed_figures(clients, actors):
    rows = clients_past_norm(user=actors["owner"], on=ON)

    assert _figures(rows) == {
        "Late": ("Key clients", 3, d(6, 13), "meeting"),
        "Never": ("Key clients", 15, None, ""),
        "Others": ("Key clients", 6, d(6, 10), "call"),
        "Classy": ("Class A", 6, d(5, 25), "call"),
    }
    assert {r.manager_id for r in rows} == {actors["owner"].pk}


@pytest.mark.parametrize(
    "actor, expected",
    [
        ("owner", {"Late", "Never", "Others", "Classy"}),
        ("colleague", set()),
        ("head", {"Late", "Never", "Others", "Classy"}),
        ("admin", {"Late", "Never", "Others", "Classy", "Far"}),
    ],
)
def test_each_sees_only_their_clients(clients, actors, actor, expected):
    rows = clients_past_norm(user=actors[actor], on=ON)

    assert {r.partner_name for r in rows} == expected


def test_without_a_class_provider_class_norms_match_nobody(clients, actors, class_provider):
    class_provider(None)

    rows = clients_past_norm(user=actors["owner"], on=ON)

    assert "Classy" not in {r.partner_name for r in rows}


def test_a_manager_filter_outside_the_users_scope_is_404(clients, api_as, actors):
    response = api_as("owner").get(
        "/api/v1/analytics/contact-norms/overdue",
        {"on": "2026-06-30", "manager": actors["outsider"].pk},
    )
    assert response.status_code == 404
    response = api_as("head").get(
        "/api/v1/analytics/contact-norms/overdue",
        {"on": "2026-06-30", "manager": actors["owner"].pk},
    )
    assert response.status_code == 200
    assert response.json()["count"] == 4


def test_the_api_answers_the_same_rows(clients, api_as):
    response = api_as("owner").get("/api/v1/analytics/contact-norms/overdue", {"on": "2026-06-30"})

    assert response.status_code == 200
    items = response.json()["items"]
    assert {i["partner_name"]: i["days_overdue"] for i in items} == {
        "Late": 3,
        "Never": 15,
        "Others": 6,
        "Classy": 6,
    }


def test_the_page_lists_the_clients(clients, browser_as, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        response = browser_as("owner").get("/analytics/contact-norms/overdue/?on=2026-06-30")

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="report-row"') == 4


def test_follow_ups_are_planned_once_per_overdue_client(clients, actors):
    planned = contact_follow_ups_plan(on=ON)

    assert planned == 5
    made = Interaction.objects.filter(kind="planned")
    assert made.count() == 5
    late = made.get(partner=clients["Late"])
    assert late.responsible == actors["owner"]
    assert late.start.date() == ON
    assert made.get(partner=clients["Far"]).responsible == actors["outsider"]

    assert contact_follow_ups_plan(on=ON) == 0
    assert Interaction.objects.filter(kind="planned").count() == 5
    assert ContactFollowUp.objects.count() == 5


@pytest.mark.parametrize(
    "changes, code, field",
    [
        ({"days": 0}, "contact_norm_days_invalid", "days"),
        ({"days": -3}, "contact_norm_days_invalid", "days"),
        ({"segment": 999999}, "contact_norm_segment_unknown", "segment"),
        ({"kinds": ["planned"]}, "contact_norm_kinds_invalid", "kinds"),
        ({"segment": None, "abc": ""}, "contact_norm_target_required", "segment"),
    ],
)
def test_a_bad_norm_is_refused_and_nothing_is_written(db, changes, code, field):
    segment = segment_create(name="Key")
    values = {"name": "Norm", "segment": segment, "days": 14, "kinds": ["call"], **changes}

    with pytest.raises(ValidationFailed) as error:
        contact_norm_create(**values)

    assert code in error.value.codes
    assert field in [v.field for v in error.value.violations]
    assert not ContactNorm.objects.exists()


def test_the_api_refuses_a_zero_day_norm_with_the_field_named(api_as, db):
    segment = segment_create(name="Key")

    response = api_as("head").post(
        "/api/v1/contact-norms",
        {"name": "Key", "segment_id": segment.pk, "days": 0, "kinds": ["call"]},
    )

    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["code"] == "contact_norm_days_invalid"
    assert "from 1 to 3650" in body["errors"][0]["message"]
    assert not ContactNorm.objects.exists()


def test_norms_crud_through_the_api(api_as, db):
    segment = segment_create(name="Key")
    head = api_as("head")

    created = head.post(
        "/api/v1/contact-norms",
        {"name": "Key", "segment_id": segment.pk, "days": 14, "kinds": ["call", "meeting"]},
    )
    assert created.status_code == 201
    norm_id = created.json()["id"]
    assert api_as("owner").get(f"/api/v1/contact-norms/{norm_id}").status_code == 200
    assert api_as("owner").patch(f"/api/v1/contact-norms/{norm_id}", {"days": 7}).status_code == 403
    changed = head.patch(
        f"/api/v1/contact-norms/{norm_id}",
        {"segment_id": None, "abc": "A", "xyz": "X", "days": 7},
        headers={"If-Match": created.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["abc"], changed.json()["segment_id"], changed.json()["days"]) == (
        "A",
        None,
        7,
    )
    assert head.delete(f"/api/v1/contact-norms/{norm_id}").status_code == 204
    assert not ContactNorm.objects.exists()
