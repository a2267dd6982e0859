"""Order and proposal lines edited in place, in a real browser (issue 14, point 4): rows
added without saving, a product picked by typing (the keyboard too), the agreement's price
filled in, "3,5" typed as a quantity, the line and document totals with VAT following what
is typed, the draft saved with the service's figures, a line removed; and a refused posting
that stays on the order's page through a reload and a language switch — under the strict
CSP, without a console error."""

from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ladoga.partners.models import Counterparty
from ladoga.partners.services import partner_create
from ladoga.sales import services
from ladoga.sales.models import Agreement, CustomerOrder, Proposal

pytestmark = pytest.mark.e2e


@pytest.fixture
def terms(anna):
    """Cement at 500 and sand at 120 in the base price type; an active agreement for
    everyone with VAT on top (20 %); Anna's client Stroymontazh with a counterparty."""
    start = timezone.localdate().replace(day=1)
    base = services.price_type_create(name="Base")
    made = {}
    for code, name, price in (("C-1", "Cement M500", "500"), ("S-1", "Sand", "120")):
        made[code] = services.product_create(code=code, name=name, vat_rate=D("20"))
        services.price_set(
            product=made[code], price_type=base, effective_from=start, amount=D(price)
        )
    agreement = services.agreement_create(
        name="Standard terms", price_type=base, valid_from=start, tax_regime="vat_on_top"
    )
    services.agreement_transition(agreement=agreement, status="agreed")
    made["agreement"] = services.agreement_transition(agreement=agreement, status="active")
    made["partner"] = partner_create(name="Stroymontazh", manager=anna)
    made["counterparty"] = Counterparty.objects.create(
        partner=made["partner"], short_name="IP Petrov", kind="person"
    )
    return made


def pick_partner(page) -> None:
    page.locator("#id_partner_search").press_sequentially("stroy")
    page.get_by_test_id("partner-option").filter(has_text="Stroymontazh").click()
    expect(page.get_by_test_id("partner-picked")).to_have_text("Stroymontazh")


def row(page, index: int):
    return page.get_by_test_id("line-row").nth(index)


def pick_product(page, index: int, typed: str, label: str) -> None:
    line = row(page, index)
    line.get_by_test_id("line-product-search").press_sequentially(typed)
    line.get_by_test_id("line-product-option").filter(has_text=label).click()
    expect(line.get_by_test_id("line-product-picked")).to_contain_text(label)


def totals(page) -> list[str]:
    return [
        page.get_by_test_id(name).inner_text()
        for name in ("lines-amount", "lines-vat", "lines-total")
    ]


def test_order_lines_are_added_priced_totalled_saved_and_removed(session, terms):
    session.sign_in()
    page = session.page
    session.goto("/sales/orders/new/")
    pick_partner(page)
    page.select_option("#id_counterparty", label="IP Petrov")
    page.select_option("#id_agreement", label=str(terms["agreement"]))

    # One empty row to begin with; two more without saving.
    expect(page.get_by_test_id("line-row")).to_have_count(1)
    page.get_by_test_id("line-add").click()
    page.get_by_test_id("line-add").click()
    expect(page.get_by_test_id("line-row")).to_have_count(3)
    # The new row's product search has the focus.
    expect(row(page, 2).get_by_test_id("line-product-search")).to_be_focused()

    # Picking a product fills in the agreement's price; "3,5" is three and a half.
    pick_product(page, 0, "cem", "Cement M500")
    expect(page.locator("#id_lines-0-price")).to_have_value("500.00")
    page.fill("#id_lines-0-quantity", "3,5")
    expect(row(page, 0).get_by_test_id("line-total")).to_have_text("2,100.00")
    expect(page.get_by_test_id("lines-total")).to_have_text("2,100.00")
    assert totals(page) == ["1,750.00", "350.00", "2,100.00"]

    # The keyboard: type, arrow down to the option, Enter picks it.
    search = row(page, 1).get_by_test_id("line-product-search")
    search.press_sequentially("san")
    expect(row(page, 1).get_by_test_id("line-product-option")).to_have_count(1)
    search.press("ArrowDown")
    expect(row(page, 1).get_by_test_id("line-product-option")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_lines-1-price")).to_have_value("120.00")
    page.fill("#id_lines-1-quantity", "2")
    expect(page.get_by_test_id("lines-total")).to_have_text("2,388.00")
    assert totals(page) == ["1,990.00", "398.00", "2,388.00"]

    # A number the server would refuse shows no total for its row.
    page.fill("#id_lines-1-quantity", "1.234,5")
    expect(row(page, 1).get_by_test_id("line-total")).to_have_text("—")
    expect(page.get_by_test_id("lines-total")).to_have_text("2,100.00")
    page.fill("#id_lines-1-quantity", "2")

    page.get_by_test_id("order-save").click()
    expect(page.get_by_test_id("page-title")).to_contain_text("Draft")
    order = CustomerOrder.objects.get()
    assert list(order.lines.values_list("product__code", "quantity", "price")) == [
        ("C-1", D("3.5"), D("500")),
        ("S-1", D("2"), D("120")),
    ]
    assert (order.amount, order.vat_total, order.total) == (D("1990"), D("398"), D("2388"))
    assert session.problems() == []

    # Remove the sand: the totals follow at once, and the saved order has the cement only.
    session.goto(f"/sales/orders/{order.pk}/edit/")
    expect(page.get_by_test_id("lines-total")).to_have_text("2,388.00")
    row(page, 1).get_by_label("Remove").check()
    expect(page.get_by_test_id("lines-total")).to_have_text("2,100.00")
    page.get_by_test_id("order-save").click()
    expect(page.get_by_test_id("page-title")).to_contain_text("Draft")
    assert list(order.lines.values_list("product__code", flat=True)) == ["C-1"]
    order.refresh_from_db()
    assert order.total == D("2100")
    assert session.problems() == []


def test_a_bad_quantity_is_shown_on_its_line_and_nothing_is_written(session, terms):
    order = services.order_create(
        partner=terms["partner"],
        counterparty=terms["counterparty"],
        agreement=terms["agreement"],
        lines=[services.LineIn(product=terms["C-1"], quantity=D("4"))],
    )
    session.sign_in()
    page = session.page
    session.goto(f"/sales/orders/{order.pk}/edit/")
    page.fill("#id_lines-0-quantity", "abc")
    page.get_by_test_id("order-save").click()
    expect(row(page, 0)).to_contain_text("“abc” is not a number")
    assert list(order.lines.values_list("quantity", flat=True)) == [D("4")]
    assert session.problems() == []


def test_proposal_lines_show_the_agreements_price_and_totals(session, terms):
    session.sign_in()
    page = session.page
    session.goto("/sales/proposals/new/")
    pick_partner(page)
    page.select_option("#id_agreement", label=str(terms["agreement"]))
    pick_product(page, 0, "cem", "Cement M500")
    expect(row(page, 0).get_by_test_id("line-price")).to_have_text("500.00")
    page.fill("#id_lines-0-quantity", "3,5")
    expect(page.get_by_test_id("lines-total")).to_have_text("2,100.00")

    page.get_by_test_id("line-add").click()
    pick_product(page, 1, "sand", "Sand")
    page.fill("#id_lines-1-quantity", "10")
    expect(page.get_by_test_id("lines-total")).to_have_text("3,540.00")
    assert totals(page) == ["2,950.00", "590.00", "3,540.00"]
    row(page, 0).get_by_label("Remove").check()
    expect(page.get_by_test_id("lines-total")).to_have_text("1,440.00")

    page.get_by_test_id("proposal-save").click()
    expect(page.get_by_test_id("page-title")).to_contain_text("Proposal")
    proposal = Proposal.objects.get()
    assert list(proposal.lines.values_list("product__code", "quantity")) == [("S-1", D("10"))]
    assert proposal.total == D("1440")
    assert session.problems() == []


def test_a_refused_posting_stays_on_the_order_through_a_reload_and_a_language_switch(
    session, terms
):
    order = services.order_create(
        partner=terms["partner"],
        counterparty=terms["counterparty"],
        agreement=terms["agreement"],
        lines=[services.LineIn(product=terms["C-1"], quantity=D("4"))],
    )
    Agreement.objects.filter(pk=order.agreement_id).update(contract_required=True)
    session.sign_in()
    page = session.page
    session.goto(f"/sales/orders/{order.pk}/")
    page.get_by_test_id("order-post").click()
    expect(page.get_by_test_id("posting-violations")).to_be_visible()
    assert page.url.endswith(f"/sales/orders/{order.pk}/")

    response = page.reload()
    assert response.status == 200
    expect(page.get_by_test_id("page-title")).to_contain_text("Draft")
    assert page.url.endswith(f"/sales/orders/{order.pk}/")

    page.get_by_test_id("order-post").click()
    expect(page.get_by_test_id("posting-violations")).to_be_visible()
    page.get_by_test_id("lang-ru").click()
    expect(page.get_by_test_id("order-post")).to_have_text("Провести")
    assert page.url.endswith(f"/sales/orders/{order.pk}/")
    response = page.reload()
    assert response.status == 200
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("order-post")).to_have_text("Post")
    assert session.problems() == []
