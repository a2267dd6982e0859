"""Figures on the order page in the reader's language, numbers typed in either language,
and the free-text limit of an order's comment (issue 14, point 8)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from ladoga.accounts.models import User
from ladoga.core.errors import ValidationFailed
from ladoga.core.text import TEXT_LIMIT, TEXT_TOO_LONG
from ladoga.sales import services
from ladoga.sales.models import CustomerOrder, OrderLine
from ladoga.sales.services import LineIn

from .conftest import DAY, refused

NBSP = "\u00a0"
HUGE = "x" * 400_000


def speaking(user, language: str):
    User.objects.filter(pk=user.pk).update(language=language)


@pytest.fixture
def big_order(partner, counterparty, agreement, products, owner):
    """1 234,5 bags at 500 with the agreement's 5 %: 586 387,50 ₽, and a half of a sack."""
    return services.order_create(
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        date=DAY,
        lines=[
            LineIn(product=products["P-1"], quantity=D("1234.5")),
            LineIn(product=products["P-2"], quantity=D("0.5")),
        ],
        by=owner,
    )


def test_the_order_page_in_russian(browser_as, big_order, owner):
    speaking(owner, "ru")
    html = browser_as("owner").get(reverse("sales:order_detail", args=[big_order.pk])).content
    html = html.decode()
    assert big_order.total == D("586444.50")
    assert f'data-testid="order-total">586{NBSP}444,50{NBSP}₽</dd>' in html
    # quantities without trailing zeros, line amounts grouped with a no-break space
    assert f">1{NBSP}234,5 " in html and ">0,5 " in html
    assert f"586{NBSP}387,50</td>" in html
    assert "1234.500" not in html and "1234,500" not in html


def test_the_order_page_in_english(browser_as, big_order, owner):
    html = browser_as("owner").get(reverse("sales:order_detail", args=[big_order.pk])).content
    html = html.decode()
    assert f'data-testid="order-total">RUB{NBSP}586,444.50</dd>' in html
    assert ">1,234.5 " in html and ">0.5 " in html
    assert "586,387.50</td>" in html


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


@pytest.mark.parametrize(
    ("typed", "quantity"),
    [("3,5", "3.5"), ("3.5", "3.5"), ("1 234,5", "1234.5"), ("1\u00a0234,5", "1234.5")],
)
def test_a_quantity_typed_either_way_is_read(
    browser_as, partner, counterparty, agreement, products, typed, quantity
):
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        order_data(partner, counterparty, products, **{"lines-0-quantity": typed}),
    )
    assert response.status_code == 302
    assert OrderLine.objects.get().quantity == D(quantity)


@pytest.mark.parametrize(
    ("typed", "language", "message"),
    [
        (
            "1.234,5",
            "en",
            "“1.234,5” has both a dot and a comma; use one of them for the decimals and "
            "spaces for the thousands, like 1 234,5.",
        ),
        ("abc", "en", "“abc” is not a number; enter one like 3,5 or 1 234,50."),
        (
            "1.234,5",
            "ru",
            "В «1.234,5» есть и точка, и запятая; дробную часть отделяйте одним из этих "
            "знаков, а тысячи — пробелами, например 1 234,5.",
        ),
        ("abc", "ru", "«abc» — не число; введите, например, 3,5 или 1 234,50."),
    ],
)
def test_an_ambiguous_or_garbled_quantity_is_refused_and_nothing_written(
    browser_as, partner, counterparty, agreement, products, owner, typed, language, message
):
    speaking(owner, language)
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        order_data(
            partner, counterparty, products, **{"lines-0-quantity": typed, "lines-0-price": "3,5"}
        ),
        follow=True,
    )
    assert refused(response)
    assert response.context["formset"][0].errors["quantity"] == [message]
    assert message.replace("“", "&ldquo;") in response.content.decode() or (
        message in response.content.decode()
    )
    assert not CustomerOrder.objects.exists()
    assert not OrderLine.objects.exists()


def test_the_api_refuses_a_quantity_with_a_comma_and_a_dot(api_as, partner, counterparty, products):
    response = api_as("owner").post(
        "/api/v1/orders",
        {
            "partner_id": partner.pk,
            "counterparty_id": counterparty.pk,
            "lines": [{"product_id": products["P-1"].pk, "quantity": "1.234,5"}],
        },
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["lines.0.quantity"]
    assert not CustomerOrder.objects.exists()


# Free text: 400,000 characters of comment


def test_the_form_refuses_a_400000_character_comment_and_writes_nothing(
    browser_as, partner, counterparty, agreement, products
):
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        order_data(partner, counterparty, products, comment=HUGE),
        follow=True,
    )
    assert refused(response)
    assert response.context["form"].errors["comment"] == [
        "Ensure this value has at most 10000 characters (it has 400000)."
    ]
    assert not CustomerOrder.objects.exists()


def test_the_form_shows_the_limit_for_the_counter(browser_as, agreement):
    html = browser_as("owner").get(reverse("sales:order_create")).content.decode()
    assert f'maxlength="{TEXT_LIMIT}"' in html
    assert 'name="comment"' in html


def test_editing_an_order_to_a_400000_character_comment_changes_nothing(
    browser_as, order, products
):
    data = order_data(order.partner, order.counterparty, products, comment=HUGE)
    data["version"] = order.version
    del data["partner"]
    response = browser_as("owner").post(
        reverse("sales:order_edit", args=[order.pk]), data, follow=True
    )
    assert refused(response)
    fresh = CustomerOrder.objects.get(pk=order.pk)
    assert (fresh.comment, fresh.version, fresh.lines.count()) == ("", order.version, 2)


def test_the_api_refuses_a_400000_character_comment_and_writes_nothing(
    api_as, partner, counterparty, agreement, products
):
    response = api_as("owner").post(
        "/api/v1/orders",
        {
            "partner_id": partner.pk,
            "counterparty_id": counterparty.pk,
            "agreement_id": agreement.pk,
            "date": DAY.isoformat(),
            "comment": HUGE,
            "lines": [{"product_id": products["P-1"].pk, "quantity": "2"}],
        },
    )
    assert response.status_code == 422
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("string_too_long", "comment")
    ]
    assert not CustomerOrder.objects.exists()


def test_the_api_patch_refuses_it_too(api_as, order):
    response = api_as("owner").patch(
        f"/api/v1/orders/{order.pk}", {"comment": HUGE}, headers={"If-Match": f'"{order.version}"'}
    )
    assert response.status_code == 422
    assert CustomerOrder.objects.get(pk=order.pk).comment == ""


def test_the_service_refuses_it_whatever_the_way_in(partner, counterparty, agreement, products):
    with pytest.raises(ValidationFailed) as refused:
        services.order_create(
            partner=partner,
            counterparty=counterparty,
            agreement=agreement,
            date=DAY,
            comment=HUGE,
            lines=[LineIn(product=products["P-1"], quantity=D("1"))],
        )
    assert [(v.code, v.field, str(v.message)) for v in refused.value.violations] == [
        (
            TEXT_TOO_LONG,
            "comment",
            "Comment: at most 10,000 characters, this text has 400,000.",
        )
    ]
    assert not CustomerOrder.objects.exists()


def test_exactly_the_limit_is_accepted(partner, counterparty, agreement, products):
    made = services.order_create(
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        date=DAY,
        comment="я" * TEXT_LIMIT,
        lines=[LineIn(product=products["P-1"], quantity=D("1"))],
    )
    assert len(CustomerOrder.objects.get(pk=made.pk).comment) == TEXT_LIMIT
