"""Product groups: a name is required and unique among its sibling groups, case ignored in
any alphabet; heads and administrators add them, on the product groups page or the API."""

import pytest
from django.urls import reverse

from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.sales import services
from ladoga.sales.errors import Forbidden
from ladoga.sales.errors import SalesCode as C
from ladoga.sales.models import ProductGroup


def page(response) -> str:
    return response.content.decode()


def names() -> list[tuple[str, str | None]]:
    return sorted(
        (g.name, g.parent.name if g.parent else None)
        for g in ProductGroup.objects.select_related("parent")
    )


@pytest.fixture
def cement(db):
    return services.product_group_create(name="Цемент")


# The service


def test_a_group_is_added_under_a_parent(cement, actors):
    made = services.product_group_create(
        name="  Портланд  цемент ", parent=cement, by=actors["head"]
    )
    assert (made.name, made.parent, made.created_by) == ("Портланд цемент", cement, actors["head"])


@pytest.mark.parametrize("name", ["цемент", "ЦЕМЕНТ", " цЕмЕнТ "])
def test_a_taken_name_is_refused_in_any_case_and_alphabet(cement, name):
    with pytest.raises(Conflict) as error:
        services.product_group_create(name=name)
    [violation] = error.value.violations
    assert (violation.code, violation.field) == (C.PRODUCT_GROUP_NAME_TAKEN, "name")
    assert str(violation.message) == "This group already exists."
    assert names() == [("Цемент", None)]


def test_latin_names_too(db):
    services.product_group_create(name="Sand")
    with pytest.raises(Conflict):
        services.product_group_create(name="SAND")
    assert names() == [("Sand", None)]


def test_the_same_name_may_stand_under_another_parent(cement):
    other = services.product_group_create(name="Бетон")
    services.product_group_create(name="Прочее", parent=cement)
    services.product_group_create(name="прочее", parent=other)
    with pytest.raises(Conflict):
        services.product_group_create(name="ПРОЧЕЕ", parent=cement)
    assert names() == [
        ("Бетон", None),
        ("Прочее", "Цемент"),
        ("Цемент", None),
        ("прочее", "Бетон"),
    ]


@pytest.mark.parametrize("name", ["", "   "])
def test_a_group_needs_a_name(db, name):
    with pytest.raises(ValidationFailed) as error:
        services.product_group_create(name=name)
    assert [(v.field, str(v.message)) for v in error.value.violations] == [
        ("name", "A group needs a name.")
    ]
    assert not ProductGroup.objects.exists()


def test_a_manager_may_not_add_a_group(actors):
    with pytest.raises(Forbidden):
        services.product_group_create(name="Mine", by=actors["owner"])
    assert not ProductGroup.objects.exists()


# The API


def test_api_refuses_a_taken_name_in_another_case(api_as, cement):
    client = api_as("head")
    response = client.post("/api/v1/product-groups", {"name": "ЦЕМЕНТ"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "product_group_name_taken"
    assert client.post("/api/v1/product-groups", {"name": "Бетон"}).status_code == 201
    assert api_as("owner").post("/api/v1/product-groups", {"name": "Щебень"}).status_code == 403
    assert names() == [("Бетон", None), ("Цемент", None)]


# The page


def test_the_page_is_linked_from_the_products_page(browser_as, db):
    html = page(browser_as("owner").get(reverse("sales:products")))
    assert f'href="{reverse("sales:product_groups")}"' in html


def test_the_page_lists_groups_and_adds_one(browser_as, cement):
    client = browser_as("head")
    html = page(client.get(reverse("sales:product_groups")))
    assert "Цемент" in html and 'data-testid="product-group-form"' in html
    response = client.post(
        reverse("sales:product_groups"), {"name": "Портланд", "parent": cement.pk}, follow=True
    )
    assert response.redirect_chain == [(reverse("sales:product_groups"), 302)]
    assert "Product group Портланд is added." in page(response)
    assert names() == [("Портланд", "Цемент"), ("Цемент", None)]
    # The new group is offered on the product form.
    product_form = page(client.get(reverse("sales:product_create")))
    assert "Портланд" in product_form


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "  "}, "A group needs a name."),
        ({"name": "цемент"}, "This group already exists."),
    ],
)
def test_the_page_shows_the_services_refusal_and_writes_nothing(browser_as, cement, data, message):
    response = browser_as("head").post(reverse("sales:product_groups"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [message]
    assert message in page(response)
    assert names() == [("Цемент", None)]


def test_a_manager_sees_the_groups_but_may_not_add_one(browser_as, cement):
    client = browser_as("owner")
    html = page(client.get(reverse("sales:product_groups")))
    assert "Цемент" in html and 'data-testid="product-group-form"' not in html
    response = client.post(reverse("sales:product_groups"), {"name": "Mine"})
    assert response.status_code == 403
    assert "Your role does not allow this." in page(response)
    assert names() == [("Цемент", None)]
