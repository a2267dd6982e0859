"""Figures in a real browser, in Russian: an order's amounts read "1 234,50 ₽" (with
no-break spaces), a quantity typed as "3,5" is taken, and a limited text shows its
counter in the page's language."""

from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ladoga.accounts.models import User
from ladoga.partners.models import Counterparty
from ladoga.partners.services import partner_create
from ladoga.sales import services
from ladoga.sales.models import OrderLine

pytestmark = pytest.mark.e2e
NBSP = "\u00a0"


@pytest.fixture
def order(anna):
    User.objects.filter(pk=anna.pk).update(language="ru")
    today = timezone.localdate()
    base = services.price_type_create(name="Base")
    cement = services.product_create(code="C-1", name="Cement M500")
    services.price_set(
        product=cement, price_type=base, effective_from=today.replace(day=1), amount=D("1234.50")
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
        lines=[services.LineIn(product=cement, quantity=D("1"))],
    )


def test_an_order_in_russian_reads_and_takes_figures_in_russian(open_session, order):
    session = open_session(locale="ru-RU")
    session.sign_in()
    page = session.page
    session.goto(f"/sales/orders/{order.pk}/")

    expect(page.get_by_test_id("order-total")).to_have_text(f"1{NBSP}234,50{NBSP}₽")

    session.goto(f"/sales/orders/{order.pk}/edit/")
    quantity = page.locator("#id_lines-0-quantity")
    expect(quantity).to_have_value("1")
    quantity.fill("3,5")
    comment = page.locator("#id_comment")
    comment.fill("Позвонить до отгрузки")
    expect(page.get_by_test_id("text-counter")).to_have_text(f"21 / 10{NBSP}000")
    page.get_by_test_id("order-save").click()

    expect(page.get_by_test_id("order-total")).to_have_text(f"4{NBSP}320,75{NBSP}₽")
    assert OrderLine.objects.get(order=order).quantity == D("3.5")
    expect(page.locator("td.number", has_text="3,5")).to_have_count(1)
    assert session.problems() == []
