"""PDF forms of the proposal and the invoice (S6, S10), read back with an independent
parser (pypdf): number, partner, requisites, lines, totals and stages are in the text."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ladoga.accounts.models import User
from ladoga.partners.models import Counterparty
from ladoga.partners.services import partner_create
from ladoga.sales import services
from ladoga.sales.services import LineIn

from .conftest import DAY


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    # Words may be split by the layout: compare without line breaks.
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def company(db):
    return services.company_update(
        expected_version=None,
        name="Ладога Трейд",
        full_name="ООО «Ладога Трейд»",
        inn="7707083893",
        bik="044525225",
        account="40702810900000000001",
        director="Иванов И. И.",
    )


@pytest.fixture
def cyrillic_partner(owner):
    return partner_create(name="ООО Ромашка", manager=owner)


@pytest.fixture
def proposal(cyrillic_partner, agreement, products, owner):
    return services.proposal_create(
        partner=cyrillic_partner,
        agreement=agreement,
        date=DAY,
        lines=[
            LineIn(product=products["P-1"], quantity=D("2")),
            LineIn(product=products["P-2"], quantity=D("4")),
        ],
        comment="Доставка за наш счёт",
        by=owner,
    )


@pytest.fixture
def invoice(cyrillic_partner, agreement, products, owner):
    counterparty = Counterparty.objects.create(
        partner=cyrillic_partner,
        short_name="Ромашка",
        full_name="Общество с ограниченной ответственностью «Ромашка»",
        kind="legal_entity",
        inn="7736207543",
        legal_address="г. Москва, ул. Льва Толстого, д. 16",
    )
    order = services.order_create(
        partner=cyrillic_partner,
        counterparty=counterparty,
        agreement=agreement,
        date=DAY,
        lines=[LineIn(product=products["P-1"], quantity=D("10"))],
        by=owner,
    )
    services.order_post(order=order)
    return services.invoice_create(order=order, date=DAY)


def test_proposal_pdf_carries_the_printed_form(browser_as, company, proposal):
    url = reverse("sales:proposal_print", args=[proposal.pk])
    text = pdf_text(browser_as("owner").get(url, {"format": "pdf"}))

    assert f"Commercial proposal № {proposal.number}" in text
    assert "ООО Ромашка" in text  # no counterparty: addressed to the partner
    assert "ООО «Ладога Трейд»" in text and "7707083893" in text  # requisites
    assert "Cement M500" in text and "Sand" in text
    assert proposal.total == D("1406.00")  # 2 × 475 + 4 × 114
    assert "To pay: RUB 1,406.00" in text  # core.formats (no-break spaces read as spaces)
    assert "Standard terms" in text
    assert "Доставка за наш счёт" in text
    assert "Иванов И. И." in text


def test_invoice_pdf_carries_stages_and_due_dates(browser_as, company, invoice):
    url = reverse("sales:invoice_print", args=[invoice.pk])
    response = browser_as("owner").get(url, {"format": "pdf"})
    text = pdf_text(response)

    assert response["Content-Disposition"] == f'inline; filename="{invoice.number}.pdf"'
    assert f"Invoice for payment № {invoice.number}" in text
    assert "«Ромашка»" in text and "7736207543" in text and "г. Москва" in text
    assert invoice.order.number in text
    assert invoice.total == D("4750.00")
    assert "To pay: RUB 4,750.00" in text
    assert "Including VAT: RUB 791.67" in text
    # 30 % prepayment within 3 days of the order, 70 % 14 days after delivery
    stages = list(invoice.stages.order_by("due_date"))
    assert [s.amount for s in stages] == [D("1425.00"), D("3325.00")]
    assert "March 5, 2026" in text and "March 21, 2026" in text  # due dates
    assert "1,425.00" in text and "3,325.00" in text
    assert "Payment stage" in text


def test_pdf_speaks_the_users_language(browser_as, owner, company, invoice, proposal):
    User.objects.filter(pk=owner.pk).update(language="ru")
    url = reverse("sales:invoice_print", args=[invoice.pk])
    text = pdf_text(browser_as("owner").get(url, {"format": "pdf"}))

    assert f"Счёт на оплату № {invoice.number}" in text
    assert "К оплате: 4 750,00 ₽" in text
    assert "Покупатель" in text
    assert "2 марта 2026" in text  # the invoice's date

    url = reverse("sales:proposal_print", args=[proposal.pk])
    text = pdf_text(browser_as("owner").get(url, {"format": "pdf"}))
    assert f"Коммерческое предложение № {proposal.number}" in text
    assert "Кому: ООО Ромашка" in text
    assert "НДС, %" in text


def test_pdf_without_requisites_asks_for_them(browser_as, proposal):
    url = reverse("sales:proposal_print", args=[proposal.pk])
    text = pdf_text(browser_as("owner").get(url, {"format": "pdf"}))
    assert "Own company: fill in its requisites" in text


@pytest.mark.parametrize("actor, status", [("head", 200), ("colleague", 404), ("outsider", 404)])
def test_pdf_follows_the_pages_access(browser_as, proposal, invoice, actor, status):
    for name, document in (("sales:proposal_print", proposal), ("sales:invoice_print", invoice)):
        url = reverse(name, args=[document.pk])
        response = browser_as(actor).get(url, {"format": "pdf"})
        assert response.status_code == status
        if status == 404:
            assert not response.content.startswith(b"%PDF")


def test_pdf_needs_a_signed_in_user(client, proposal):
    url = reverse("sales:proposal_print", args=[proposal.pk])
    response = client.get(url, {"format": "pdf"})
    assert response.status_code == 302
    assert not response.content.startswith(b"%PDF")


def test_the_printable_page_links_its_pdf(browser_as, proposal):
    url = reverse("sales:proposal_print", args=[proposal.pk])
    page = browser_as("owner").get(url).content.decode()
    assert 'href="?format=pdf"' in page
