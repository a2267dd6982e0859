"""The deals pages: every page renders for the people who may see it, the board and the
list keep their query counts, moves from the board answer with the card or the unmet
guards, and the forms call the same services as the API."""

import datetime

import pytest
from django.utils import timezone

from ladoga.deals import services
from ladoga.deals.models import Deal, DealStatus
from ladoga.interactions.models import Task

from .conftest import counts, stage, tasks_done


@pytest.mark.parametrize(
    "actor, status", [("owner", 200), ("head", 200), ("colleague", 404), ("outsider", 404)]
)
def test_the_deal_card_follows_access(browser_as, deal, actor, status):
    for tab in ("overview", "tasks", "documents", "environment", "history", "changes"):
        response = browser_as(actor).get(f"/deals/{deal.pk}/?tab={tab}")
        assert response.status_code == status, tab


def test_the_card_says_what_the_next_stage_needs(browser_as, deal):
    page = browser_as("owner").get(f"/deals/{deal.pk}/").content.decode()
    assert 'data-testid="next-stage"' in page
    assert "Finish the required tasks of the current stage first." in page
    assert "Name at least one contact person" in page


def test_pages_render(browser_as, deal, strict):
    client = browser_as("owner")
    for url in (
        "/deals/",
        "/deals/new/",
        f"/deals/{deal.pk}/edit/",
        "/deals/board/" + str(strict.pk) + "/",
        "/deals/tasks/",
        "/deals/kinds/",
        f"/deals/kinds/{strict.pk}/",
        "/deals/reasons/",
        "/reports/funnel/",
        "/reports/deal-efficiency/",
        "/reports/weighted-forecast/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"style=" not in response.content, url
        assert b"<script>" not in response.content, url


def test_portal_clients_are_sent_to_the_portal(browser_as):
    assert browser_as("portal").get("/deals/").status_code == 302


def test_the_list_keeps_its_query_count(browser_as, deal_factory, django_assert_max_num_queries):
    client = browser_as("owner")
    client.get("/deals/")
    for index in range(10):
        deal_factory(name=f"Deal {index}")
    with django_assert_max_num_queries(14):
        response = client.get("/deals/")
    assert response.content.count(b"/deals/") > 10


def test_the_board_keeps_its_query_count(
    browser_as, deal_factory, manual, django_assert_max_num_queries
):
    client = browser_as("owner")
    client.get(f"/deals/board/{manual.pk}/")
    for index, code in enumerate(["lead", "pilot", "tender", "lead", "contract"] * 3):
        deal_factory(kind=manual, stage=stage(manual, code), name=f"Deal {index}")
    with django_assert_max_num_queries(24):
        response = client.get(f"/deals/board/{manual.pk}/")
    assert response.content.count(b'data-testid="deal-card"') == 15


def test_a_move_from_the_board_answers_with_the_card(browser_as, deal_factory, manual):
    deal = deal_factory(kind=manual, stage=stage(manual, "lead"))
    response = browser_as("owner").post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(manual, "tender").pk, "version": deal.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert b'data-testid="deal-card"' in response.content
    assert Deal.objects.get(pk=deal.pk).stage.code == "tender"


def test_a_refused_move_from_the_board_shows_every_unmet_guard(browser_as, deal):
    before = counts()
    response = browser_as("owner").post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(deal.kind, "client_classified").pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "[data-board-messages]"
    assert response["HX-Trigger"] == "deal-move-refused"
    page = response.content.decode()
    for code in ("deal_stage_skipped", "deal_agreement_missing", "deal_tasks_open"):
        assert f'data-code="{code}"' in page
    assert counts() == before


def test_win_from_the_board_refused_without_an_order(browser_as, deal, advance):
    deal = advance(deal, "order")
    response = browser_as("owner").post(
        f"/deals/{deal.pk}/win/", {"version": deal.version}, headers={"HX-Request": "true"}
    )
    assert response["HX-Trigger"] == "deal-move-refused"
    assert b'data-code="deal_order_not_posted"' in response.content


def test_more_cards_of_a_column(browser_as, deal_factory, manual):
    lead = stage(manual, "lead")
    for index in range(3):
        deal_factory(kind=manual, stage=lead, name=f"Deal {index}")
    response = browser_as("owner").get(f"/deals/board/{manual.pk}/column/{lead.pk}/?offset=1")
    assert response.content.count(b'data-testid="deal-card"') == 2


def test_open_a_deal_from_the_form(browser_as, partner, strict):
    response = browser_as("owner").post(
        "/deals/new/",
        {"name": "From the form", "partner": partner.pk, "kind": strict.pk, "currency": "RUB"},
    )
    deal = Deal.objects.get(name="From the form")
    assert response.status_code == 302
    assert response["Location"] == f"/deals/{deal.pk}/"


def test_a_deal_based_on_an_interaction(browser_as, owner, partner, strict):
    from ladoga.interactions.services import interaction_create

    call = interaction_create(
        kind="call",
        title="Wants cement",
        responsible=owner,
        subject_type="partners.partner",
        subject_id=partner.pk,
        by=owner,
    )
    page = browser_as("owner").get(f"/deals/new/?interaction={call.pk}")
    assert b"Wants cement" in page.content
    browser_as("owner").post(
        "/deals/new/",
        {
            "name": "Cement",
            "partner": partner.pk,
            "kind": strict.pk,
            "currency": "RUB",
            "interaction": call.pk,
        },
    )
    deal = Deal.objects.get(name="Cement")
    assert (deal.interaction, deal.source) == (call, "interaction")


def test_lose_and_reopen_from_the_card(browser_as, deal, reasons):
    browser_as("owner").post(f"/deals/{deal.pk}/lose/", {"reason": reasons[0].pk})
    assert Deal.objects.get(pk=deal.pk).status == DealStatus.LOST
    browser_as("owner").post(f"/deals/{deal.pk}/reopen/")
    assert Deal.objects.get(pk=deal.pk).status == DealStatus.LOST
    browser_as("head").post(f"/deals/{deal.pk}/reopen/", {"comment": "back"})
    assert Deal.objects.get(pk=deal.pk).status == DealStatus.IN_PROGRESS


def test_losing_without_a_reason_from_the_card_changes_nothing(browser_as, deal):
    before = counts()
    response = browser_as("owner").post(f"/deals/{deal.pk}/lose/", {"reason": ""}, follow=True)
    assert b"Choose why the deal was lost." in response.content
    assert counts() == before


def test_my_tasks_marks_the_overdue_and_completes(browser_as, deal):
    Task.objects.filter(subject_id=deal.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    page = browser_as("owner").get("/deals/tasks/")
    assert b"data-overdue" in page.content
    assert b'data-testid="overdue-count"' in page.content
    task = Task.objects.get(subject_id=deal.pk)
    browser_as("owner").post(f"/deals/tasks/{task.pk}/done/")
    task.refresh_from_db()
    assert task.status == "done"


def test_work_plan_task_from_the_card(browser_as, deal, owner):
    browser_as("owner").post(
        f"/deals/{deal.pk}/tasks/", {"title": "Call the buyer", "due_date": "2026-12-01"}
    )
    task = Task.objects.get(title="Call the buyer")
    assert (task.subject_type, task.subject_id, task.assignee) == ("deals.deal", deal.pk, owner)


def test_environment_graph_shows_parties_and_relations(browser_as, deal, competitor, contacts):
    from ladoga.partners.models import PartnerRelation, RelationType

    services.deal_party_add(deal=deal, role="competitor", partner=competitor, by=None)
    services.deal_update(deal=deal, expected_version=None, by=None, contacts=[contacts["boss"]])
    kind = RelationType.objects.create(name="competitor of", applies_to="partner")
    PartnerRelation.objects.create(type=kind, source=competitor, target=deal.partner)
    page = browser_as("owner").get(f"/deals/{deal.pk}/?tab=environment").content.decode()
    assert "<svg" in page
    assert "Rival Ltd" in page
    assert "competitor of" in page
    assert "Sidorova" in page


def test_configure_a_kind_from_the_pages(browser_as, manual):
    client = browser_as("admin")
    client.post(
        f"/deals/kinds/{manual.pk}/stages/new/",
        {
            "new-version": manual.version,
            "new-code": "survey",
            "new-name": "Site survey",
            "new-outcome": "open",
            "new-default_probability": 25,
        },
    )
    assert stage(manual, "survey").name == "Site survey"
    survey = stage(manual, "survey")
    client.post(
        f"/deals/kinds/{manual.pk}/stages/{survey.pk}/templates/",
        {"title": "Visit the site", "assignee_kind": "manager", "due_in_days": 2},
    )
    assert survey.task_templates.get().title == "Visit the site"
    assert browser_as("owner").post(f"/deals/kinds/{manual.pk}/links/", {}).status_code == 403


def test_report_pages_download_csv_and_xlsx(browser_as, deal):
    client = browser_as("owner")
    for url in ("/reports/funnel/", "/reports/deal-efficiency/", "/reports/weighted-forecast/"):
        csv = client.get(url + "?format=csv")
        assert csv.status_code == 200
        assert csv["Content-Type"].startswith("text/csv")
        xlsx = client.get(url + "?format=xlsx")
        assert b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_the_list_exports_and_neutralises_formulas(browser_as, deal_factory):
    deal_factory(name="=HYPERLINK(1)")
    response = browser_as("owner").get("/deals/?format=csv")
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv


def test_tasks_of_a_stage_must_be_done_before_leaving_from_the_card(browser_as, deal, contacts):
    services.deal_update(deal=deal, expected_version=None, by=None, contacts=[contacts["buyer"]])
    response = browser_as("owner").post(
        f"/deals/{deal.pk}/move/", {"stage": stage(deal.kind, "needs").pk}, follow=True
    )
    assert b"Finish the required tasks of the current stage first." in response.content
    tasks_done(deal)
    browser_as("owner").post(f"/deals/{deal.pk}/move/", {"stage": stage(deal.kind, "needs").pk})
    assert Deal.objects.get(pk=deal.pk).stage.code == "needs"


def test_the_list_sorts_by_a_column_header_and_chooses_the_page_size(browser_as, deal_factory):
    from decimal import Decimal

    for index in range(30):
        deal_factory(name=f"Deal {index:02d}", amount=Decimal(1000 + index))
    client = browser_as("owner")

    biggest = client.get("/deals/", {"sort": "-amount"}).content.decode()
    assert biggest.index("Deal 29") < biggest.index("Deal 00")
    smallest = client.get("/deals/", {"sort": "amount"}).content.decode()
    assert smallest.index("Deal 00") < smallest.index("Deal 29")
    assert 'aria-sort="ascending"' in smallest
    paged = client.get("/deals/", {"sort": "amount", "per_page": 25}).content.decode()
    assert "Page 1 of 2 · 30 in all" in paged and "Deal 24" in paged and "Deal 25" not in paged
    assert client.get("/deals/", {"sort": "-secret", "per_page": 7}).status_code == 200
