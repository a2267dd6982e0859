"""The order form offers the chosen partner's counterparties and contracts only: an htmx
fragment fills them when a partner is picked, an edit form renders its order's partner's
at once, and a counterparty or contract of another partner is refused by the service with
its message, writing nothing."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from ladoga.core.errors import ValidationFailed
from ladoga.partners.models import Counterparty
from ladoga.partners.services import partner_create
from ladoga.sales import services
from ladoga.sales.errors import SalesCode as C
from ladoga.sales.models import CustomerOrder
from ladoga.sales.services import LineIn

from .conftest import DAY, counterparty_of, refused

FRAGMENT = "sales:order_partner_options"


def page(response) -> str:
    return response.content.decode()


def select_options(html: str, name: str) -> list[str]:
    """The labels of the non-empty options of the select `name`."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, f"no select {name}"
    return [
        label.strip()
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[0])
        if value
    ]


@pytest.fixture
def second(owner):
    """Another partner of the same manager, with its own counterparty and contract."""
    partner = partner_create(name="Second client", manager=owner)
    counterparty = counterparty_of(partner, "OOO Second")
    contract = services.contract_create(
        counterparty=counterparty, number="S-1", date=datetime.date(2026, 1, 10)
    )
    return {"partner": partner, "counterparty": counterparty, "contract": contract}


@pytest.fixture
def own(partner, counterparty):
    """The partner's counterparties in every state, and a contract."""
    flagged = counterparty_of(partner, "OOO Closing")
    Counterparty.objects.filter(pk=flagged.pk).update(registry_status="liquidated")
    archived = counterparty_of(partner, "OOO Archived")
    Counterparty.objects.filter(pk=archived.pk).update(status="archived")
    contract = services.contract_create(
        counterparty=counterparty, number="17/26", date=datetime.date(2026, 1, 10)
    )
    return {"flagged": flagged, "archived": archived, "contract": contract}


def order_data(partner, counterparty, products, **changes) -> dict:
    return {
        "partner": partner.pk,
        "counterparty": counterparty.pk,
        "date": "2026-03-02",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": products["P-1"].pk,
        "lines-0-quantity": "2",
        **changes,
    }


# The fragment


def test_fragment_offers_only_the_partners_active_counterparties_and_contracts(
    browser_as, partner, own, second
):
    response = browser_as("owner").get(reverse(FRAGMENT), {"partner": partner.pk})
    assert response.status_code == 200
    html = page(response)
    assert select_options(html, "counterparty") == [
        "IP Petrov",
        "OOO Closing — warning: liquidated",
    ]
    assert select_options(html, "contract") == ["№ 17/26 10.01.2026 · IP Petrov"]
    assert "OOO Archived" not in html and "OOO Second" not in html and "S-1" not in html
    # It replaces itself when the partner changes again.
    assert f'hx-get="{reverse(FRAGMENT)}"' in html
    assert 'hx-trigger="change from:#id_partner"' in html
    assert not re.search(r"<script|\son[a-z]+=", html)

    other = page(browser_as("owner").get(reverse(FRAGMENT), {"partner": second["partner"].pk}))
    assert select_options(other, "counterparty") == ["OOO Second"]
    assert select_options(other, "contract") == ["№ S-1 10.01.2026 · OOO Second"]


def test_fragment_of_a_partner_the_user_cannot_see_is_404(browser_as, partner, own):
    response = browser_as("outsider").get(reverse(FRAGMENT), {"partner": partner.pk})
    assert response.status_code == 404
    assert "IP Petrov" not in page(response)
    assert browser_as("owner").get(reverse(FRAGMENT), {"partner": "x"}).status_code == 404
    assert browser_as("owner").get(reverse(FRAGMENT), {"partner": "99999"}).status_code == 404


def test_fragment_without_a_partner_offers_nothing(browser_as, partner, own):
    html = page(browser_as("owner").get(reverse(FRAGMENT)))
    assert select_options(html, "counterparty") == []
    assert select_options(html, "contract") == []
    assert "Choose the partner first" in html


def test_fragment_is_for_signed_in_users(client, partner, own):
    response = client.get(reverse(FRAGMENT), {"partner": partner.pk})
    assert response.status_code == 302
    assert "IP Petrov" not in page(response)


# The form


def test_new_order_form_lists_no_counterparty_until_a_partner_is_picked(
    browser_as, partner, own, second
):
    html = page(browser_as("owner").get(reverse("sales:order_create")))
    assert select_options(html, "counterparty") == []
    assert select_options(html, "contract") == []
    assert "IP Petrov" not in html and "OOO Second" not in html
    assert f'hx-get="{reverse(FRAGMENT)}"' in html
    assert 'hx-include="#id_partner"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_edit_form_renders_its_partners_options_at_once(browser_as, order, own, second):
    CustomerOrder.objects.filter(pk=order.pk).update(counterparty=own["archived"])
    html = page(browser_as("owner").get(reverse("sales:order_edit", args=[order.pk])))
    # The order's own counterparty stays offered even though it was archived since.
    assert select_options(html, "counterparty") == [
        "IP Petrov",
        "OOO Archived",
        "OOO Closing — warning: liquidated",
    ]
    assert re.search(rf'<option value="{own["archived"].pk}" selected>', html)
    assert select_options(html, "contract") == ["№ 17/26 10.01.2026 · IP Petrov"]
    assert "OOO Second" not in html
    assert "hx-get" not in re.search(r'<div class="field-row" id="partner-options"[^>]*>', html)[0]


def test_a_refused_form_offers_the_posted_partners_options(
    browser_as, partner, counterparty, own, products
):
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        order_data(partner, counterparty, products, **{"lines-0-quantity": "-1"}),
        follow=True,
    )
    assert refused(response)
    assert select_options(page(response), "counterparty") == [
        "IP Petrov",
        "OOO Closing — warning: liquidated",
    ]
    assert not CustomerOrder.objects.exists()


def test_new_order_with_another_partners_counterparty_is_refused(
    browser_as, partner, second, products
):
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        order_data(partner, second["counterparty"], products),
        follow=True,
    )
    assert refused(response)
    assert response.context["form"].errors["counterparty"] == [
        "Counterparty OOO Second belongs to another partner."
    ]
    assert "Counterparty OOO Second belongs to another partner." in page(response)
    assert not CustomerOrder.objects.exists()


def test_new_order_with_another_partners_contract_is_refused(
    browser_as, partner, counterparty, second, products
):
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        order_data(partner, counterparty, products, contract=second["contract"].pk),
        follow=True,
    )
    assert refused(response)
    assert response.context["form"].errors["contract"] == [
        "Contract S-1 belongs to another partner."
    ]
    assert not CustomerOrder.objects.exists()


def test_editing_an_order_to_another_partners_counterparty_is_refused(browser_as, order, second):
    data = {
        "version": order.version,
        "counterparty": second["counterparty"].pk,
        "contract": second["contract"].pk,
        "date": "2026-03-02",
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    }
    response = browser_as("owner").post(
        reverse("sales:order_edit", args=[order.pk]), data, follow=True
    )
    assert refused(response)
    errors = response.context["form"].errors
    assert errors["counterparty"] == ["Counterparty OOO Second belongs to another partner."]
    assert errors["contract"] == ["Contract S-1 belongs to another partner."]
    fresh = CustomerOrder.objects.get(pk=order.pk)
    assert (fresh.counterparty_id, fresh.contract_id, fresh.version) == (
        order.counterparty_id,
        None,
        order.version,
    )
    assert fresh.lines.count() == 2


def test_a_counterparty_the_user_cannot_see_is_not_accepted(
    browser_as, partner, counterparty, other_partner, products
):
    hidden = counterparty_of(other_partner, "OOO Hidden")
    response = browser_as("owner").post(
        reverse("sales:order_create"), order_data(partner, hidden, products), follow=True
    )
    assert refused(response)
    assert response.context["form"].errors["counterparty"]
    assert "OOO Hidden" not in page(response)
    assert not CustomerOrder.objects.exists()


# The service holds the rule for every caller


def test_the_service_refuses_another_partners_contract(partner, counterparty, second, products):
    with pytest.raises(ValidationFailed) as error:
        services.order_create(
            partner=partner,
            counterparty=counterparty,
            contract=second["contract"],
            date=DAY,
            lines=[LineIn(product=products["P-1"], quantity=D("1"))],
        )
    [violation] = error.value.violations
    assert (violation.code, violation.field) == (C.CONTRACT_OF_ANOTHER_PARTNER, "contract_id")
    assert not CustomerOrder.objects.exists()


def test_the_api_refuses_another_partners_contract(api_as, order, second):
    response = api_as("owner").patch(
        f"/api/v1/orders/{order.pk}",
        {"contract_id": second["contract"].pk},
        headers={"If-Match": f'"{order.version}"'},
    )
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["code"], problem["field"]) == ("contract_of_another_partner", "contract_id")
    assert problem["message"] == "Contract S-1 belongs to another partner."
    assert CustomerOrder.objects.get(pk=order.pk).contract_id is None
