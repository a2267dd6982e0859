"""The client portal (C4): a portal user files and follows its own partner's claims and
sees nothing else; every other partner's id answers 404; bad input writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ladoga.accounts import access
from ladoga.accounts.roles import Role
from ladoga.accounts.services import user_create
from ladoga.claims.models import Claim
from ladoga.claims.services import claim_comment_add, claim_transition
from ladoga.core.errors import ValidationFailed
from ladoga.core.models import Attachment
from ladoga.interactions.models import Notification
from ladoga.portal.models import PortalAccount
from ladoga.portal.services import portal_account_bind, portal_claim_file
from tests.claims.conftest import counts

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 100


def stored_files(files_root):
    return [p for p in files_root.rglob("*") if p.is_file()] if files_root.exists() else []


def nothing_written(before, files_root):
    assert counts() == before
    assert not Notification.objects.exists()
    assert stored_files(files_root) == []


# --- Binding --------------------------------------------------------------------------


def test_binding_through_accounts_as_the_cli_does(partner):
    user = user_create(username="client", role=Role.PORTAL, partner_id=partner.pk)
    assert PortalAccount.objects.get(user=user).partner == partner
    assert access.portal_partner_of(user) == partner.pk


def test_binding_to_an_unknown_partner_or_a_staff_user_is_refused(actors, partner):
    with pytest.raises(ValidationFailed) as error:
        portal_account_bind(user=actors["portal"], partner_id=999999)
    assert error.value.codes == ["portal_partner_unknown"]
    with pytest.raises(ValidationFailed) as error:
        portal_account_bind(user=actors["owner"], partner_id=partner.pk)
    assert error.value.codes == ["portal_user_required"]
    assert not PortalAccount.objects.exists()


def test_rebinding_moves_the_user_to_the_other_partner(actors, partner, other_partner):
    portal_account_bind(user=actors["portal"], partner_id=partner.pk)
    portal_account_bind(user=actors["portal"], partner_id=other_partner.pk)
    assert PortalAccount.objects.get().partner == other_partner


# --- Who gets in ----------------------------------------------------------------------


def test_anonymous_visitors_sign_in_first(client, db):
    response = client.get("/portal/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_staff_opening_the_portal_go_back_to_their_desk(browser_as, db):
    response = browser_as("owner").get("/portal/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_unbound_portal_user_is_told_so(browser_as, db):
    response = browser_as("portal").get("/portal/")
    assert response.status_code == 403
    assert b'data-testid="portal-unbound"' in response.content


@pytest.mark.parametrize(
    "path", ["/", "/claims/", "/interactions/", "/profile/", "/admin/", "/files/1/"]
)
def test_staff_pages_send_portal_users_to_the_portal(portal, path):
    response = portal.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/portal/"


def test_the_staff_api_refuses_a_portal_session(portal):
    response = portal.get("/api/v1/claims")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_signing_in_lands_a_portal_user_in_the_portal(client, portal_user):
    response = client.post(
        "/login/",
        {"username": "portal", "password": "correct horse battery staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/portal/"
    assert b'data-testid="portal-partner"' in response.content


# --- The list and the card ------------------------------------------------------------


def test_home_lists_only_the_partners_claims(portal, claim_factory, partner, other_partner, actors):
    claim_factory(partner, essence="Our broken pallet")
    claim_factory(other_partner, by=actors["outsider"], essence="Their secret")
    page = portal.get("/portal/").content.decode()
    assert "Our broken pallet" in page
    assert "Their secret" not in page


def test_home_empty_state(portal):
    response = portal.get("/portal/")
    assert b'data-testid="empty-state"' in response.content


def test_home_query_count_does_not_grow(
    portal, claim_factory, partner, django_assert_max_num_queries
):
    for _ in range(25):
        claim_factory(partner)
    portal.get("/portal/")
    with django_assert_max_num_queries(10):
        assert portal.get("/portal/").status_code == 200


def test_card_shows_status_public_comments_and_decision(portal, claim, owner):
    claim_comment_add(claim=claim, text="We are looking into it", by=owner, is_public=True)
    claim_comment_add(claim=claim, text="Internal: blame the warehouse", by=owner)
    claim = claim_transition(claim=claim, status="investigating", by=owner)
    claim_transition(
        claim=claim,
        status="resolved",
        resolution="partly",
        result="We refund half",
        compensation="100",
        by=owner,
    )

    page = portal.get(f"/portal/claims/{claim.pk}/").content.decode()
    assert "We are looking into it" in page
    assert "Internal: blame the warehouse" not in page
    assert "We refund half" in page
    assert "Partly satisfied" in page


def test_other_partners_ids_answer_404(portal, claim_factory, other_partner, actors):
    theirs = claim_factory(other_partner, by=actors["outsider"])
    from ladoga.core.services import attachment_add

    attachment = attachment_add(
        target=theirs, upload=SimpleUploadedFile("a.png", PNG), by=actors["outsider"]
    )
    assert portal.get(f"/portal/claims/{theirs.pk}/").status_code == 404
    assert portal.post(f"/portal/claims/{theirs.pk}/comments/", {"text": "hi"}).status_code == 404
    assert portal.get(f"/portal/claims/{theirs.pk}/files/{attachment.pk}/").status_code == 404
    assert portal.get("/portal/claims/999999/").status_code == 404
    assert not theirs.comments.exists()


def test_own_file_downloads_but_a_guessed_file_id_does_not(
    portal, claim, claim_factory, other_partner, actors
):
    from ladoga.core.services import attachment_add

    mine = attachment_add(target=claim, upload=SimpleUploadedFile("m.png", PNG), by=actors["owner"])
    theirs_claim = claim_factory(other_partner, by=actors["outsider"])
    theirs = attachment_add(
        target=theirs_claim, upload=SimpleUploadedFile("t.png", PNG), by=actors["outsider"]
    )
    response = portal.get(f"/portal/claims/{claim.pk}/files/{mine.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    # Someone else's file id under one's own claim: still not found.
    assert portal.get(f"/portal/claims/{claim.pk}/files/{theirs.pk}/").status_code == 404


# --- Filing a claim -------------------------------------------------------------------


def test_file_a_claim_with_an_order_and_files(portal, partner, order, actors, files_root):
    response = portal.post(
        "/portal/claims/new/",
        {
            "partner": partner.pk,
            "essence": "Two boxes missing",
            "order_number": "ord-1",
            "files": [SimpleUploadedFile("photo.png", PNG), SimpleUploadedFile("b.png", PNG)],
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/claims/{claim.pk}/"
    assert (claim.partner, claim.order, claim.source) == (partner, order, "portal")
    assert claim.responsible is None
    assert Attachment.objects.count() == 2
    assert len(stored_files(files_root)) == 2
    # The claims officer and the partner's manager hear of it, each in their language.
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"claims", "owner"}
    note = Notification.objects.get(user=actors["claims"])
    assert claim.number in note.title and note.url == f"/claims/{claim.pk}/"


def test_the_new_claim_form_carries_the_own_partner(portal, partner):
    page = portal.get("/portal/claims/new/").content.decode()
    assert f'name="partner" value="{partner.pk}"' in page


def test_filing_for_another_partner_is_not_found_and_writes_nothing(
    portal, other_partner, files_root
):
    before = counts()
    response = portal.post(
        "/portal/claims/new/",
        {
            "partner": other_partner.pk,
            "essence": "On their behalf",
            "files": [SimpleUploadedFile("p.png", PNG)],
        },
    )
    assert response.status_code == 404
    nothing_written(before, files_root)


def test_another_partners_order_number_is_unknown(portal, partner, other_order, files_root):
    before = counts()
    response = portal.post(
        "/portal/claims/new/",
        {"partner": partner.pk, "essence": "About their order", "order_number": "ORD-2"},
    )
    assert response.status_code == 400
    assert "You have no order numbered ORD-2" in response.content.decode()
    nothing_written(before, files_root)


def test_a_disallowed_file_type_is_refused_and_nothing_written(portal, partner, files_root):
    before = counts()
    response = portal.post(
        "/portal/claims/new/",
        {
            "partner": partner.pk,
            "essence": "See the attachment",
            "files": [SimpleUploadedFile("ok.png", PNG), SimpleUploadedFile("report.pdf", ELF)],
        },
    )
    assert response.status_code == 400
    assert "report.pdf" in response.content.decode()
    nothing_written(before, files_root)


def test_html_disguised_as_text_is_refused(portal, partner, files_root):
    before = counts()
    response = portal.post(
        "/portal/claims/new/",
        {
            "partner": partner.pk,
            "essence": "x",
            "files": [SimpleUploadedFile("notes.txt", b"<html><script>alert(1)</script>")],
        },
    )
    assert response.status_code == 400
    nothing_written(before, files_root)


def test_an_oversized_file_is_refused_and_nothing_written(portal, partner, files_root, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    before = counts()
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (1024 * 1024))
    response = portal.post(
        "/portal/claims/new/", {"partner": partner.pk, "essence": "Big photo", "files": [big]}
    )
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
    nothing_written(before, files_root)


def test_an_empty_essence_is_refused(portal, partner, files_root):
    before = counts()
    response = portal.post("/portal/claims/new/", {"partner": partner.pk, "essence": "   "})
    assert response.status_code == 400
    nothing_written(before, files_root)


def test_the_service_refuses_too_many_files_and_empty_essence(portal_user, partner):
    files = [SimpleUploadedFile(f"{i}.png", PNG) for i in range(11)]
    with pytest.raises(ValidationFailed) as error:
        portal_claim_file(user=portal_user, partner_id=partner.pk, essence="", files=files)
    assert error.value.codes == ["claim_essence_required", "portal_too_many_files"]
    assert not Claim.objects.exists()


# --- Comments -------------------------------------------------------------------------


def test_a_comment_with_markup_is_kept_as_text_and_shown_escaped(portal, claim):
    text = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = portal.post(f"/portal/claims/{claim.pk}/comments/", {"text": text})
    assert response.status_code == 302
    comment = claim.comments.get()
    assert (comment.text, comment.is_public, comment.from_client) == (text, True, True)

    page = portal.get(f"/portal/claims/{claim.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_an_empty_comment_is_refused(portal, claim):
    response = portal.post(f"/portal/claims/{claim.pk}/comments/", {"text": "  "})
    assert response.status_code == 400
    assert not claim.comments.exists()


def test_the_portal_speaks_russian(portal, portal_user):
    from ladoga.accounts.services import user_language_set

    user_language_set(user=portal_user, language="ru")
    page = portal.get("/portal/").content.decode()
    assert "Ваши претензии" in page


def test_a_partner_merge_moves_claims_and_portal_users(portal_user, partner, claim_factory, actors):
    from ladoga.partners.services import partner_create, partner_merge

    survivor = partner_create(name="Ромашка Групп", roles=["client"], manager=actors["owner"])
    claim = claim_factory(partner)

    partner_merge(survivor=survivor, duplicate=partner, by=actors["admin"])

    claim.refresh_from_db()
    assert claim.partner == survivor
    assert PortalAccount.objects.get(user=portal_user).partner == survivor
