"""The claims pages: list with filters and empty states, the card, forms, reports."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ladoga.claims.models import Claim
from ladoga.claims.services import claim_comment_add, claim_transition
from ladoga.core.models import Attachment
from ladoga.interactions.services import interaction_create

from .conftest import counts

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_empty_list_invites_to_register(browser_as, db):
    response = browser_as("owner").get("/claims/")
    assert response.status_code == 200
    assert b'data-testid="empty-state"' in response.content
    assert "No claims yet" in response.content.decode()


def test_list_filters_search_and_paginates(browser_as, claim_factory, partner, reasons):
    for index in range(55):
        claim_factory(partner, essence=f"Claim {index}", reason=reasons["late"])
    claim_factory(partner, essence="A dented can", reason=reasons["defect"])
    client = browser_as("owner")

    first = client.get("/claims/")
    assert first.status_code == 200
    assert first.content.count(b'href="/claims/') >= 50
    assert b'rel="next"' in first.content

    found = client.get("/claims/", {"q": "dented"}).content.decode()
    assert "A dented can" in found and "Claim 1<" not in found

    by_reason = client.get("/claims/", {"reason": reasons["defect"].pk}).content.decode()
    assert "A dented can" in by_reason

    nothing = client.get("/claims/", {"q": "no such thing"}).content.decode()
    assert "No claims match the filters" in nothing


def test_list_page_query_count_does_not_grow(
    browser_as, claim_factory, partner, django_assert_max_num_queries
):
    for _ in range(30):
        claim_factory(partner)
    client = browser_as("owner")
    client.get("/claims/")
    with django_assert_max_num_queries(16):
        response = client.get("/claims/")
    assert response.status_code == 200


def test_list_shows_only_visible_claims(
    browser_as, claim_factory, partner, other_partner, outsider
):
    claim_factory(partner, essence="Mine")
    claim_factory(other_partner, by=outsider, essence="Theirs")
    page = browser_as("owner").get("/claims/").content.decode()
    assert "Mine" in page and "Theirs" not in page


def test_list_export_csv(browser_as, claim_factory, partner):
    claim_factory(partner, essence="=cmd|' /C calc'!A0")
    response = browser_as("owner").get("/claims/", {"format": "csv"})
    assert response.status_code == 200
    assert "'=cmd" in response.getvalue().decode("utf-8-sig")


def test_register_a_claim_through_the_form(browser_as, partner, reasons, departments):
    response = browser_as("owner").post(
        "/claims/new/",
        {
            "partner": partner.pk,
            "essence": "Wrong size",
            "reason": reasons["defect"].pk,
            "culprit_department": departments["sales"].pk,
            "date": "2026-05-05",
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/"
    assert claim.number == "CL-2026-000001"


def test_the_form_shows_the_services_errors_and_writes_nothing(browser_as, partner, order):
    before = counts()
    response = browser_as("owner").post(
        "/claims/new/",
        {"partner": partner.pk, "essence": "x", "order_number": "ORD-1", "compensation": "5000"},
    )
    assert response.status_code == 400
    assert "larger than the linked order" in response.content.decode()
    assert counts() == before


def test_unknown_order_number_is_refused(browser_as, partner, other_order):
    response = browser_as("owner").post(
        "/claims/new/", {"partner": partner.pk, "essence": "x", "order_number": "ORD-2"}
    )
    assert response.status_code == 400
    assert "no order numbered ORD-2" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_partner_out_of_reach_cannot_be_chosen(browser_as, other_partner):
    response = browser_as("owner").post(
        "/claims/new/", {"partner": other_partner.pk, "essence": "x"}
    )
    assert response.status_code == 400
    assert not Claim.objects.exists()


def test_card_shows_everything(browser_as, claim, owner, actors):
    claim_comment_add(claim=claim, text="<script>alert(1)</script>", by=owner, is_public=True)
    response = browser_as("owner").get(f"/claims/{claim.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert claim.number in page
    for testid in (
        "transition-form",
        "task-form",
        "comment-form",
        "file-form",
        "claim-transitions",
        "claim-facts",
    ):
        assert f'data-testid="{testid}"' in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "actor, status",
    [
        ("owner", 200),
        ("head", 200),
        ("claims", 200),
        ("admin", 200),
        ("colleague", 404),
        ("outsider", 404),
    ],
)
def test_card_permissions(browser_as, claim, actor, status):
    assert browser_as(actor).get(f"/claims/{claim.pk}/").status_code == status


@pytest.mark.parametrize(
    "path",
    [
        "/claims/",
        "/claims/new/",
        "/claims/reports/dynamics/",
        "/claims/reasons/",
        "/claims/{id}/",
        "/claims/{id}/edit/",
    ],
)
def test_portal_users_are_sent_to_the_portal(browser_as, claim, path):
    response = browser_as("portal").get(path.format(id=claim.pk))
    assert response.status_code == 302
    assert response["Location"] == "/portal/"


def test_anonymous_users_sign_in_first(client, claim):
    response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_move_through_the_flow_with_the_forms(browser_as, claim):
    client = browser_as("owner")
    response = client.post(
        f"/claims/{claim.pk}/transition/", {"version": 1, "status": "investigating"}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "investigating"

    refused = client.post(
        f"/claims/{claim.pk}/transition/",
        {"version": claim.version, "status": "resolved", "resolution": "satisfied", "result": ""},
    )
    assert refused.status_code == 302  # back to the card, which shows the refusal once
    assert refused["Location"] == f"/claims/{claim.pk}/"
    card = client.get(refused["Location"]).content.decode()
    assert "Describe the result" in card
    assert "Describe the result" not in client.get(f"/claims/{claim.pk}/").content.decode()
    claim.refresh_from_db()
    assert claim.status == "investigating"

    done = client.post(
        f"/claims/{claim.pk}/transition/",
        {
            "version": claim.version,
            "status": "resolved",
            "resolution": "partly",
            "result": "Half refunded",
            "compensation": "10.50",
        },
    )
    assert done.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, str(claim.compensation)) == ("resolved", "10.50")


def test_a_stale_form_is_refused(browser_as, claim, owner):
    claim_transition(claim=claim, status="investigating", by=owner)
    response = browser_as("owner").post(
        f"/claims/{claim.pk}/edit/",
        {"version": 1, "essence": "Overwritten", "date": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()
    claim.refresh_from_db()
    assert claim.essence != "Overwritten"


def test_edit_a_claim(browser_as, claim, reasons):
    response = browser_as("owner").post(
        f"/claims/{claim.pk}/edit/",
        {
            "version": claim.version,
            "essence": "Edited",
            "date": "2026-01-02",
            "reason": reasons["price"].pk,
            "compensation": "1",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.essence, claim.reason, claim.date) == (
        "Edited",
        reasons["price"],
        datetime.date(2026, 1, 2),
    )


def test_comments_files_and_plan_from_the_card(browser_as, claim, actors, files_root):
    client = browser_as("owner")
    assert (
        client.post(
            f"/claims/{claim.pk}/comments/", {"text": "Called the client", "is_public": "on"}
        ).status_code
        == 302
    )
    assert claim.comments.get().is_public

    upload = SimpleUploadedFile("act.pdf", PDF)
    assert client.post(f"/claims/{claim.pk}/files/", {"file": upload}).status_code == 302
    assert Attachment.objects.get().name == "act.pdf"

    bad = SimpleUploadedFile("x.html", b"<html><script>1</script>")
    response = client.post(f"/claims/{claim.pk}/files/", {"file": bad})
    assert response.status_code == 302
    assert 'class="field-error"' in client.get(response["Location"]).content.decode()
    assert Attachment.objects.count() == 1

    assert (
        client.post(
            f"/claims/{claim.pk}/plan/",
            {
                "title": "Inspect the batch",
                "assignee": actors["colleague"].pk,
                "due_date": "2030-01-01",
            },
        ).status_code
        == 302
    )
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Inspect the batch" in page and "0 of 1 done" in page

    from ladoga.claims.integrations import tasks_of

    task = tasks_of(claim).get()
    assert client.post(f"/claims/{claim.pk}/plan/{task.pk}/done/").status_code == 302
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "1 of 1 done (100 %)" in page


def test_claim_based_on_an_interaction(browser_as, partner, owner, actors):
    interaction = interaction_create(
        kind="call",
        title="Angry call about a late truck",
        body="The truck was two days late",
        direction="incoming",
        by=owner,
        subject_type="partners.partner",
        subject_id=partner.pk,
    )
    client = browser_as("owner")
    form = client.get("/claims/new/", {"interaction": interaction.pk}).content.decode()
    assert "Angry call about a late truck" in form

    response = client.post(
        "/claims/new/",
        {"interaction": interaction.pk, "partner": partner.pk, "essence": "Late truck"},
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.interaction, claim.source) == (interaction, "interaction")
    interaction.refresh_from_db()
    assert (interaction.subject_type, interaction.subject_id) == ("claims.claim", claim.pk)

    card = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Angry call about a late truck" in card


def test_interactions_about_the_claim_are_listed(browser_as, claim, owner):
    interaction_create(
        kind="call",
        title="Follow-up call",
        by=owner,
        subject_type="claims.claim",
        subject_id=claim.pk,
    )
    card = browser_as("claims").get(f"/claims/{claim.pk}/").content.decode()
    assert "Follow-up call" in card


@pytest.mark.parametrize("name", ["dynamics", "satisfaction", "structure"])
def test_report_pages_draw_a_chart_without_inline_script_or_style(browser_as, claim, owner, name):
    claim = claim_transition(claim=claim, status="investigating", by=owner)
    claim_transition(claim=claim, status="resolved", resolution="satisfied", result="ok", by=owner)
    response = browser_as("owner").get(f"/reports/claims-{name}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="report-table"' in page
    if name != "structure":
        assert "<svg viewBox" in page
    else:
        assert "heat-5" in page
    assert "style=" not in page.split('<main id="main"')[1]
    assert "<script>" not in page


def test_report_page_empty_state_and_bad_period(browser_as, db):
    client = browser_as("owner")
    assert b'data-testid="empty-state"' in client.get("/reports/claims-satisfaction/").content
    response = client.get(
        "/reports/claims-dynamics/", {"date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "starts after it ends" in response.content.decode()


def test_report_page_exports(browser_as, claim):
    response = browser_as("owner").get("/reports/claims-structure/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_reasons_catalogue(browser_as, reasons):
    assert browser_as("owner").post("/claims/reasons/", {"name": "New"}).status_code == 403
    assert browser_as("claims").post("/claims/reasons/", {"name": "Rude"}).status_code == 302
    page = browser_as("owner").get("/claims/reasons/").content.decode()
    assert "Rude" in page


def test_pages_speak_russian(browser_as, claim, actors):
    from ladoga.accounts.services import user_language_set

    user_language_set(user=actors["owner"], language="ru")
    page = browser_as("owner").get(f"/claims/{claim.pk}/").content.decode()
    assert "Претензия" in page


def test_list_sorts_by_a_column_header_and_chooses_the_page_size(
    browser_as, claim_factory, partner
):
    import datetime

    made = [
        claim_factory(
            partner,
            essence=f"Claim {index:02d}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
        )
        for index in range(30)
    ]
    client = browser_as("owner")

    newest = client.get("/claims/").content.decode()  # the default: the newest first
    assert newest.index(made[29].number) < newest.index(made[0].number)
    oldest = client.get("/claims/", {"sort": "number"}).content.decode()
    assert oldest.index(made[0].number) < oldest.index(made[29].number)
    assert 'aria-sort="ascending"' in oldest
    paged = client.get("/claims/", {"sort": "-number", "per_page": 25}).content.decode()
    assert "Page 1 of 2 · 30 in all" in paged and f">{made[0].number}<" not in paged
    assert client.get("/claims/", {"sort": "essence", "per_page": "-1"}).status_code == 200


def test_list_period_filter_and_an_inverted_period_is_a_clear_error(
    browser_as, claim_factory, partner
):
    import datetime

    claim_factory(partner, essence="January claim", date=datetime.date(2026, 1, 10))
    claim_factory(partner, essence="March claim", date=datetime.date(2026, 3, 10))
    client = browser_as("owner")

    march = client.get("/claims/", {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert "March claim" in march.content.decode()
    assert "January claim" not in march.content.decode()
    inverted = client.get("/claims/", {"date_from": "2026-03-31", "date_to": "2026-03-01"})
    assert inverted.status_code == 200
    html = inverted.content.decode()
    assert "The period starts after it ends." in html
    assert "March claim" not in html and "January claim" not in html
