"""The client dossier (A9): its sections through record-level access, a bounded number
of queries however long the history, 404 for a partner the user may not see, the PDF."""

import io

import pytest
from pypdf import PdfReader

from ladoga.analytics.dossier import dossier_of
from ladoga.deals import services as deals
from ladoga.deals.models import DealKind
from ladoga.partners.classes import ClientClass
from ladoga.partners.models import Counterparty
from ladoga.partners.services import contact_create, partner_create, segment_create

from .conftest import ON, d


@pytest.fixture
def client_partner(actors, contact):
    owner = actors["owner"]
    partner = partner_create(
        name="ООО «Ромашка»", manager=owner, by=owner, segments=[segment_create(name="Key")]
    )
    Counterparty.objects.create(
        partner=partner,
        short_name="Ромашка",
        full_name="ООО «Ромашка»",
        inn="7707083893",
        kind="legal_entity",
    )
    contact_create(partner=partner, last_name="Петров", position="Buyer", by=owner)
    kind = DealKind.objects.get(process_type="manual")
    deals.deal_create(name="Cement", partner=partner, kind=kind, by=owner)
    for day in range(1, 6):
        contact(partner, "call", d(6, day), by=owner)
    return partner


def test_the_dossier_gathers_every_section(client_partner, actors, class_provider):
    class_provider(lambda ids: {pk: ClientClass("A", "Y") for pk in ids})
    found = dossier_of(partner_id=client_partner.pk, user=actors["owner"], on=ON)

    assert found.classification == "AY"
    assert found.segments == ["Key"]
    assert [c["inn"] for c in found.counterparties] == ["7707083893"]
    assert [c["name"] for c in found.contacts] == ["Петров"]
    assert [x["name"] for x in found.open_deals] == ["Cement"]
    assert found.closed_deals == []
    assert found.interactions_total == 5
    assert [i["start"].day for i in found.timeline] == [5, 4, 3, 2, 1]
    assert len(found.revenue_by_month) == 12
    assert found.revenue_by_month[-1]["month"] == d(6, 1)
    assert found.payments["debt"] == 0
    assert found.loyalty_cards == []


def test_the_query_count_does_not_grow_with_the_history(
    client_partner, actors, contact, django_assert_max_num_queries
):
    for day in range(6, 30):
        contact(client_partner, "meeting", d(6, day), by=actors["owner"])

    with django_assert_max_num_queries(30):
        found = dossier_of(partner_id=client_partner.pk, user=actors["owner"], on=ON)

    assert found.interactions_total == 29


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("head", 200), ("admin", 200), ("colleague", 404), ("outsider", 404)],
)
def test_a_partner_the_user_may_not_see_is_404(client_partner, api_as, browser_as, actor, status):
    api = api_as(actor).get(f"/api/v1/partners/{client_partner.pk}/dossier")
    page = browser_as(actor).get(f"/analytics/partners/{client_partner.pk}/dossier/")

    assert (api.status_code, page.status_code) == (status, status)
    if status == 200:
        assert api.json()["partner_name"] == "ООО «Ромашка»"
        assert api.json()["loyalty_cards"] == []
        assert "ООО «Ромашка»" in page.content.decode()


def test_the_page_queries_are_bounded(client_partner, browser_as, django_assert_max_num_queries):
    with django_assert_max_num_queries(45):
        page = browser_as("owner").get(f"/analytics/partners/{client_partner.pk}/dossier/")

    assert page.status_code == 200
    assert page.content.decode().count('data-testid="dossier-open-deal"') == 1


def test_the_pdf_has_the_cyrillic_name_and_every_section(client_partner, browser_as):
    response = browser_as("owner").get(f"/analytics/partners/{client_partner.pk}/dossier.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ромашка" in text
    for section in (
        "Counterparties",
        "Contact persons",
        "Deals",
        "Interactions",
        "Claims",
        "Revenue by month",
        "Payment discipline",
        "Loyalty cards",
    ):
        assert section in text
    assert "7707083893" in text


def test_the_dossier_lists_the_partners_loyalty_cards(client_partner, actors, api_as, browser_as):
    from decimal import Decimal

    from ladoga.loyalty.services import card_issue, card_kind_create

    kind = card_kind_create(name="Gold", percent=Decimal("5"), check_digit="none", length=6)
    card_issue(kind=kind, partner=client_partner, number="000042", issued_on=d(5, 1))

    found = dossier_of(partner_id=client_partner.pk, user=actors["owner"], on=ON)
    api = api_as("owner").get(f"/api/v1/partners/{client_partner.pk}/dossier").json()
    page = browser_as("owner").get(f"/analytics/partners/{client_partner.pk}/dossier/")
    pdf = browser_as("owner").get(f"/analytics/partners/{client_partner.pk}/dossier.pdf")

    assert [(c["number"], c["kind"], c["percent"]) for c in found.loyalty_cards] == [
        ("000042", "Gold", Decimal("5"))
    ]
    assert [(c["number"], c["percent"]) for c in api["loyalty_cards"]] == [("000042", "5.00")]
    assert "000042" in page.content.decode()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "000042" in text
