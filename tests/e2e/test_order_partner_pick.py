"""The order form's partner pick in a real browser: typing part of a name lists the
partners, picking one makes htmx swap in that partner's counterparties, agreements and
contracts (picking another swaps them again), and the saved draft has the picked partner
and counterparty — under the strict CSP, without a console error."""

from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ladoga.partners.models import Counterparty
from ladoga.partners.services import partner_create, segment_create
from ladoga.sales import services
from ladoga.sales.models import AgreementStatus, CustomerOrder

pytestmark = pytest.mark.e2e


def active(agreement):
    agreement = services.agreement_transition(agreement=agreement, status=AgreementStatus.AGREED)
    return services.agreement_transition(agreement=agreement, status=AgreementStatus.ACTIVE)


@pytest.fixture
def sales(anna):
    """Two partners of Anna whose names both start with "Stroy", each with a counterparty
    and an individual agreement; a typical agreement for everyone and one for a segment
    only the first partner is in."""
    start = timezone.localdate().replace(day=1)
    base = services.price_type_create(name="Base")
    cement = services.product_create(code="C-1", name="Cement M500")
    everyone = active(
        services.agreement_create(name="Standard terms", price_type=base, valid_from=start)
    )
    wholesale = segment_create(name="Wholesale")
    segment_only = active(
        services.agreement_create(
            name="Wholesale terms", price_type=base, valid_from=start, segments=[wholesale]
        )
    )
    made = {"everyone": everyone, "segment_only": segment_only, "cement": cement}
    for key, name, counterparty in (
        ("montazh", "Stroymontazh", "IP Petrov"),
        ("service", "Stroyservice", "OOO Service"),
    ):
        partner = partner_create(name=name, manager=anna)
        made[key] = {
            "partner": partner,
            "counterparty": Counterparty.objects.create(
                partner=partner, short_name=counterparty, kind="person"
            ),
            "own": active(services.agreement_individual_create(typical=everyone, partner=partner)),
        }
    made["montazh"]["partner"].segments.add(wholesale)
    return made


def options_of(page, select_id: str):
    """The labels of a select's options but the empty one."""
    return page.locator(f"#{select_id} option:not([value=''])")


def pick(page, typed: str, name: str) -> None:
    page.locator("#id_partner_search").press_sequentially(typed)
    page.get_by_test_id("partner-option").filter(has_text=name).click()
    expect(page.get_by_test_id("partner-picked")).to_have_text(name)


def test_picking_a_partner_fills_its_selects_and_the_draft_is_saved_with_it(session, sales):
    montazh, service = sales["montazh"], sales["service"]
    session.sign_in()
    page = session.page
    session.goto("/sales/orders/new/")
    expect(options_of(page, "id_counterparty")).to_have_count(0)
    expect(options_of(page, "id_agreement")).to_have_count(0)

    # Both partners match; the other one first, to see the selects follow a second pick.
    page.locator("#id_partner_search").press_sequentially("stroy")
    expect(page.get_by_test_id("partner-option")).to_have_count(2)
    page.get_by_test_id("partner-option").filter(has_text="Stroyservice").click()
    expect(options_of(page, "id_counterparty")).to_have_text(["OOO Service"])
    expect(options_of(page, "id_agreement")).to_have_text(
        [str(service["own"]), str(sales["everyone"])]
    )

    pick(page, "montazh", "Stroymontazh")
    expect(options_of(page, "id_counterparty")).to_have_text(["IP Petrov"])
    # Its own individual agreement, the one for everyone and its segment's; not the other
    # partner's.
    expect(options_of(page, "id_agreement")).to_have_text(
        [str(montazh["own"]), str(sales["everyone"]), str(sales["segment_only"])]
    )
    assert page.locator("#id_partner").input_value() == str(montazh["partner"].pk)

    page.select_option("#id_counterparty", label="IP Petrov")
    page.select_option("#id_agreement", label=str(montazh["own"]))
    page.get_by_test_id("line-product-search").press_sequentially("cem")
    page.get_by_test_id("line-product-option").filter(has_text="Cement M500").click()
    page.fill("#id_lines-0-quantity", "4")
    page.get_by_test_id("order-save").click()

    expect(page.get_by_test_id("page-title")).to_contain_text("Draft")
    order = CustomerOrder.objects.get()
    assert (order.partner, order.counterparty, order.agreement) == (
        montazh["partner"],
        montazh["counterparty"],
        montazh["own"],
    )
    assert list(order.lines.values_list("product__code", "quantity")) == [("C-1", D("4"))]
    assert session.problems() == []
