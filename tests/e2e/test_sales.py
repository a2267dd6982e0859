"""Sales pages in a real browser: posting an order that breaks its agreement shows every
violation; the printable invoice prints under the strict CSP."""

from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ladoga.partners.models import Counterparty
from ladoga.partners.services import partner_create
from ladoga.sales import services
from ladoga.sales.models import Agreement

pytestmark = pytest.mark.e2e


@pytest.fixture
def order(anna):
    today = timezone.localdate()
    base = services.price_type_create(name="Base")
    cement = services.product_create(code="C-1", name="Cement M500")
    services.price_set(
        product=cement, price_type=base, effective_from=today.replace(day=1), amount=D("500")
    )
    agreement = services.agreement_create(
        name="Standard terms", price_type=base, valid_from=today.replace(day=1), delivery_days=2
    )
    services.agreement_transition(agreement=agreement, status="agreed")
    services.agreement_transition(agreement=agreement, status="active")
    partner = partner_create(name="Stroymontazh", manager=anna)
    counterparty = Counterparty.objects.create(
        partner=partner, short_name="IP Petrov", kind="person"
    )
    return services.order_create(
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        lines=[services.LineIn(product=cement, quantity=D("4"))],
    )


def test_posting_shows_the_violations_then_posts_and_prints(session, order):
    Agreement.objects.filter(pk=order.agreement_id).update(contract_required=True)
    session.sign_in()
    page = session.page
    session.goto(f"/sales/orders/{order.pk}/")

    page.get_by_test_id("order-post").click()

    violations = page.get_by_test_id("posting-violations")
    expect(violations.locator('[data-code="order_contract_missing"]')).to_be_visible()
    expect(violations).not_to_contain_text("order_contract_missing")  # codes stay in the API
    expect(page.get_by_test_id("page-title")).to_contain_text("Draft")
    assert page.url.endswith(f"/sales/orders/{order.pk}/")  # redirected to the order's page
    page.get_by_test_id("lang-ru").click()  # the switch returns to the order's page
    expect(page.get_by_test_id("posting-violations")).to_have_count(0)
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("order-post")).to_have_text("Post")
    assert page.url.endswith(f"/sales/orders/{order.pk}/")
    assert session.problems() == []

    Agreement.objects.filter(pk=order.agreement_id).update(contract_required=False)
    page.get_by_test_id("order-post").click()
    expect(page.get_by_test_id("page-title")).to_contain_text("Posted")

    page.get_by_role("button", name="Make invoice").click()
    page.get_by_role("link", name=f"Invoice {order.invoices.get().number}").click()
    expect(page.get_by_test_id("print-total")).to_contain_text("2,000.00")
    expect(page.get_by_test_id("print-button")).to_be_visible()
    assert session.problems() == []
