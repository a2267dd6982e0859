"""The catalogue, agreement and proposal pages, and the partner picker: every form writes
through its service, shows the service's refusals on the right field and writes nothing
then; the picker offers only the partners the user may see."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from ladoga.partners.services import partner_create
from ladoga.sales import services
from ladoga.sales.models import (
    Agreement,
    AgreementStatus,
    CustomerOrder,
    Price,
    PriceType,
    Product,
    Proposal,
    ProposalStatus,
)
from ladoga.sales.services import LineIn

from .conftest import DAY, refused


def page(response) -> str:
    return response.content.decode()


def field_errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def options(response) -> list[str]:
    """The partner names a search answer offers."""
    return re.findall(r'data-pick-label="([^"]*)"', page(response))


# The partner picker


def test_partner_search_lists_only_the_partners_the_user_may_see(
    browser_as, partner, other_partner
):
    url = reverse("sales:partner_search")
    assert options(browser_as("owner").get(url, {"q": "stroy"})) == ["Stroymontazh"]
    assert options(browser_as("owner").get(url, {"q": "other"})) == []
    assert "Nothing found." in page(browser_as("owner").get(url, {"q": "other"}))
    assert options(browser_as("outsider").get(url, {"q": "stroy"})) == []
    assert options(browser_as("outsider").get(url, {"q": "other"})) == ["Other client"]
    # The head sees the department's partners, not the other department's.
    assert options(browser_as("head").get(url, {"q": "stroy"})) == ["Stroymontazh"]
    assert options(browser_as("head").get(url, {"q": "other"})) == []


def test_partner_search_answers_at_most_twenty(browser_as, actors):
    for number in range(25):
        partner_create(name=f"Alpha {number:02d}", manager=actors["owner"])
    response = browser_as("owner").get(reverse("sales:partner_search"), {"q": "alpha"})
    found = options(response)
    assert found == [f"Alpha {n:02d}" for n in range(20)]
    assert "Only the first 20 are shown" in page(response)


def test_partner_search_needs_two_letters(browser_as, partner):
    url = reverse("sales:partner_search")
    for q in ("", "  ", "S"):
        response = browser_as("owner").get(url, {"q": q})
        assert response.status_code == 200
        assert options(response) == []
        assert "Nothing found." not in page(response)
    assert options(browser_as("owner").get(url)) == []


def test_partner_search_leaves_out_archived_partners(browser_as, partner):
    type(partner).objects.filter(pk=partner.pk).update(status="archived")
    response = browser_as("owner").get(reverse("sales:partner_search"), {"q": "stroy"})
    assert options(response) == []


def test_partner_search_is_for_signed_in_users(client, partner):
    response = client.get(reverse("sales:partner_search"), {"q": "stroy"})
    assert response.status_code == 302
    assert "Stroymontazh" not in page(response)


def test_order_form_picks_the_partner_by_search_not_from_a_select(browser_as, partner):
    response = browser_as("owner").get(reverse("sales:order_create"))
    html = page(response)
    assert '<select name="partner"' not in html
    assert 'type="hidden" name="partner"' in html
    assert f'hx-get="{reverse("sales:partner_search")}"' in html
    assert "sales/sales.js" in html
    # CSP: no inline script or event handler.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_order_form_refuses_a_partner_the_user_cannot_see(
    browser_as, other_partner, counterparty, agreement, products
):
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        {
            "partner": other_partner.pk,
            "counterparty": counterparty.pk,
            "agreement": agreement.pk,
            "date": "2026-03-02",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": products["P-1"].pk,
            "lines-0-quantity": "2",
        },
        follow=True,
    )
    assert refused(response)
    assert field_errors(response, "partner") == ["Choose a partner from the search results."]
    assert "Choose a partner from the search results." in page(response)
    assert "Other client" not in page(response)
    assert not CustomerOrder.objects.exists()


def test_order_edit_form_shows_the_orders_partner_which_it_keeps(browser_as, order):
    response = browser_as("owner").get(reverse("sales:order_edit", args=[order.pk]))
    html = page(response)
    assert re.search(r'data-testid="order-partner">Stroymontazh<', html)
    # The service does not move an order to another partner: no picker to pretend it does.
    assert 'name="partner"' not in html
    assert 'data-testid="partner-picked"' not in html


# Products


def product_data(**changes) -> dict:
    return {
        "code": "P-9",
        "name": "Gravel 5-20",
        "unit": "t",
        "vat_rate": "10",
        "description": "",
        **changes,
    }


def test_new_product_form_creates_the_product(browser_as, db):
    group = services.product_group_create(name="Bulk")
    client = browser_as("head")
    assert client.get(reverse("sales:product_create")).status_code == 200
    response = client.post(reverse("sales:product_create"), product_data(group=group.pk))
    product = Product.objects.get(code="P-9")
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:product_detail", args=[product.pk])
    assert (product.name, product.unit, product.vat_rate, product.group) == (
        "Gravel 5-20",
        "t",
        D("10"),
        group,
    )


def test_product_form_shows_the_services_messages_and_writes_nothing(browser_as, products):
    client = browser_as("head")
    response = client.post(reverse("sales:product_create"), product_data(code=" ", name=""))
    assert response.status_code == 400
    assert field_errors(response, "code") == ["A product needs a code."]
    assert field_errors(response, "name") == ["A product needs a name."]
    assert "A product needs a code." in page(response)

    response = client.post(reverse("sales:product_create"), product_data(code="p-1"))
    assert response.status_code == 400
    assert field_errors(response, "code") == ["Product code p-1 is taken."]

    response = client.post(reverse("sales:product_create"), product_data(vat_rate="120"))
    assert field_errors(response, "vat_rate") == ["A VAT rate is from 0 to 99 %."]
    assert Product.objects.count() == 3


def test_a_manager_may_not_add_products(browser_as, products):
    listing = page(browser_as("owner").get(reverse("sales:products")))
    assert 'data-testid="product-new"' not in listing
    assert 'data-testid="product-new"' in page(browser_as("head").get(reverse("sales:products")))

    response = browser_as("owner").post(reverse("sales:product_create"), product_data())
    assert response.status_code == 403
    assert "Your role does not allow this." in page(response)
    assert not Product.objects.filter(code="P-9").exists()


def test_product_edit_form_changes_the_product(browser_as, products):
    product = products["P-2"]
    client = browser_as("head")
    url = reverse("sales:product_edit", args=[product.pk])
    assert client.get(url).context["form"].initial["name"] == "Sand"
    response = client.post(
        url, product_data(code="P-2", name="Sand, washed", version=product.version)
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.unit, product.vat_rate) == ("Sand, washed", "t", D("10"))


def test_product_edit_form_refuses_a_stale_version(browser_as, products):
    product = products["P-2"]
    stale = product.version
    services.product_update(product=product, expected_version=None, name="Sand, fine")
    response = browser_as("head").post(
        reverse("sales:product_edit", args=[product.pk]),
        product_data(code="P-2", name="Sand, coarse", version=stale),
    )
    assert response.status_code == 400
    assert "changed by someone else" in page(response)
    product.refresh_from_db()
    assert product.name == "Sand, fine"


def test_archiving_a_product_asks_first_and_restores(browser_as, products):
    product = products["P-3"]
    client = browser_as("head")
    url = reverse("sales:product_archive", args=[product.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert 'data-testid="archive-confirm"' in page(confirm)
    product.refresh_from_db()
    assert not product.is_archived

    detail = page(client.get(reverse("sales:product_detail", args=[product.pk])))
    assert "data-confirm=" in detail and 'data-testid="product-archive"' in detail

    assert client.post(url, {"version": product.version}).status_code == 302
    product.refresh_from_db()
    assert product.is_archived
    assert 'data-testid="product-restore"' in page(
        client.get(reverse("sales:product_detail", args=[product.pk]))
    )

    client.post(reverse("sales:product_restore", args=[product.pk]), {"version": product.version})
    product.refresh_from_db()
    assert not product.is_archived


def test_a_manager_may_not_archive_a_product(browser_as, products):
    product = products["P-3"]
    client = browser_as("owner")
    detail = page(client.get(reverse("sales:product_detail", args=[product.pk])))
    assert 'data-testid="product-archive"' not in detail
    response = client.post(
        reverse("sales:product_archive", args=[product.pk]),
        {"version": product.version},
        follow=True,
    )
    assert "Your role does not allow this." in page(response)
    product.refresh_from_db()
    assert not product.is_archived


def test_price_form_sets_a_price_and_the_history_shows_it(browser_as, products, base_price_type):
    product = products["P-1"]
    client = browser_as("head")
    response = client.post(
        reverse("sales:product_price_set", args=[product.pk]),
        {"price_type": base_price_type.pk, "effective_from": "2026-04-01", "amount": "550.50"},
    )
    assert response.status_code == 302
    price = Price.objects.get(product=product, effective_from=datetime.date(2026, 4, 1))
    assert (price.price_type, price.amount, price.created_by.username) == (
        base_price_type,
        D("550.50"),
        "head",
    )
    history = page(client.get(reverse("sales:product_detail", args=[product.pk])))
    assert "550.50" in history and "500.00" in history


def test_price_form_refuses_a_negative_price(browser_as, products, base_price_type):
    product = products["P-1"]
    response = browser_as("head").post(
        reverse("sales:product_price_set", args=[product.pk]),
        {"price_type": base_price_type.pk, "effective_from": "2026-04-01", "amount": "-1"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("sales:product_detail", args=[product.pk]), 302)]
    assert field_errors_of(response, "price_form", "amount") == ["A price cannot be negative."]
    assert "A price cannot be negative." in page(response)
    assert Price.objects.filter(product=product).count() == 1


def field_errors_of(response, form: str, field: str) -> list[str]:
    return [str(e) for e in response.context[form].errors.get(field, [])]


def test_price_form_offers_no_derived_type(browser_as, products, base_price_type):
    derived = services.price_type_create(name="Retail", base=base_price_type, percent=D("10"))
    product = products["P-1"]
    client = browser_as("head")
    offered = client.get(reverse("sales:product_detail", args=[product.pk])).context["price_form"]
    assert list(offered.fields["price_type"].queryset) == [base_price_type]
    response = client.post(
        reverse("sales:product_price_set", args=[product.pk]),
        {"price_type": derived.pk, "effective_from": "2026-04-01", "amount": "10"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("sales:product_detail", args=[product.pk]), 302)]
    assert field_errors_of(response, "price_form", "price_type")
    assert not Price.objects.filter(price_type=derived).exists()


def test_a_manager_may_not_set_prices(browser_as, products, base_price_type):
    product = products["P-1"]
    client = browser_as("owner")
    assert 'data-testid="price-form"' not in page(
        client.get(reverse("sales:product_detail", args=[product.pk]))
    )
    response = client.post(
        reverse("sales:product_price_set", args=[product.pk]),
        {"price_type": base_price_type.pk, "effective_from": "2026-04-01", "amount": "1"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("sales:product_detail", args=[product.pk]), 302)]
    assert "Your role does not allow this." in page(response)
    assert Price.objects.filter(product=product).count() == 1


def test_product_list_searches_and_pages(browser_as, products):
    for number in range(55):
        services.product_create(code=f"B-{number:02d}", name=f"Brick {number:02d}")
    client = browser_as("owner")
    found = page(client.get(reverse("sales:products"), {"q": "sand"}))
    assert "Sand" in found and "Cement M500" not in found
    first = client.get(reverse("sales:products"))
    assert first.context["page"].paginator.num_pages == 2
    assert 'rel="next"' in page(first)
    assert "Sand" not in page(first)
    second = page(client.get(reverse("sales:products"), {"page": 2}))
    assert "Sand" in second  # 55 bricks and cement come first by name


# Price types


def test_new_price_type_derived_from_another(browser_as, base_price_type):
    client = browser_as("head")
    assert 'data-testid="price-type-new"' in page(client.get(reverse("sales:price_types")))
    response = client.post(
        reverse("sales:price_type_create"),
        {"name": "Wholesale", "currency": "rub", "base": base_price_type.pk, "percent": "-10"},
    )
    assert response.status_code == 302
    made = PriceType.objects.get(name="Wholesale")
    assert (made.base, made.percent, made.currency) == (base_price_type, D("-10"), "RUB")


def test_price_type_cycle_is_shown_on_the_base_field(browser_as, base_price_type):
    derived = services.price_type_create(name="Retail", base=base_price_type, percent=D("10"))
    response = browser_as("head").post(
        reverse("sales:price_type_edit", args=[base_price_type.pk]),
        {
            "version": base_price_type.version,
            "name": "Base",
            "base": derived.pk,
            "percent": "0",
        },
    )
    assert response.status_code == 400
    assert field_errors(response, "base") == [
        "A price type cannot be derived from itself, directly or through others."
    ]
    assert "cannot be derived from itself" in page(response)
    base_price_type.refresh_from_db()
    assert base_price_type.base is None


def test_price_type_form_refuses_a_bad_percentage_and_a_taken_name(browser_as, base_price_type):
    client = browser_as("head")
    response = client.post(
        reverse("sales:price_type_create"),
        {"name": "Retail", "currency": "RUB", "base": base_price_type.pk, "percent": "2000"},
    )
    assert response.status_code == 400
    assert field_errors(response, "percent") == ["Enter a percentage from -99 to 1000."]
    response = client.post(
        reverse("sales:price_type_create"), {"name": "base", "currency": "RUB", "percent": "0"}
    )
    assert field_errors(response, "name") == ["Price type base exists."]
    assert list(PriceType.objects.values_list("name", flat=True)) == ["Base"]


def test_price_type_edit_renames_and_archives(browser_as, base_price_type):
    response = browser_as("head").post(
        reverse("sales:price_type_edit", args=[base_price_type.pk]),
        {
            "version": base_price_type.version,
            "name": "Base list",
            "percent": "0",
            "is_archived": "on",
        },
    )
    assert response.status_code == 302
    base_price_type.refresh_from_db()
    assert (base_price_type.name, base_price_type.is_archived) == ("Base list", True)


def test_a_manager_may_not_add_price_types(browser_as, base_price_type):
    client = browser_as("owner")
    assert 'data-testid="price-type-new"' not in page(client.get(reverse("sales:price_types")))
    response = client.post(
        reverse("sales:price_type_create"), {"name": "Mine", "currency": "RUB", "percent": "0"}
    )
    assert response.status_code == 403
    assert "Your role does not allow this." in page(response)
    assert not PriceType.objects.filter(name="Mine").exists()


# Typical agreements


def agreement_data(price_type, **changes) -> dict:
    data = {
        "name": "Dealers",
        "price_type": price_type.pk,
        "delivery_days": "7",
        "tax_regime": "vat_on_top",
        "discount_percent": "3",
        "max_manual_discount": "5",
        "valid_from": "2026-02-01",
        "valid_to": "2026-12-31",
        "contract_required": "on",
        "comment": "",
        "stages-TOTAL_FORMS": "3",
        "stages-INITIAL_FORMS": "0",
        "stages-0-basis": "prepayment",
        "stages-0-percent": "30",
        "stages-0-days": "3",
        "stages-1-basis": "credit",
        "stages-1-percent": "70",
        "stages-1-days": "14",
        "stages-2-basis": "prepayment",
        "stages-2-percent": "",
        "stages-2-days": "",
    }
    data.update(changes)
    return data


def test_new_typical_agreement_form(browser_as, base_price_type, segment):
    client = browser_as("head")
    assert 'data-testid="agreement-new"' in page(client.get(reverse("sales:agreements")))
    assert client.get(reverse("sales:agreement_create")).status_code == 200
    response = client.post(
        reverse("sales:agreement_create"),
        agreement_data(base_price_type, segments=[segment.pk], returnable_packaging="on"),
    )
    made = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:agreement_detail", args=[made.pk])
    assert (made.kind, made.status, made.name, made.price_type) == (
        "typical",
        "draft",
        "Dealers",
        base_price_type,
    )
    assert (made.delivery_days, made.tax_regime, made.discount_percent) == (7, "vat_on_top", D("3"))
    assert made.max_manual_discount == D("5")
    assert (made.valid_from, made.valid_to) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 12, 31),
    )
    assert made.contract_required and made.returnable_packaging
    assert list(made.segments.all()) == [segment]
    assert [s.as_tuple() for s in made.stages.all()] == [
        ("prepayment", D("30"), 3),
        ("credit", D("70"), 14),
    ]


def test_agreement_form_shows_a_bad_schedule_and_writes_nothing(browser_as, base_price_type):
    response = browser_as("head").post(
        reverse("sales:agreement_create"),
        agreement_data(base_price_type, **{"stages-1-percent": "60"}),
    )
    assert response.status_code == 400
    assert response.context["stage_errors"] == [
        "A payment schedule has at least one stage, each with a positive share, and the "
        "shares add up to 100 %."
    ]
    assert 'data-testid="stage-errors"' in page(response)
    assert not Agreement.objects.exists()


def test_agreement_form_shows_field_errors_and_writes_nothing(browser_as, base_price_type):
    response = browser_as("head").post(
        reverse("sales:agreement_create"),
        agreement_data(
            base_price_type,
            name="",
            valid_to="2026-01-01",
            delivery_days="-1",
            max_manual_discount="101",
        ),
    )
    assert response.status_code == 400
    assert field_errors(response, "name") == ["An agreement needs a name."]
    assert field_errors(response, "valid_to") == [
        "An agreement is valid from a date, and ends (if at all) no earlier."
    ]
    assert field_errors(response, "delivery_days") == [
        "The delivery term is a number of days, zero or more."
    ]
    assert field_errors(response, "max_manual_discount") == ["Enter a percentage from 0 to 100."]
    assert "An agreement needs a name." in page(response)
    assert not Agreement.objects.exists()


def test_a_manager_may_not_make_a_typical_agreement(browser_as, base_price_type):
    client = browser_as("owner")
    assert 'data-testid="agreement-new"' not in page(client.get(reverse("sales:agreements")))
    response = client.post(reverse("sales:agreement_create"), agreement_data(base_price_type))
    assert response.status_code == 403
    assert "Your role does not allow this." in page(response)
    assert not Agreement.objects.exists()


@pytest.fixture
def draft(base_price_type):
    return services.agreement_create(
        name="Dealers",
        price_type=base_price_type,
        valid_from=datetime.date(2026, 1, 1),
        stages=[("prepayment", D("100"), 0)],
    )


def test_agreement_edit_form_changes_a_draft(browser_as, draft, base_price_type, segment):
    client = browser_as("head")
    url = reverse("sales:agreement_edit", args=[draft.pk])
    detail = page(client.get(reverse("sales:agreement_detail", args=[draft.pk])))
    assert 'data-testid="agreement-edit"' in detail
    form = client.get(url)
    assert form.context["formset"].initial == [
        {"basis": "prepayment", "percent": D("100"), "days": 0}
    ]

    data = agreement_data(
        base_price_type,
        name="Dealers 2026",
        discount_percent="-2",
        version=draft.version,
        segments=[segment.pk],
        **{"stages-INITIAL_FORMS": "1"},
    )
    response = client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.discount_percent, draft.status) == ("Dealers 2026", D("-2"), "draft")
    assert [s.as_tuple() for s in draft.stages.all()] == [
        ("prepayment", D("30"), 3),
        ("credit", D("70"), 14),
    ]
    assert list(draft.segments.all()) == [segment]


def test_only_a_draft_agreement_is_edited(browser_as, draft, base_price_type):
    services.agreement_transition(agreement=draft, status=AgreementStatus.AGREED)
    draft.refresh_from_db()
    client = browser_as("head")
    detail = page(client.get(reverse("sales:agreement_detail", args=[draft.pk])))
    assert 'data-testid="agreement-edit"' not in detail
    response = client.post(
        reverse("sales:agreement_edit", args=[draft.pk]),
        agreement_data(base_price_type, name="Changed", version=draft.version),
    )
    assert response.status_code == 400
    assert "Only a draft agreement can be changed; this one is Agreed." in page(response)
    draft.refresh_from_db()
    assert draft.name == "Dealers"


def test_a_manager_may_not_edit_a_typical_agreement(browser_as, draft, base_price_type):
    client = browser_as("owner")
    detail = page(client.get(reverse("sales:agreement_detail", args=[draft.pk])))
    assert 'data-testid="agreement-edit"' not in detail
    response = client.post(
        reverse("sales:agreement_edit", args=[draft.pk]),
        agreement_data(base_price_type, name="Mine", version=draft.version),
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.name == "Dealers"


def test_an_individual_draft_is_edited_without_segments(browser_as, agreement, partner):
    individual = services.agreement_individual_create(
        typical=agreement, partner=partner, valid_from=datetime.date(2026, 1, 1)
    )
    client = browser_as("owner")
    url = reverse("sales:agreement_edit", args=[individual.pk])
    assert "segments" not in client.get(url).context["form"].fields
    data = agreement_data(
        agreement.price_type,
        name=individual.name,
        discount_percent="7",
        valid_from="2026-01-01",
        version=individual.version,
        **{"stages-INITIAL_FORMS": "2"},  # the two stages copied from the typical one
    )
    assert client.post(url, data).status_code == 302
    individual.refresh_from_db()
    assert (individual.discount_percent, individual.kind) == (D("7"), "individual")
    assert browser_as("outsider").get(url).status_code == 404


def test_transition_buttons_still_move_the_agreement(browser_as, draft):
    client = browser_as("head")
    url = reverse("sales:agreement_detail", args=[draft.pk])
    assert 'data-testid="agreement-to-agreed"' in page(client.get(url))
    transition = reverse("sales:agreement_transition", args=[draft.pk])
    client.post(transition, {"status": "agreed"})
    client.post(transition, {"status": "active"})
    draft.refresh_from_db()
    assert draft.status == "active"
    assert list(draft.transitions.values_list("to_status", flat=True)) == ["agreed", "active"]


def test_individual_agreement_uses_the_partner_picker(
    browser_as, agreement, partner, other_partner
):
    client = browser_as("owner")
    detail = page(client.get(reverse("sales:agreement_detail", args=[agreement.pk])))
    assert 'data-testid="individual-form"' in detail
    assert 'type="hidden" name="partner"' in detail and '<select name="partner"' not in detail
    url = reverse("sales:agreement_individual", args=[agreement.pk])

    refused = client.post(
        url, {"partner": other_partner.pk, "valid_from": "2026-01-01"}, follow=True
    )
    assert refused.redirect_chain == [(reverse("sales:agreement_detail", args=[agreement.pk]), 302)]
    assert "Choose a partner from the search results." in page(refused)
    assert not Agreement.objects.filter(kind="individual").exists()

    made = client.post(url, {"partner": partner.pk, "valid_from": "2026-01-01"})
    assert made.status_code == 302
    assert Agreement.objects.get(kind="individual").partner == partner


# Commercial proposals


def proposal_data(partner, agreement, products, **changes) -> dict:
    data = {
        "partner": partner.pk,
        "agreement": agreement.pk,
        "date": "2026-03-02",
        "valid_until": "2026-03-31",
        "comment": "Delivery by our trucks",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": products["P-1"].pk,
        "lines-0-quantity": "2",
        "lines-1-product": products["P-2"].pk,
        "lines-1-quantity": "4",
        "lines-2-product": "",
        "lines-2-quantity": "",
    }
    data.update(changes)
    return data


def test_new_proposal_form_prices_the_lines_from_the_agreement(
    browser_as, partner, agreement, products
):
    client = browser_as("owner")
    listing = page(client.get(reverse("sales:proposals")))
    assert 'data-testid="proposal-new"' in listing
    form = page(client.get(reverse("sales:proposal_create")))
    assert 'type="hidden" name="partner"' in form and "sales/sales.js" in form

    response = client.post(
        reverse("sales:proposal_create"), proposal_data(partner, agreement, products)
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:proposal_detail", args=[proposal.pk])
    assert (proposal.partner, proposal.agreement, proposal.date) == (partner, agreement, DAY)
    assert proposal.valid_until == datetime.date(2026, 3, 31)
    assert proposal.manager.username == "owner"
    lines = list(
        proposal.lines.order_by("position").values_list("product__code", "quantity", "price")
    )
    assert lines == [("P-1", D("2"), D("475.00")), ("P-2", D("4"), D("114.00"))]
    assert proposal.total == D("1406.00")  # 2 × 475 + 4 × 114, VAT included


def test_proposal_page_shows_lines_totals_and_the_printable_link(
    browser_as, partner, agreement, products
):
    proposal = services.proposal_create(
        partner=partner,
        agreement=agreement,
        date=DAY,
        lines=[LineIn(product=products["P-2"], quantity=D("4"))],
    )
    response = browser_as("owner").get(reverse("sales:proposal_detail", args=[proposal.pk]))
    html = page(response)
    assert response.status_code == 200
    assert "Sand" in html and "456.00" in html
    assert reverse("sales:proposal_print", args=[proposal.pk]) in html
    assert 'data-testid="proposal-edit"' in html
    assert reverse("sales:proposal_detail", args=[proposal.pk]) in page(
        browser_as("owner").get(reverse("sales:proposals"))
    )
    assert (
        browser_as("outsider").get(reverse("sales:proposal_detail", args=[proposal.pk])).status_code
        == 404
    )


def test_proposal_form_refuses_a_partner_the_user_cannot_see(
    browser_as, other_partner, agreement, products
):
    response = browser_as("owner").post(
        reverse("sales:proposal_create"),
        proposal_data(other_partner, agreement, products),
        follow=True,
    )
    assert refused(response)
    assert field_errors(response, "partner") == ["Choose a partner from the search results."]
    assert "Other client" not in page(response)
    assert not Proposal.objects.exists()


def test_proposal_form_shows_bad_lines_and_writes_nothing(browser_as, partner, agreement, products):
    client = browser_as("owner")
    empty = proposal_data(
        partner,
        agreement,
        products,
        **{
            "lines-0-product": "",
            "lines-0-quantity": "",
            "lines-1-product": "",
            "lines-1-quantity": "",
        },
    )
    response = client.post(reverse("sales:proposal_create"), empty, follow=True)
    assert refused(response)
    assert response.context["line_errors"] == ["Add at least one line."]
    assert 'data-testid="line-errors"' in page(response)

    negative = proposal_data(partner, agreement, products, **{"lines-1-quantity": "-4"})
    response = client.post(reverse("sales:proposal_create"), negative, follow=True)
    assert refused(response)
    second = response.context["formset"].forms[1]
    assert second.errors["quantity"] == ["The quantity must be more than zero."]
    assert "The quantity must be more than zero." in page(response)

    early = proposal_data(partner, agreement, products, valid_until="2026-03-01")
    response = client.post(reverse("sales:proposal_create"), early, follow=True)
    assert field_errors(response, "valid_until") == ["A proposal cannot expire before its date."]
    assert not Proposal.objects.exists()


def test_proposal_edit_form_changes_a_draft(browser_as, partner, agreement, products):
    proposal = services.proposal_create(
        partner=partner,
        agreement=agreement,
        date=DAY,
        lines=[LineIn(product=products["P-2"], quantity=D("4"))],
    )
    client = browser_as("owner")
    url = reverse("sales:proposal_edit", args=[proposal.pk])
    form = client.get(url)
    assert form.context["formset"].initial == [{"product": products["P-2"].pk, "quantity": D("4")}]
    response = client.post(
        url,
        {
            "version": proposal.version,
            "agreement": agreement.pk,
            "date": "2026-03-02",
            "valid_until": "",
            "comment": "",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "1",
            "lines-0-product": products["P-2"].pk,
            "lines-0-quantity": "10",
            "lines-1-product": products["P-3"].pk,
            "lines-1-quantity": "1",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.partner == partner
    assert list(proposal.lines.order_by("position").values_list("quantity", "price")) == [
        (D("10"), D("114.00")),
        (D("1"), D("2850.00")),
    ]
    assert proposal.total == D("3990.00")


def test_only_a_draft_proposal_is_edited(browser_as, partner, agreement, products):
    proposal = services.proposal_create(
        partner=partner,
        agreement=agreement,
        date=DAY,
        lines=[LineIn(product=products["P-2"], quantity=D("4"))],
    )
    proposal = services.proposal_update(
        proposal=proposal, expected_version=None, status=ProposalStatus.SENT
    )
    client = browser_as("owner")
    assert 'data-testid="proposal-edit"' not in page(
        client.get(reverse("sales:proposal_detail", args=[proposal.pk]))
    )
    response = client.post(
        reverse("sales:proposal_edit", args=[proposal.pk]),
        {
            "version": proposal.version,
            "date": "2026-03-09",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert f"Proposal {proposal.number} is sent: only a draft proposal is changed." in page(
        response
    )
    assert "Move it back to draft first." in page(response)
    proposal.refresh_from_db()
    assert proposal.date == DAY and proposal.lines.count() == 1


def test_proposal_forms_of_another_managers_partner_are_not_found(
    browser_as, partner, agreement, products
):
    proposal = services.proposal_create(
        partner=partner, agreement=agreement, date=DAY, lines=[LineIn(products["P-1"], D("1"))]
    )
    response = browser_as("outsider").get(reverse("sales:proposal_edit", args=[proposal.pk]))
    assert response.status_code == 404
