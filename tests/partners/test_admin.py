"""The partners' administration: every model's list opens and searches for an
administrator, stays read-only, and the partner list costs the same queries for any
number of partners."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ladoga.accounts.roles import Role
from ladoga.accounts.services import user_create
from ladoga.partners import services
from ladoga.partners.models import (
    ContactInfo,
    ContactPerson,
    Counterparty,
    Partner,
    PartnerGroup,
    PropertyDefinition,
    RelationType,
    Segment,
)

from .conftest import inn10


@pytest.fixture
def records(partner_of, owner):
    """Two of everything: the first of each is what the search in the table looks for."""
    wanted = partner_of("owner", name="ООО «Ромашка»", roles=["client"])
    other = partner_of("colleague", name="Лютик", roles=["supplier"])
    made = {"partner": (wanted, other)}
    made["counterparty"] = tuple(
        services.counterparty_create(partner=p, short_name=p.name, inn=inn10(seed), by=owner)
        for seed, p in ((1, wanted), (2, other))
    )
    made["contactperson"] = (
        services.contact_create(partner=wanted, last_name="Иванова", by=owner),
        services.contact_create(partner=other, last_name="Петров", by=owner),
    )
    made["contactinfo"] = (
        services.contact_info_add(owner=wanted, kind="email", value="Anna@Romashka.RU", by=owner),
        services.contact_info_add(owner=other, kind="email", value="info@lutik.ru", by=owner),
    )
    made["partnergroup"] = (
        services.partner_group_create(name="Опт"),
        services.partner_group_create(name="Розница"),
    )
    made["segment"] = (services.segment_create(name="VIP"), services.segment_create(name="Новые"))
    made["propertydefinition"] = (
        services.property_definition_create(name="Регион", applies_to="partner", value_type="text"),
        services.property_definition_create(name="Хобби", applies_to="contact", value_type="text"),
    )
    made["relationtype"] = (
        services.relation_type_create(
            name="дочерняя компания", inverse_name="материнская компания", applies_to="partner"
        ),
        services.relation_type_create(name="коллега", applies_to="contact"),
    )
    return made


SEARCHES = [
    ("partner", "Ромашка"),
    ("partner", "romashka"),  # the normalised name
    ("counterparty", inn10(1)),
    ("counterparty", "Ромашка"),
    ("contactperson", "Иванова"),
    ("contactinfo", "anna@romashka.ru"),  # the key: lower case, as stored
    ("partnergroup", "Опт"),
    ("segment", "VIP"),
    ("propertydefinition", "Регион"),
    ("relationtype", "материнская"),
]


@pytest.mark.parametrize("model, query", SEARCHES)
def test_an_administrator_finds_records_in_every_list(browser_as, records, model, query):
    response = browser_as("admin").get(f"/admin/partners/{model}/", {"q": query})

    assert response.status_code == 200
    wanted, other = records[model]
    assert [row.pk for row in response.context["cl"].result_list] == [wanted.pk]
    assert response.context["cl"].result_count == 1
    unfiltered = browser_as("admin").get(f"/admin/partners/{model}/")
    assert {row.pk for row in unfiltered.context["cl"].result_list} >= {wanted.pk, other.pk}


def test_the_partner_list_finds_a_name_typed_in_another_script(browser_as, partner_of):
    latin = partner_of("owner", name="Romashka LLC")

    response = browser_as("admin").get("/admin/partners/partner/", {"q": "ООО Ромашка"})

    assert [row.pk for row in response.context["cl"].result_list] == [latin.pk]


@pytest.mark.parametrize(
    "model",
    [
        Partner,
        Counterparty,
        ContactPerson,
        ContactInfo,
        PartnerGroup,
        Segment,
        PropertyDefinition,
        RelationType,
    ],
)
def test_the_lists_are_read_only(browser_as, records, model):
    admin = browser_as("admin")
    name = model._meta.model_name
    record = records[name][0]

    assert admin.get(f"/admin/partners/{name}/add/").status_code == 403
    page = admin.get(f"/admin/partners/{name}/{record.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin.post(f"/admin/partners/{name}/{record.pk}/delete/").status_code == 403
    assert admin.get(f"/admin/partners/{name}/{record.pk}/history/").status_code == 200


def test_computed_fields_are_shown_not_edited(browser_as, records):
    admin = browser_as("admin")
    partner = records["partner"][0]
    info = records["contactinfo"][0]

    partner_page = admin.get(f"/admin/partners/partner/{partner.pk}/change/")
    info_page = admin.get(f"/admin/partners/contactinfo/{info.pk}/change/")

    assert partner.name_key == "romashka"
    assert b"romashka" in partner_page.content
    assert b'name="name_key"' not in partner_page.content
    assert b"anna@romashka.ru" in info_page.content
    assert b'name="key"' not in info_page.content
    admin.post(f"/admin/partners/partner/{partner.pk}/change/", {"name": "Другое"})
    partner.refresh_from_db()
    assert (partner.name, partner.version) == ("ООО «Ромашка»", 1)


def test_other_staff_cannot_open_the_administration(browser_as, records):
    response = browser_as("owner").get("/admin/partners/partner/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_partner_list_costs_the_same_queries_for_more_partners(browser_as, owner):
    admin = browser_as("admin")
    group = services.partner_group_create(name="Опт")

    def add_partners(start: int, count: int) -> None:
        for n in range(start, start + count):
            manager = user_create(
                username=f"manager{n}", role=Role.MANAGER, password="correct horse battery"
            )
            services.partner_create(name=f"Партнёр {n}", manager=manager, group=group, by=owner)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = admin.get("/admin/partners/partner/", {"q": "Партнёр"})
        assert response.status_code == 200
        return len(captured), response.context["cl"].result_count

    add_partners(0, 2)
    few, found = queries()
    assert found == 2
    add_partners(2, 20)
    many, found = queries()
    assert found == 22
    assert many == few
