"""The sales pages: who sees them, the posting result, approval, printing, query counts."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from ladoga.sales import services
from ladoga.sales.models import AgreementStatus, CustomerOrder, OwnCompany
from ladoga.sales.services import LineIn

from .conftest import DAY, refused


@pytest.mark.parametrize(
    "actor, status", [("owner", 200), ("head", 200), ("colleague", 404), ("outsider", 404)]
)
def test_order_page_follows_the_partners_visibility(browser_as, order, actor, status):
    response = browser_as(actor).get(reverse("sales:order_detail", args=[order.pk]))
    assert response.status_code == status


def test_order_list_page_shows_the_order(browser_as, order):
    response = browser_as("owner").get(reverse("sales:orders"))
    assert response.status_code == 200
    assert order.number in response.content.decode()
    assert order.number not in browser_as("outsider").get(reverse("sales:orders")).content.decode()


def test_order_list_page_takes_a_fixed_number_of_queries(
    browser_as, django_assert_max_num_queries, partner, counterparty, agreement, products
):
    for _ in range(15):
        services.order_create(
            partner=partner,
            counterparty=counterparty,
            agreement=agreement,
            date=DAY,
            lines=[LineIn(product=products["P-1"], quantity=D("1"))],
        )
    client = browser_as("head")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("sales:orders")).status_code == 200


def test_a_refused_posting_comes_back_to_the_order_page_with_every_violation(
    browser_as, order, agreement
):
    type(agreement).objects.filter(pk=agreement.pk).update(contract_required=True)
    client = browser_as("owner")
    order_url = reverse("sales:order_detail", args=[order.pk])

    response = client.post(reverse("sales:order_post", args=[order.pk]))

    assert response.status_code == 302
    assert response["Location"] == order_url
    assert CustomerOrder.objects.get(pk=order.pk).status == "draft"
    page = client.get(order_url).content.decode()
    assert 'data-testid="posting-violations"' in page
    assert '<li data-code="order_contract_missing">' in page  # the code stays off the text
    assert "<code>" not in page
    again = client.get(order_url).content.decode()  # a reload shows the page afresh
    assert 'data-testid="posting-violations"' not in again
    switched = client.post("/language/", {"language": "ru", "next": order_url})
    assert switched["Location"] == order_url


def test_opening_the_posting_address_leads_to_the_order(browser_as, order):
    response = browser_as("owner").get(reverse("sales:order_post", args=[order.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("sales:order_detail", args=[order.pk])
    assert CustomerOrder.objects.get(pk=order.pk).status == "draft"


def test_posting_from_the_page(browser_as, order):
    response = browser_as("owner").post(reverse("sales:order_post", args=[order.pk]))
    assert response.status_code == 302
    assert CustomerOrder.objects.get(pk=order.pk).status == "posted"


def test_new_order_form_creates_a_draft_with_agreement_prices(
    browser_as, partner, counterparty, agreement, products
):
    client = browser_as("owner")
    assert client.get(reverse("sales:order_create")).status_code == 200
    response = client.post(
        reverse("sales:order_create"),
        {
            "partner": partner.pk,
            "counterparty": counterparty.pk,
            "agreement": agreement.pk,
            "date": "2026-03-02",
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": products["P-1"].pk,
            "lines-0-quantity": "2",
        },
    )
    assert response.status_code == 302
    order = CustomerOrder.objects.get()
    assert order.lines.get().price == D("475.00")


def test_order_form_shows_bad_lines_and_writes_nothing(browser_as, partner, counterparty, products):
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        {
            "partner": partner.pk,
            "counterparty": counterparty.pk,
            "date": "2026-03-02",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": products["P-1"].pk,
            "lines-0-quantity": "-1",
        },
        follow=True,
    )
    assert refused(response)
    assert not CustomerOrder.objects.exists()


def test_a_posted_order_is_not_edited_from_the_page(browser_as, order):
    services.order_post(order=order)
    response = browser_as("owner").get(reverse("sales:order_edit", args=[order.pk]))
    assert response.status_code == 302


def test_agreement_page_offers_approval_only_to_approvers(browser_as, base_price_type):
    agreement = services.agreement_create(
        name="Dealers", price_type=base_price_type, valid_from=DAY
    )
    services.agreement_transition(agreement=agreement, status=AgreementStatus.AGREED)
    url = reverse("sales:agreement_detail", args=[agreement.pk])

    assert 'data-testid="agreement-to-active"' in browser_as("head").get(url).content.decode()
    assert 'data-testid="agreement-to-active"' not in browser_as("owner").get(url).content.decode()

    transition = reverse("sales:agreement_transition", args=[agreement.pk])
    browser_as("owner").post(transition, {"status": "active"})
    agreement.refresh_from_db()
    assert agreement.status == "agreed"
    browser_as("head").post(transition, {"status": "active"})
    agreement.refresh_from_db()
    assert agreement.status == "active"


def test_individual_agreement_from_the_typical_page(browser_as, agreement, partner):
    response = browser_as("owner").post(
        reverse("sales:agreement_individual", args=[agreement.pk]),
        {"partner": partner.pk, "valid_from": "2026-01-01", "discount_percent": "6"},
    )
    assert response.status_code == 302
    assert partner.agreements.get().discount_percent == D("6")


def test_product_catalogue_page(browser_as, products, django_assert_max_num_queries):
    client = browser_as("outsider")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sales:products"))
    page = response.content.decode()
    assert "Cement M500" in page
    assert "500.00" in page


def test_printable_invoice_carries_the_company_requisites(browser_as, order):
    services.company_update(expected_version=None, name="Ladoga Trade", inn="7707083893")
    services.order_post(order=order)
    invoice = services.invoice_create(order=order, date=DAY)

    response = browser_as("owner").get(reverse("sales:invoice_print", args=[invoice.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "7707083893" in page
    assert "sales/print.css" in page
    assert invoice.number in page
    assert "<script>" not in page and "style=" not in page
    assert (
        browser_as("outsider").get(reverse("sales:invoice_print", args=[invoice.pk])).status_code
        == 404
    )


def test_printable_proposal(browser_as, partner, agreement, products):
    proposal = services.proposal_create(
        partner=partner,
        agreement=agreement,
        date=DAY,
        lines=[LineIn(product=products["P-2"], quantity=D("4"))],
    )
    response = browser_as("owner").get(reverse("sales:proposal_print", args=[proposal.pk]))
    assert response.status_code == 200
    assert "456.00" in response.content.decode()  # 4 × 114


def test_company_page_is_changed_by_an_administrator_only(browser_as, db):
    url = reverse("sales:company")
    assert browser_as("head").get(url).status_code == 200
    assert browser_as("head").post(url, {"version": 1, "name": "X"}).status_code == 403
    version = browser_as("admin").get(url).context["company"].version
    response = browser_as("admin").post(url, {"version": version, "name": "Ladoga Trade"})
    assert response.status_code == 302
    assert OwnCompany.objects.get().name == "Ladoga Trade"


def test_order_list_sorts_by_a_column_header_and_chooses_the_page_size(
    browser_as, partner, counterparty, agreement, products
):
    import datetime

    made = [
        services.order_create(
            partner=partner,
            counterparty=counterparty,
            agreement=agreement,
            date=DAY + datetime.timedelta(days=index),
            lines=[LineIn(product=products["P-1"], quantity=D(index + 1))],
        )
        for index in range(26)
    ]
    client = browser_as("owner")
    url = reverse("sales:orders")

    newest = client.get(url).content.decode()  # the default: the newest first, 50 a page
    assert newest.index(made[25].number) < newest.index(made[0].number)
    smallest = client.get(url, {"sort": "total"}).content.decode()
    assert smallest.index(made[0].number) < smallest.index(made[25].number)
    assert 'aria-sort="ascending"' in smallest
    paged = client.get(url, {"sort": "date", "per_page": 25}).content.decode()
    assert "Page 1 of 2 · 26 in all" in paged and made[25].number not in paged
    assert client.get(url, {"sort": "-nope", "per_page": 999}).status_code == 200


def test_order_list_period_filter_and_an_inverted_period_is_a_clear_error(
    browser_as, partner, counterparty, agreement, products
):
    import datetime

    early, late = (
        services.order_create(
            partner=partner,
            counterparty=counterparty,
            agreement=agreement,
            date=day,
            lines=[LineIn(product=products["P-1"], quantity=D("1"))],
        )
        for day in (datetime.date(2026, 1, 10), datetime.date(2026, 3, 10))
    )
    client = browser_as("owner")
    url = reverse("sales:orders")

    march = client.get(url, {"date_from": "2026-03-01"}).content.decode()
    assert late.number in march and early.number not in march
    january = client.get(url, {"date_to": "2026-01-31"}).content.decode()
    assert early.number in january and late.number not in january
    inverted = client.get(url, {"date_from": "2026-03-31", "date_to": "2026-03-01"})
    assert inverted.status_code == 200
    html = inverted.content.decode()
    assert "The period starts after it ends." in html
    assert early.number not in html and late.number not in html
    garbage = client.get(url, {"date_from": "31.03.2026"}).content.decode()
    assert "Enter the dates as YYYY-MM-DD." in garbage and late.number not in garbage
