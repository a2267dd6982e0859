"""Order and proposal lines edited in place (issue 14, point 4): the product picker's
search, the agreement's price of a chosen product (priced as the services price a line),
rows added and removed in one save, quantities and prices typed in either language and
kept within their columns (bad input: a clear error, nothing written), and a refused
posting that stays on the order's page (POST-redirect-GET: a reload is a plain GET)."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from ladoga.loyalty import services as loyalty
from ladoga.sales import services
from ladoga.sales.models import Agreement, CustomerOrder, OrderLine, Proposal, ProposalLine

from .conftest import DAY, make_active

SEARCH = "sales:line_product_search"
PRICE = "sales:line_price"


def page(response) -> str:
    return response.content.decode()


def options(response) -> list[str]:
    """The products a picker answer offers (their labels)."""
    return re.findall(r'data-pick-label="([^"]*)"', page(response))


def order_data(order, *rows, **changes) -> dict:
    """The edit form of `order` as posted: its head, and `rows` of (product id, quantity,
    price, delete) for the lines."""
    data = {
        "version": order.version,
        "counterparty": order.counterparty_id,
        "agreement": order.agreement_id or "",
        "date": order.date.isoformat(),
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
    }
    for i, (product, quantity, price, delete) in enumerate(rows):
        data[f"lines-{i}-product"] = product
        data[f"lines-{i}-quantity"] = quantity
        data[f"lines-{i}-price"] = price
        if delete:
            data[f"lines-{i}-DELETE"] = "on"
    data.update(changes)
    return data


def post_refused(client, url: str, data: dict):
    """POST a form the page refuses: the answer is a redirect back to the form
    (POST-redirect-GET), whose next GET shows the input and the errors, once."""
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == url
    shown = client.get(url)
    assert shown.status_code == 200
    return shown


def lines_of(order) -> list[tuple]:
    return list(
        OrderLine.objects.filter(order=order)
        .order_by("position")
        .values_list("product__code", "quantity", "price")
    )


# The product picker


def test_product_search_finds_active_products_by_name_or_code(browser_as, products):
    url = reverse(SEARCH)
    owner = browser_as("owner")
    assert options(owner.get(url, {"q": "cem"})) == ["P-1 Cement M500"]
    assert options(owner.get(url, {"q": "p-2"})) == ["P-2 Sand"]
    assert options(owner.get(url, {"q": "P-"})) == ["P-1 Cement M500", "P-3 Delivery", "P-2 Sand"]
    # The option tells the product's VAT rate, for the live totals.
    assert 'data-vat-rate="0.00"' in page(owner.get(url, {"q": "deliv"}))
    assert "Nothing found." in page(owner.get(url, {"q": "brick"}))
    assert options(owner.get(url)) == []

    services.product_update(product=products["P-2"], expected_version=None, is_archived=True)
    assert options(owner.get(url, {"q": "sand"})) == []


def test_product_search_answers_the_first_twenty(browser_as, base_price_type):
    for i in range(25):
        services.product_create(code=f"B-{i:02}", name=f"Brick {i:02}")
    response = browser_as("owner").get(reverse(SEARCH), {"q": "brick"})
    assert options(response) == [f"B-{i:02} Brick {i:02}" for i in range(20)]
    assert "Only the first 20 are shown" in page(response)


def test_product_search_is_for_signed_in_users(client, products):
    response = client.get(reverse(SEARCH), {"q": "cem"})
    assert response.status_code == 302
    assert "Cement" not in page(response)


# The price of a chosen product


def test_line_price_is_the_agreements_price_on_the_date(browser_as, partner, agreement, products):
    response = browser_as("owner").get(
        reverse(PRICE),
        {
            "product": products["P-1"].pk,
            "agreement": agreement.pk,
            "partner": partner.pk,
            "date": DAY.isoformat(),
        },
    )
    assert response.status_code == 200
    # 500.00 in the price type, less the agreement's 5 %.
    assert response.json() == {"price": "475.00", "vat_rate": "20.00", "tax_regime": "vat_included"}


def test_line_price_is_the_price_the_service_stores(
    browser_as, partner, counterparty, agreement, products, order
):
    asked = browser_as("owner").get(
        reverse(PRICE),
        {"product": products["P-2"].pk, "agreement": agreement.pk, "date": DAY.isoformat()},
    )
    stored = order.lines.get(product=products["P-2"]).price
    assert D(asked.json()["price"]) == stored == D("114.00")


def test_line_price_takes_the_loyalty_cards_discount_as_the_order_does(
    browser_as, partner, counterparty, agreement, products, owner
):
    kind = loyalty.card_kind_create(
        name="Silver", percent=D("7"), prefix="200", length=13, check_digit="ean13"
    )
    card = loyalty.card_issue(kind=kind, partner=partner, issued_on=datetime.date(2026, 1, 10))
    asked = browser_as("owner").get(
        reverse(PRICE),
        {
            "product": products["P-1"].pk,
            "agreement": agreement.pk,
            "partner": partner.pk,
            "date": DAY.isoformat(),
            "card": card.number,
        },
    )
    # The larger of the card's 7 % and the agreement's 5 %.
    assert asked.json()["price"] == "465.00"
    order = services.order_create(
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        date=DAY,
        loyalty_card=card,
        lines=[services.LineIn(product=products["P-1"], quantity=D("1"))],
        by=owner,
    )
    assert order.lines.get().price == D(asked.json()["price"])
    # A card number nobody may see gives no discount.
    unknown = browser_as("owner").get(
        reverse(PRICE),
        {"product": products["P-1"].pk, "agreement": agreement.pk, "card": "2009999999999"},
    )
    assert unknown.json()["price"] == "475.00"


def test_line_price_without_an_agreement_tells_only_the_vat_rate(browser_as, products):
    response = browser_as("owner").get(reverse(PRICE), {"product": products["P-3"].pk})
    assert response.json() == {"price": None, "vat_rate": "0.00", "tax_regime": None}


def test_line_price_of_what_the_user_may_not_see_is_404(
    browser_as, partner, agreement, products, other_partner
):
    individual = make_active(
        services.agreement_individual_create(typical=agreement, partner=partner)
    )
    url = reverse(PRICE)
    outsider = browser_as("outsider")
    product = products["P-1"].pk
    assert outsider.get(url, {"product": product, "agreement": individual.pk}).status_code == 404
    assert outsider.get(url, {"product": product, "partner": partner.pk}).status_code == 404
    assert outsider.get(url, {"product": 999999}).status_code == 404
    assert outsider.get(url, {"product": "abc"}).status_code == 404
    assert outsider.get(url, {"product": product, "agreement": "1;drop"}).status_code == 404
    assert outsider.get(url).status_code == 404
    # The owner sees them.
    owner = browser_as("owner")
    assert owner.get(url, {"product": product, "agreement": individual.pk}).status_code == 200


# Adding, removing and saving lines


def test_the_edit_form_shows_a_picker_per_line_and_an_empty_row_to_copy(browser_as, order):
    html = page(browser_as("owner").get(reverse("sales:order_edit", args=[order.pk])))
    assert html.count('data-testid="line-row"') == 2 + 1 + 1  # two lines, one empty, template
    assert "<template data-line-template>" in html
    assert 'name="lines-__prefix__-product"' in html
    assert 'data-testid="line-add"' in html
    assert html.count('data-line-remove=""') == 2 + 1 + 1
    assert "P-1 Cement M500" in html and 'data-vat-rate="20.00"' in html
    assert f'data-price-url="{reverse(PRICE)}"' in html
    assert not re.search(r"<script(?! src)|\son[a-z]+=|style=", html)  # strict CSP


def test_lines_added_and_removed_are_saved_in_one_go(browser_as, order, products):
    data = order_data(
        order,
        (products["P-1"].pk, "10", "", False),
        (products["P-2"].pk, "3", "", True),  # removed
        (products["P-3"].pk, "1", "", False),  # added
        ("", "", "", False),  # left empty
    )
    response = browser_as("owner").post(reverse("sales:order_edit", args=[order.pk]), data)
    assert response.status_code == 302
    assert response.url == reverse("sales:order_detail", args=[order.pk])
    assert lines_of(order) == [("P-1", D("10"), D("475.00")), ("P-3", D("1"), D("2850.00"))]
    order.refresh_from_db()
    # The saved totals are the service's: 4750 + 2850, VAT included (20 % of the cement).
    assert (order.amount, order.vat_total, order.total) == (D("7600.00"), D("791.67"), D("7600"))


def test_a_proposal_line_removed_is_left_out(browser_as, partner, agreement, products, owner):
    proposal = services.proposal_create(
        partner=partner,
        agreement=agreement,
        date=DAY,
        lines=[
            services.LineIn(product=products["P-1"], quantity=D("2")),
            services.LineIn(product=products["P-2"], quantity=D("5")),
        ],
        by=owner,
    )
    data = {
        "version": proposal.version,
        "agreement": agreement.pk,
        "date": DAY.isoformat(),
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": products["P-1"].pk,
        "lines-0-quantity": "2,5",
        "lines-1-product": products["P-2"].pk,
        "lines-1-quantity": "5",
        "lines-1-DELETE": "on",
        "lines-2-product": products["P-3"].pk,
        "lines-2-quantity": "1",
    }
    response = browser_as("owner").post(reverse("sales:proposal_edit", args=[proposal.pk]), data)
    assert response.status_code == 302
    assert list(
        ProposalLine.objects.filter(proposal=proposal)
        .order_by("position")
        .values_list("product__code", "quantity", "price")
    ) == [("P-1", D("2.5"), D("475.00")), ("P-3", D("1"), D("2850.00"))]
    proposal.refresh_from_db()
    assert proposal.total == D("4037.50")  # 2.5 × 475 + 2850


def test_a_new_order_takes_the_agreements_price_of_a_line_without_one(
    browser_as, partner, counterparty, agreement, products
):
    data = {
        "partner": partner.pk,
        "counterparty": counterparty.pk,
        "agreement": agreement.pk,
        "date": DAY.isoformat(),
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": products["P-1"].pk,
        "lines-0-quantity": "3,5",
        "lines-1-product": products["P-2"].pk,
        "lines-1-quantity": "1 000",
        "lines-1-price": "99,9",
    }
    response = browser_as("owner").post(reverse("sales:order_create"), data)
    assert response.status_code == 302
    order = CustomerOrder.objects.get()
    assert lines_of(order) == [("P-1", D("3.5"), D("475.00")), ("P-2", D("1000"), D("99.90"))]
    assert order.total == D("101562.50")  # 3.5 × 475 + 1000 × 99.90


# Bad input: a clear error, nothing written


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("quantity", "1.234,5", "has both a dot and a comma"),
        ("quantity", "abc", "is not a number"),
        ("price", "1,234.5", "has both a dot and a comma"),
        ("price", "12abc", "is not a number"),
        ("quantity", "1234567890123", "no more than 12 digits before the decimal point"),
        ("quantity", "1,2345", "no more than 3 decimal places"),
        ("price", "12345678901234", "no more than 13 digits before the decimal point"),
        ("price", "1,234", "no more than 2 decimal places"),
    ],
)
def test_a_number_the_line_cannot_hold_is_refused_and_nothing_is_written(
    browser_as, order, products, field, typed, message
):
    before = lines_of(order)
    row = {"quantity": "5", "price": "", field: typed}
    data = order_data(
        order,
        (products["P-1"].pk, "10", "", False),
        (products["P-2"].pk, row["quantity"], row["price"], False),
    )
    response = post_refused(browser_as("owner"), reverse("sales:order_edit", args=[order.pk]), data)
    assert message in page(response)
    line = response.context["formset"].forms[1]
    assert any(message in str(e) for e in line.errors[field])
    assert lines_of(order) == before
    order.refresh_from_db()
    assert order.version == data["version"]


def test_a_refused_form_is_shown_once_with_its_input_and_a_reload_shows_it_afresh(
    browser_as, partner, counterparty, agreement, products
):
    owner = browser_as("owner")
    url = reverse("sales:order_create")
    data = {
        "partner": partner.pk,
        "counterparty": counterparty.pk,
        "agreement": agreement.pk,
        "date": DAY.isoformat(),
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": products["P-1"].pk,
        "lines-0-quantity": "3,5",
        "lines-1-product": products["P-2"].pk,
        "lines-1-quantity": "1.234,5",
    }
    html = page(post_refused(owner, url, data))
    assert "has both a dot and a comma" in html
    # The input is all there: the partner with its counterparty offered, both rows.
    assert 'value="1.234,5"' in html and 'value="3,5"' in html
    assert "P-1 Cement M500" in html and "P-2 Sand" in html
    assert re.search(rf'<option value="{counterparty.pk}" selected>IP Petrov</option>', html)
    assert not CustomerOrder.objects.exists()
    again = page(owner.get(url))
    assert "has both a dot and a comma" not in again and "1.234,5" not in again


def test_a_line_whose_amount_outgrows_its_column_is_refused(browser_as, order, products):
    before = lines_of(order)
    data = order_data(order, (products["P-1"].pk, "999999999999", "9999999999999", False))
    response = post_refused(browser_as("owner"), reverse("sales:order_edit", args=[order.pk]), data)
    assert "the number does not fit" in page(response)
    assert lines_of(order) == before


def test_a_negative_quantity_is_refused_and_nothing_is_written(browser_as, order, products):
    before = lines_of(order)
    data = order_data(order, (products["P-1"].pk, "-3,5", "", False))
    response = post_refused(browser_as("owner"), reverse("sales:order_edit", args=[order.pk]), data)
    assert "The quantity must be more than zero." in page(response)
    assert lines_of(order) == before


def test_a_product_the_picker_would_not_offer_is_refused(browser_as, order, products):
    services.product_update(product=products["P-3"], expected_version=None, is_archived=True)
    before = lines_of(order)
    for product in (products["P-3"].pk, 999999, "x"):
        data = order_data(order, (product, "1", "", False))
        response = post_refused(
            browser_as("owner"), reverse("sales:order_edit", args=[order.pk]), data
        )
        assert "Choose a product from the search results." in page(response)
    assert lines_of(order) == before


def test_a_new_proposal_with_bad_quantity_writes_nothing(browser_as, partner, agreement, products):
    data = {
        "partner": partner.pk,
        "agreement": agreement.pk,
        "date": DAY.isoformat(),
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": products["P-1"].pk,
        "lines-0-quantity": "1.234,5",
    }
    response = post_refused(browser_as("owner"), reverse("sales:proposal_create"), data)
    assert "has both a dot and a comma" in page(response)
    assert not Proposal.objects.exists()


# A refused posting stays on the order's page (POST-redirect-GET)


def test_a_refused_posting_redirects_to_the_order_and_a_reload_is_a_plain_get(browser_as, order):
    Agreement.objects.filter(pk=order.agreement_id).update(contract_required=True)
    owner = browser_as("owner")
    detail = reverse("sales:order_detail", args=[order.pk])
    response = owner.post(reverse("sales:order_post", args=[order.pk]))
    assert response.status_code == 302
    assert response.url == detail

    shown = owner.get(detail)
    assert shown.status_code == 200
    assert 'data-code="order_contract_missing"' in page(shown)
    order.refresh_from_db()
    assert order.status == "draft"

    # A reload asks the page again: 200, the refusal shown once only.
    reloaded = owner.get(detail)
    assert reloaded.status_code == 200
    assert "order_contract_missing" not in page(reloaded)


def test_a_language_switch_after_a_refused_posting_returns_to_the_order(browser_as, order):
    Agreement.objects.filter(pk=order.agreement_id).update(contract_required=True)
    owner = browser_as("owner")
    detail = reverse("sales:order_detail", args=[order.pk])
    owner.post(reverse("sales:order_post", args=[order.pk]))
    switched = owner.post(reverse("language_set"), {"language": "ru", "next": detail})
    assert switched.status_code == 302
    assert switched.url == detail
    shown = owner.get(detail)
    assert shown.status_code == 200
    assert "Провести" in page(shown)


def test_the_form_of_an_order_the_user_may_not_see_is_404(browser_as, order):
    response = browser_as("outsider").get(reverse("sales:order_edit", args=[order.pk]))
    assert response.status_code == 404
