"""The History of orders and agreements (issue 14, point 9): labels and names, not values."""

from decimal import Decimal as D

from django.urls import reverse

from ladoga.sales import services
from ladoga.sales.models import Agreement
from tests.history_text import assert_no_internals, history_changes

from .conftest import post


def test_the_order_history_shows_the_status_label(browser_as, order):
    post(order)

    page = browser_as("owner").get(reverse("sales:order_detail", args=[order.pk])).content.decode()

    changes = history_changes(page)
    assert "Status: Draft → Posted" in changes
    assert "draft" not in " ".join(changes)
    assert_no_internals(changes)


def test_the_agreement_history_shows_status_labels(browser_as, agreement):
    page = browser_as("head").get(reverse("sales:agreement_detail", args=[agreement.pk]))

    changes = history_changes(page.content.decode())
    assert "Status: Draft → Agreed" in changes
    assert "Status: Agreed → Active" in changes
    assert "agreed → active" not in page.content.decode()
    assert_no_internals(changes)


def test_the_agreement_history_keeps_its_query_count(
    browser_as, agreement, django_assert_max_num_queries
):
    draft = services.agreement_create(
        name="Terms",
        price_type=agreement.price_type,
        valid_from=agreement.valid_from,
        stages=[("prepayment", D("100"), 0)],
    )
    url = reverse("sales:agreement_detail", args=[draft.pk])
    client = browser_as("head")
    services.agreement_update(agreement=draft, expected_version=None, name="Terms 0")
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for index in range(1, 8):
        services.agreement_update(
            agreement=Agreement.objects.get(pk=draft.pk),
            expected_version=None,
            name=f"Terms {index}",
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()

    assert "Name: Terms 0 → Terms 1" in history_changes(page)
