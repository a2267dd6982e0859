"""Deal monitoring (A11) against a hand-computed dataset on 30 June, and the nightly
notifications told once."""

import datetime

import pytest

from ladoga.analytics.monitoring import deal_monitoring, monitoring_summary
from ladoga.analytics.tasks import monitoring_notify
from ladoga.core.errors import ValidationFailed
from ladoga.deals import services as deals
from ladoga.deals.models import AlertSignal, Deal, DealAlert, DealKind
from ladoga.deals.queries import deals_visible_to
from ladoga.interactions.models import Notification, Task
from ladoga.interactions.services import interaction_create, task_complete, task_create
from ladoga.partners.services import partner_create

from .conftest import ON, at, d


@pytest.fixture
def dataset(actors, contact):
    owner, outsider = actors["owner"], actors["outsider"]
    kind = deals.deal_kind_create(
        name="Watched",
        process_type="manual",
        stall_days=10,
        stages=[
            deals.StageSpec("new", "New", norm_days=5),
            deals.StageSpec("talks", "Talks"),
            deals.StageSpec("won", "Won", outcome="won", default_probability=100),
            deals.StageSpec("lost", "Lost", outcome="lost", default_probability=0),
        ],
    )
    new, talks = kind.stages.get(code="new"), kind.stages.get(code="talks")
    mine = partner_create(name="Mine", manager=owner, by=owner)
    theirs = partner_create(name="Theirs", manager=outsider, by=outsider)

    def deal(name, stage, entered, *, partner=mine, manager=owner, close=None):
        made = deals.deal_create(
            name=name,
            partner=partner,
            kind=kind,
            stage=stage,
            by=manager,
            expected_close_date=close,
        )
        Deal.objects.filter(pk=made.pk).update(stage_entered_at=at(entered))
        return Deal.objects.get(pk=made.pk)

    made = {
        "quiet": deal("Quiet", new, d(6, 10)),  # stalled 10 days over, stage norm 15 over
        "talking": deal("Talking", talks, d(6, 10)),  # an interaction on 25 June
        "moved": deal("Moved", talks, d(6, 27)),
        "late": deal("Late", talks, d(6, 28), close=d(6, 27)),  # 3 days past the close date
        "tasked": deal("Tasked", talks, d(6, 28)),  # a task due 26 June: 4 days over
        "far": deal("Far", new, d(6, 1), partner=theirs, manager=outsider),  # 19 and 24
    }
    contact(mine, "call", d(6, 25), by=owner, subject=made["talking"])
    task_create(
        title="Send the offer",
        assignee=owner,
        due_date=d(6, 26),
        subject_type="deals.deal",
        subject_id=made["tasked"].pk,
    )
    done = task_create(
        title="Old one",
        assignee=owner,
        due_date=d(6, 1),
        subject_type="deals.deal",
        subject_id=made["tasked"].pk,
    )
    task_complete(task=done, by=owner)
    return made


def _lines(result):
    return sorted((x.signal, x.deal_name, x.days_overdue) for x in result.lines)


OWNERS = [
    ("close_date", "Late", 3),
    ("stage_norm", "Quiet", 15),
    ("stalled", "Quiet", 10),
    ("task_overdue", "Tasked", 4),
]


@pytest.mark.parametrize(
    "actor, expected",
    [
        ("owner", OWNERS),
        ("head", OWNERS),
        ("colleague", []),
        ("admin", sorted([*OWNERS, ("stage_norm", "Far", 24), ("stalled", "Far", 19)])),
    ],
)
def test_monitoring_matches_the_hand_computed_lines(dataset, actors, actor, expected):
    assert _lines(deal_monitoring(user=actors[actor], on=ON)) == expected


@pytest.mark.parametrize("actor", ["owner", "head", "colleague", "admin"])
def test_the_summary_counts_the_lines_and_keeps_the_most_overdue(dataset, actors, actor):
    user = actors[actor]
    lines = deal_monitoring(user=user, on=ON).lines

    summary = monitoring_summary(deals_visible_to(user=user), on=ON, rows=2)

    assert summary.counts == {s: sum(x.signal == s for x in lines) for s in AlertSignal.values}
    assert summary.total == len(lines)
    expected = sorted(((x.days_overdue, x.signal, x.deal_name) for x in lines), reverse=True)
    assert [(x.days_overdue, x.signal, x.deal_name) for x in summary.top] == expected[:2]


def test_the_api_and_the_page_show_the_same_lines(
    dataset, api_as, browser_as, actors, django_assert_max_num_queries
):
    response = api_as("owner").get("/api/v1/analytics/deal-monitoring", {"on": "2026-06-30"})
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"stalled": 1, "stage_norm": 1, "task_overdue": 1, "close_date": 1}
    assert all(line["url"] == f"/deals/{line['deal_id']}/" for line in body["lines"])
    with django_assert_max_num_queries(25):
        page = browser_as("owner").get("/analytics/deal-monitoring/?on=2026-06-30")
    assert page.content.decode().count('data-testid="report-row"') == 4
    outsider = actors["outsider"].pk
    response = api_as("owner").get("/api/v1/analytics/deal-monitoring", {"manager": outsider})
    assert response.status_code == 404
    assert (
        browser_as("owner").get(f"/analytics/deal-monitoring/?manager={outsider}").status_code
        == 404
    )


def test_the_nightly_run_tells_each_manager_once(dataset, actors):
    assert monitoring_notify(on=ON) == 6
    owner_told = Notification.objects.filter(user=actors["owner"])
    assert owner_told.count() == 4
    assert Notification.objects.filter(user=actors["outsider"]).count() == 2
    assert any("Send the offer" in n.title for n in owner_told)

    assert monitoring_notify(on=ON) == 0
    assert monitoring_notify(on=ON + datetime.timedelta(days=1)) == 0
    assert Notification.objects.count() == 6
    assert DealAlert.objects.count() == 6


def test_a_new_task_overdue_is_told_the_next_night(dataset, actors):
    monitoring_notify(on=ON)
    task_create(
        title="Call back",
        assignee=actors["owner"],
        due_date=d(6, 29),
        subject_type="deals.deal",
        subject_id=dataset["moved"].pk,
    )

    assert monitoring_notify(on=ON) == 1
    assert Task.objects.filter(title="Call back").exists()


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_a_bad_norm_on_a_kind_is_refused_and_nothing_is_written(db, days):
    with pytest.raises(ValidationFailed) as error:
        deals.deal_kind_create(
            name="Bad",
            process_type="manual",
            stall_days=days,
            stages=[
                deals.StageSpec("new", "New", norm_days=days),
                deals.StageSpec("won", "Won", outcome="won"),
                deals.StageSpec("lost", "Lost", outcome="lost"),
            ],
        )

    assert error.value.codes == ["deal_norm_days_invalid", "deal_norm_days_invalid"]
    assert {v.field for v in error.value.violations} == {"stall_days", "stages.0.norm_days"}
    assert not DealKind.objects.filter(name="Bad").exists()


def test_the_kind_api_takes_and_refuses_norms(api_as, db):
    kind = DealKind.objects.get(process_type="manual")
    client = api_as("head")
    found = client.get(f"/api/v1/deal-kinds/{kind.pk}")

    refused = client.patch(
        f"/api/v1/deal-kinds/{kind.pk}", {"stall_days": 0}, headers={"If-Match": found["ETag"]}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "deal_norm_days_invalid"
    kind.refresh_from_db()
    assert kind.stall_days is None

    saved = client.patch(
        f"/api/v1/deal-kinds/{kind.pk}", {"stall_days": 12}, headers={"If-Match": found["ETag"]}
    )
    assert saved.status_code == 200
    assert saved.json()["stall_days"] == 12


@pytest.mark.parametrize("days_after", [-1, 0, 1])
def test_the_edges_of_each_norm_are_the_same_day_by_day(dataset, actors, contact, days_after):
    """The database narrows the deals before the lines are computed: on the last day within
    a norm no line, on the day after one line. "Quiet" entered its stage 10 June at noon
    (stage norm 5 days, stall 10 days); "Talking" entered 10 June and had a call 25 June at
    noon; an interaction at the first moment of the stall norm's first day keeps a deal
    from stalling."""
    owner = actors["owner"]
    edge = dataset["moved"]  # entered 27 June; a call at 00:00 on 28 June, stall from 8 July
    Deal.objects.filter(pk=edge.pk).update(stage_entered_at=at(d(6, 20)))
    interaction_create(
        kind="call",
        title="At midnight",
        by=owner,
        start=at(d(6, 28), 0),
        subject_type="deals.deal",
        subject_id=edge.pk,
    )
    cases = {
        # (signal, deal): the last day without a line
        ("stage_norm", "Quiet"): d(6, 15),
        ("stalled", "Quiet"): d(6, 20),
        ("stalled", "Talking"): d(7, 5),
        ("stalled", "Moved"): d(7, 8),
    }
    for (signal, name), last_quiet_day in cases.items():
        on = last_quiet_day + datetime.timedelta(days=days_after)
        found = {
            (x.signal, x.deal_name): x.days_overdue
            for x in deal_monitoring(user=owner, on=on).lines
        }
        if days_after <= 0:
            assert (signal, name) not in found, (signal, name, on)
        else:
            assert found[(signal, name)] == days_after, (signal, name, on)
