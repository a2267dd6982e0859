"""The home page: the blocks of each role, each loading on its own with the user's figures."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga.claims.services import claim_create
from ladoga.core.backup_log import backup_recorded
from ladoga.deals.models import DealKind
from ladoga.deals.services import deal_create
from ladoga.interactions.services import interaction_create, task_create
from ladoga.partners.services import partner_create

LEAD_BLOCKS = [
    "tasks",
    "reminders",
    "unprocessed",
    "department-pipeline",
    "funnel",
    "norms",
    "managers",
    "stalled",
    "claims",
]
ALL_BLOCKS = {
    "owner": ["tasks", "reminders", "unprocessed", "pipeline", "norms"],
    "head": LEAD_BLOCKS,
    "admin": [*LEAD_BLOCKS, "queue", "backup"],
    "claims": ["tasks", "reminders", "claims"],
}


@pytest.fixture
def strict(db):
    return DealKind.objects.get(process_type="strict")


@pytest.fixture
def partners(actors):
    return {
        "mine": partner_create(name="Romashka", manager=actors["owner"], by=actors["owner"]),
        "colleague": partner_create(
            name="Vasilek", manager=actors["colleague"], by=actors["colleague"]
        ),
        "other": partner_create(name="Lyutik", manager=actors["outsider"], by=actors["outsider"]),
    }


def blocks_on_page(response) -> list[str]:
    return [block.name for block in response.context["blocks"]]


@pytest.mark.parametrize("actor", list(ALL_BLOCKS))
def test_each_role_gets_its_blocks_each_loading_on_its_own(browser_as, actor):
    response = browser_as(actor).get("/")

    assert response.status_code == 200
    assert blocks_on_page(response) == ALL_BLOCKS[actor]
    page = response.content.decode()
    for name in ALL_BLOCKS[actor]:
        assert f'hx-get="/dashboard/blocks/{name}/"' in page
        assert browser_as(actor).get(f"/dashboard/blocks/{name}/").status_code == 200


def test_a_block_of_another_role_is_not_found(browser_as, client):
    assert browser_as("owner").get("/dashboard/blocks/queue/").status_code == 404
    assert browser_as("owner").get("/dashboard/blocks/nothing/").status_code == 404
    assert client.get("/dashboard/blocks/tasks/").status_code == 302


def test_tasks_block_counts_my_overdue_and_todays_tasks_only(browser_as, actors):
    today = timezone.localdate()
    owner = actors["owner"]
    for title, due in [
        ("Call back", today),
        ("Send offer", today - datetime.timedelta(days=2)),
        ("Later", today + datetime.timedelta(days=1)),
        ("Undated", None),
    ]:
        task_create(title=title, assignee=owner, by=owner, due_date=due)
    task_create(title="Not mine", assignee=actors["colleague"], by=owner, due_date=today)

    response = browser_as("owner").get("/dashboard/blocks/tasks/")

    assert (response.context["overdue"], response.context["due_today"]) == (1, 1)
    assert [t.title for t in response.context["rows"]] == ["Send offer", "Call back"]
    page = response.content.decode()
    assert "Later" not in page and "Not mine" not in page
    assert 'href="/deals/tasks/"' in page


def test_unprocessed_block_lists_what_waits_for_my_review(browser_as, actors, partners):
    owner = actors["owner"]
    start = timezone.now() - datetime.timedelta(hours=3)
    interaction_create(
        kind="call",
        title="Incoming call",
        by=owner,
        responsible=owner,
        subject_type="partners.partner",
        subject_id=partners["mine"].pk,
        start=start,
        reviewed=False,
    )
    interaction_create(
        kind="call",
        title="Reviewed call",
        by=owner,
        responsible=owner,
        subject_type="partners.partner",
        subject_id=partners["mine"].pk,
        start=start,
    )
    interaction_create(
        kind="call",
        title="Colleague's call",
        by=actors["colleague"],
        responsible=actors["colleague"],
        start=start,
        reviewed=False,
        subject_type="partners.partner",
        subject_id=partners["colleague"].pk,
    )

    response = browser_as("owner").get("/dashboard/blocks/unprocessed/")

    assert response.context["count"] == 1
    assert [i.title for i in response.context["rows"]] == ["Incoming call"]


def test_pipeline_blocks_weigh_visible_deals_by_probability(browser_as, actors, partners, strict):
    owner, colleague = actors["owner"], actors["colleague"]
    first = strict.stages.order_by("position").first()
    deal_create(
        name="Mine",
        partner=partners["mine"],
        kind=strict,
        by=owner,
        manager=owner,
        amount=Decimal("1000.00"),
        probability_override=30,
    )
    deal_create(
        name="Also mine",
        partner=partners["mine"],
        kind=strict,
        by=owner,
        manager=owner,
        amount=Decimal("500.00"),
        probability_override=50,
    )
    deal_create(
        name="Colleague's",
        partner=partners["colleague"],
        kind=strict,
        by=colleague,
        manager=colleague,
        amount=Decimal("2000.00"),
        probability_override=10,
    )
    deal_create(
        name="Elsewhere",
        partner=partners["other"],
        kind=strict,
        by=actors["outsider"],
        manager=actors["outsider"],
        amount=Decimal("9000.00"),
        probability_override=90,
    )

    mine = browser_as("owner").get("/dashboard/blocks/pipeline/").context
    department = browser_as("head").get("/dashboard/blocks/department-pipeline/").context

    assert (mine["deals"], mine["amount"], mine["weighted"]) == (
        2,
        Decimal("1500.00"),
        Decimal("550.00"),
    )
    assert [row["stage__name"] for row in mine["rows"]] == [first.name]
    assert (department["deals"], department["amount"], department["weighted"]) == (
        3,
        Decimal("3500.00"),
        Decimal("750.00"),
    )


def test_claims_block_counts_open_claims_the_user_may_see(browser_as, actors, partners):
    owner = actors["owner"]
    claim_create(partner=partners["mine"], essence="Broken", by=owner)
    claim_create(partner=partners["other"], essence="Late", by=actors["outsider"])

    head = browser_as("head").get("/dashboard/blocks/claims/").context
    admin = browser_as("admin").get("/dashboard/blocks/claims/").context

    assert (head["total"], head["registered"]) == (1, 1)
    assert admin["total"] == 2


def test_backup_block_says_when_the_last_backup_was_made(browser_as, settings, tmp_path):
    settings.HOME = tmp_path
    assert (
        "No backup has been made"
        in browser_as("admin").get("/dashboard/blocks/backup/").content.decode()
    )

    when = datetime.datetime(2026, 11, 30, 22, 15, tzinfo=datetime.UTC)
    backup_recorded(path=tmp_path / "nightly.ladoga", when=when)
    response = browser_as("admin").get("/dashboard/blocks/backup/")

    assert response.context["last"]["at"] == when
    assert "nightly.ladoga" in response.content.decode()
    (tmp_path / "last-backup.json").write_text("{not json")
    assert browser_as("admin").get("/dashboard/blocks/backup/").context["last"] is None


def test_queue_block_shows_the_worker_queue(browser_as):
    response = browser_as("admin").get("/dashboard/blocks/queue/")

    assert response.context["pending"] >= 0 and response.context["scheduled"] >= 0
    assert 'data-testid="queue-pending"' in response.content.decode()


@pytest.mark.parametrize(
    "name", ["tasks", "unprocessed", "department-pipeline", "funnel", "claims"]
)
def test_each_block_reads_in_a_few_queries(
    browser_as, django_assert_max_num_queries, name, actors, partners, strict
):
    for n in range(5):
        deal_create(
            name=f"Deal {n}",
            partner=partners["mine"],
            kind=strict,
            by=actors["owner"],
            manager=actors["owner"],
            amount=Decimal(100 * n),
        )
        claim_create(partner=partners["mine"], essence=f"Claim {n}", by=actors["owner"])
    client = browser_as("head")
    with django_assert_max_num_queries(10):
        assert client.get(f"/dashboard/blocks/{name}/").status_code == 200


def test_dashboard_in_russian(browser_as, actors):
    from ladoga.accounts.services import user_language_set

    user_language_set(user=actors["head"], language="ru")
    page = browser_as("head").get("/dashboard/blocks/claims/").content.decode()

    assert "Открытые претензии" in page


def test_norms_block_lists_my_clients_past_their_contact_norm(browser_as, actors, partners):
    from ladoga.interactions.services import contact_norm_create
    from ladoga.partners.models import Partner
    from ladoga.partners.services import segment_create

    key = segment_create(name="Key")
    for partner in partners.values():
        partner.segments.add(key)
    Partner.objects.update(created_at=timezone.now() - datetime.timedelta(days=40))
    contact_norm_create(name="Key clients", segment=key, days=14, kinds=["call", "meeting"])

    mine = browser_as("owner").get("/dashboard/blocks/norms/")
    head = browser_as("head").get("/dashboard/blocks/norms/").context

    assert mine.context["count"] == 1
    assert [r.partner_name for r in mine.context["rows"]] == ["Romashka"]
    assert 'href="/reports/contact-norms-overdue/"' in mine.content.decode()
    assert sorted(r.partner_name for r in head["rows"]) == ["Romashka", "Vasilek"]


def test_stalled_block_lists_deals_past_their_close_date(browser_as, actors, partners, strict):
    owner = actors["owner"]
    deal = deal_create(
        name="Late one",
        partner=partners["mine"],
        kind=strict,
        by=owner,
        manager=owner,
        expected_close_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    type(deal).objects.filter(pk=deal.pk).update(
        expected_close_date=timezone.localdate() - datetime.timedelta(days=5)
    )

    context = browser_as("head").get("/dashboard/blocks/stalled/").context

    close = [line for line in context["rows"] if line.signal == "close_date"]
    assert [(line.deal_id, line.days_overdue) for line in close] == [(deal.pk, 5)]
    assert browser_as("owner").get("/dashboard/blocks/stalled/").status_code == 404


def test_managers_block_compares_the_last_30_days_with_the_30_before(
    browser_as, actors, partners, strict
):
    owner = actors["owner"]
    today = timezone.localdate()
    for days_ago in (1, 2, 40):
        deal = deal_create(
            name=f"Opened {days_ago} days ago",
            partner=partners["mine"],
            kind=strict,
            by=owner,
            manager=owner,
        )
        type(deal).objects.filter(pk=deal.pk).update(
            opened_on=today - datetime.timedelta(days=days_ago)
        )

    context = browser_as("head").get("/dashboard/blocks/managers/").context

    rows = {str(row["title"]): row for row in context["rows"]}
    assert list(rows) == ["Deals opened", "Deals won", "Won amount", "Win rate, %"]
    assert (rows["Deals opened"]["now"], rows["Deals opened"]["then"]) == (2, 1)
    assert str(rows["Deals opened"]["change"]) == "100.0"
    assert (rows["Deals won"]["now"], rows["Deals won"]["then"]) == (0, 0)
    assert context["compared"] == context["period"].previous()
