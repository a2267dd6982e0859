"""The shared Task model's commands, partner merges reaching interactions, and the demo."""

import datetime

import pytest

from ladoga.core.errors import ValidationFailed
from ladoga.interactions import queries
from ladoga.interactions.models import Interaction, Participant, Task, TaskStatus
from ladoga.interactions.services import task_cancel, task_complete, task_create, task_update


def test_task_lifecycle(owner, actors, partner):
    task = task_create(
        title="Send the contract",
        assignee=owner,
        by=owner,
        required=True,
        due_date=datetime.date(2030, 1, 10),
        subject_type="partners.partner",
        subject_id=partner.pk,
    )
    assert task.partner == partner and task.is_open
    assert list(queries.my_tasks(user=owner)) == [task]

    task = task_update(
        task=task, expected_version=task.version, by=owner, assignee=actors["colleague"]
    )
    assert list(queries.my_tasks(user=actors["colleague"])) == [task]

    done = task_complete(task=task, by=actors["colleague"])
    assert done.status == TaskStatus.DONE and done.completed_by == actors["colleague"]
    assert done.completed_at is not None
    assert list(queries.my_tasks(user=actors["colleague"])) == []

    reopened = task_update(task=done, expected_version=done.version, by=owner, status="open")
    assert reopened.completed_by is None and reopened.completed_at is None
    cancelled = task_cancel(task=reopened, by=owner)
    assert cancelled.status == TaskStatus.CANCELLED


def test_system_tasks_have_no_author_and_skip_the_access_check(owner, partner):
    task = task_create(
        title="Stage task",
        assignee=owner,
        by=None,
        subject_type="partners.partner",
        subject_id=partner.pk,
    )
    assert task.created_by is None and task.subject_id == partner.pk


def test_task_bad_input(owner, other_partner):
    with pytest.raises(ValidationFailed) as error:
        task_create(
            title="",
            assignee=owner,
            by=owner,
            subject_type="partners.partner",
            subject_id=other_partner.pk,
        )
    assert set(error.value.codes) == {"task_title_required", "interaction_subject_not_found"}
    assert not Task.objects.exists()


def test_a_partner_merge_moves_interactions_participants_and_tasks(make, owner, partner):
    from ladoga.partners.services import partner_create, partner_merge

    duplicate = partner_create(name="Ромашка (дубль)", manager=owner, by=owner)
    call = make(
        subject_type="partners.partner",
        subject_id=duplicate.pk,
        participants=[{"name": "A", "partner_id": duplicate.pk}],
    )
    task = task_create(
        title="T",
        assignee=owner,
        by=owner,
        subject_type="partners.partner",
        subject_id=duplicate.pk,
    )

    partner_merge(survivor=partner, duplicate=duplicate, by=owner)

    call.refresh_from_db()
    task.refresh_from_db()
    assert call.partner == partner and call.subject_id == partner.pk
    assert Participant.objects.get().partner == partner
    assert task.partner == partner and task.subject_id == partner.pk


def test_demo_adds_interaction_histories(db, settings, tmp_path):
    from ladoga.demo import demo_fill

    settings.HOME = tmp_path
    demo_fill(size=10, seed=3, progress=False)

    kinds = set(Interaction.objects.values_list("kind", flat=True))
    assert {"call", "meeting", "email"} <= kinds
    assert Interaction.objects.filter(kind="email", parent__isnull=False).exists()  # threads
    assert Interaction.objects.filter(review_status="not_reviewed").exists()
    assert Interaction.objects.filter(partner__isnull=False).count() == Interaction.objects.count()


def test_a_based_on_command_of_an_unmounted_domain_is_left_out(make, owner, monkeypatch):
    from django.urls import reverse

    from ladoga.interactions import based_on

    monkeypatch.setattr(based_on, "_hooks", dict(based_on._hooks))
    based_on.based_on_register("ghost", label="Ghost", url=lambda i: reverse("ghosts:create"))
    offered = [item["key"] for item in based_on.based_on_for(make(), owner)]
    assert "follow_up" in offered and "ghost" not in offered


def test_the_api_shape_includes_the_interactions_resources(db):
    from ladoga.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    for path in (
        "/api/v1/interactions",
        "/api/v1/interactions/{interaction_id}",
        "/api/v1/interactions/{interaction_id}/review",
        "/api/v1/interactions/unprocessed",
        "/api/v1/tasks",
        "/api/v1/tasks/{task_id}",
        "/api/v1/tasks/{task_id}/complete",
    ):
        assert path in paths
