"""Duplicate protection everywhere (issue 14, point 11): quick create runs the same
duplicate check as the wizard and the import, and the wizard's first step (and quick
create) show the suspects live while the name, INN or phone is typed — only partners the
user may open, each a link to its card."""

import pytest
from django.urls import reverse

from ladoga.partners import services
from ladoga.partners.models import ContactInfo, Counterparty, Partner

from .conftest import counts, inn10, inn12

CREATE = reverse("partners:create")
CHECK = reverse("partners:duplicate_check")


def quick(client, **data):
    return client.post(
        CREATE, {"name": "ООО «Новое»", "kind": "company", "roles": ["client"], **data}
    )


def detail(partner) -> str:
    return reverse("partners:detail", args=[partner.pk])


@pytest.fixture
def client(browser_as):
    return browser_as("owner")


@pytest.fixture
def phoned(partner_of, owner):
    partner = partner_of("owner", name="ООО «Лютик»")
    services.contact_info_add(owner=partner, kind="phone", value="+7 912 345-67-89", by=owner)
    return partner


# ---- quick create ----


def test_quick_create_with_a_similar_name_shows_the_suspect_and_writes_nothing(
    client, partner, snapshot
):
    response = quick(client, name="ромашка ООО")

    assert response.status_code == 409
    html = response.content.decode()
    assert "These partners look like the one you are entering:" in html
    assert f'href="{detail(partner)}"' in html and "ООО «Ромашка»" in html
    assert 'data-testid="create-anyway"' in html
    assert snapshot()


def test_quick_create_with_a_known_inn_shows_the_suspect_and_writes_nothing(
    client, counterparty, snapshot
):
    response = quick(client, name="Совсем другое имя", inn=counterparty.inn)

    assert response.status_code == 409
    html = response.content.decode()
    assert f'href="{detail(counterparty.partner)}"' in html
    assert f"same INN {counterparty.inn}" in html
    assert snapshot()


def test_quick_create_with_a_known_phone_shows_the_suspect_and_writes_nothing(
    client, phoned, snapshot
):
    response = quick(client, name="Совсем другое имя", phone="8 (912) 345-67-89")

    assert response.status_code == 409
    html = response.content.decode()
    assert f'href="{detail(phoned)}"' in html and "same phone +7 912 345-67-89" in html
    assert snapshot()


def test_creating_anyway_after_the_suspects_saves_the_partner_its_inn_and_phone(
    client, phoned, owner
):
    assert quick(client, name="ООО «Лютик»", phone="8 912 345 67 89").status_code == 409

    response = quick(
        client, name="ООО «Лютик»", phone="8 912 345 67 89", inn=inn10(77), confirm_duplicates="1"
    )

    created = Partner.objects.exclude(pk=phoned.pk).get(name="ООО «Лютик»")
    assert response.status_code == 302 and response.url == detail(created)
    assert created.manager == owner
    counterparty = Counterparty.objects.get(partner=created)
    assert (counterparty.kind, counterparty.inn, counterparty.short_name) == (
        "legal_entity",
        inn10(77),
        "ООО «Лютик»",
    )
    assert ContactInfo.objects.get(partner=created, kind="phone").key == "+79123456789"


def test_quick_create_without_suspects_saves_at_once(client, partner):
    response = quick(client, name="ИП Сидоров", inn=inn12(5))

    created = Partner.objects.get(name="ИП Сидоров")
    assert response.status_code == 302 and response.url == detail(created)
    assert Counterparty.objects.get(partner=created).kind == "sole_proprietor"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"inn": "7701234567"}, "inn", "The INN's control digits do not match."),
        ({"phone": "12"}, "phone", "12 is not a phone number (write it as"),
    ],
)
def test_quick_create_with_a_bad_inn_or_phone_says_so_and_writes_nothing(
    client, snapshot, data, field, message
):
    response = quick(client, name="Совсем новое", confirm_duplicates="1", **data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert snapshot()


def test_quick_create_hides_a_partner_the_user_may_not_open(client, partner_of):
    hidden = partner_of("outsider", name="ООО «Незабудка»")
    before = counts()

    response = quick(client, name="ООО «Незабудка»")

    assert response.status_code == 409
    html = response.content.decode()
    assert detail(hidden) not in html and "Незабудка»</a>" not in html
    assert "And 1 partner you may not open" in html
    assert counts() == before


# ---- the live check ----


def test_the_live_check_links_each_suspect_to_its_card(client, partner, counterparty, phoned):
    by_name = client.get(CHECK, {"name": "Ромашка"})
    by_inn = client.get(CHECK, {"inn": counterparty.inn})
    by_phone = client.get(CHECK, {"phone": "89123456789"})

    assert by_name.status_code == by_inn.status_code == by_phone.status_code == 200
    assert f'<a href="{detail(partner)}"' in by_name.content.decode()
    assert f'<a href="{detail(partner)}"' in by_inn.content.decode()
    assert f'<a href="{detail(phoned)}"' in by_phone.content.decode()
    assert detail(phoned) not in by_name.content.decode()


def test_the_live_check_lists_nobody_the_user_may_not_open(client, partner_of):
    hidden = partner_of("outsider", name="ООО «Незабудка»")

    response = client.get(CHECK, {"name": "Незабудка"})

    html = response.content.decode()
    assert response.status_code == 200
    assert detail(hidden) not in html and "Незабудка" not in html
    assert "And 1 partner you may not open" in html


def test_the_live_check_ignores_what_is_still_being_typed(client, partner):
    for query in ({"name": "Ро"}, {"inn": "77012"}, {"phone": "8 91"}, {}):
        response = client.get(CHECK, query)
        assert response.status_code == 200, query
        assert b"duplicate-suspect" not in response.content, query


def test_the_live_check_needs_the_right_to_create_partners(browser_as):
    assert browser_as("portal").get(CHECK, {"name": "Ромашка"}).status_code in (302, 403)


# ---- the wizard's first step ----


def test_the_wizards_first_step_checks_as_it_is_typed_and_carries_inn_and_phone_on(client, partner):
    page = client.get(reverse("partners:wizard", args=["partner"])).content.decode()
    assert f'hx-get="{CHECK}"' in page and 'id="duplicate-suspects"' in page

    response = client.post(
        reverse("partners:wizard", args=["partner"]),
        {
            "name": "ООО «Василёк»",
            "kind": "company",
            "roles": ["client"],
            "inn": inn10(8),
            "phone": "8 912 000-11-22",
            "action": "next",
        },
    )

    assert response.status_code == 302
    counterparty = client.get(reverse("partners:wizard", args=["counterparty"]))
    assert counterparty.context["form"].initial["inn"] == inn10(8)
    client.post(reverse("partners:wizard", args=["counterparty"]), {"none": "on"})
    client.post(
        reverse("partners:wizard", args=["contacts"]),
        {"contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "0"},
    )
    info = client.get(reverse("partners:wizard", args=["contact-info"]))
    assert info.context["form"].initial[0]["value"] == "8 912 000-11-22"


def test_the_wizards_first_step_refuses_a_bad_inn_and_keeps_nothing(client):
    response = client.post(
        reverse("partners:wizard", args=["partner"]),
        {"name": "ООО «Василёк»", "kind": "company", "roles": ["client"], "inn": "123"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["inn"]
    assert "partners_wizard" not in client.session
    assert not Partner.objects.exists()


def test_the_wizards_review_links_the_suspects_the_user_may_open(client, partner, partner_of):
    hidden = partner_of("outsider", name="Ромашка")
    wizard = reverse("partners:wizard", args=["partner"])
    client.post(wizard, {"name": "Ромашка", "kind": "company", "roles": ["client"]})
    for step, data in (
        ("counterparty", {"none": "on"}),
        ("contacts", {"contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "0"}),
        (
            "contact-info",
            {"info-TOTAL_FORMS": "1", "info-INITIAL_FORMS": "0", "info-0-kind": "phone"},
        ),
        ("bank-account", {}),
        ("properties", {}),
    ):
        assert client.post(reverse("partners:wizard", args=[step]), data).status_code == 302

    review = client.get(reverse("partners:wizard", args=["review"])).content.decode()

    assert f'<a href="{detail(partner)}"' in review
    assert detail(hidden) not in review
