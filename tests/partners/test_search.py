"""The partner search and the reads of the list and the card at scale: Cyrillic in any
case on SQLite too, no scan of every partner, the indexes that make it so, and plans that
look contact information up by its owner (SQLite keeps no statistics, and a wrong index
cost the list and the contacts tab a second or two at 100,000 partners)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ladoga.accounts.models import User
from ladoga.partners import queries, services
from ladoga.partners.models import Counterparty, RegistryStatus

from .conftest import inn10


def _plan(sql: str, params=()) -> str:
    """The database's plan for a query, as one line. On PostgreSQL only bitmap scans are
    allowed, which need an index condition: the plan shows whether an index can serve the
    query's terms at all (with a handful of rows the planner would rightly scan)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return " | ".join(row[3] for row in cursor.fetchall())
        scans = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")
        for scan in scans:
            cursor.execute(f"SET LOCAL {scan} = off")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            return " | ".join(row[0] for row in cursor.fetchall())
        finally:
            for scan in scans:
                cursor.execute(f"SET LOCAL {scan} = on")


@pytest.fixture
def named(partner_of):
    for name in ("ООО «Ромашка»", "АО «Лютик-Тверь»", "ИП Иванов И. И.", "Клиент Бета Плюс"):
        partner_of("owner", name=name)


def _api_names(api_as, q: str) -> set[str]:
    response = api_as("owner").get("/api/v1/partners", {"q": q, "limit": 50})
    assert response.status_code == 200
    return {item["name"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    "q",
    ["ромашка", "РОМАШКА", "Ромашка", "ромаш", "машка", "ооо ромашка", "Romashka", "romaschka"],
)
def test_a_name_is_found_in_any_case_and_alphabet(api_as, named, q):
    assert _api_names(api_as, q) == {"ООО «Ромашка»"}


@pytest.mark.parametrize(
    "q, found",
    [
        ("бета", {"Клиент Бета Плюс"}),  # a word inside the name
        ("бета плюс", {"Клиент Бета Плюс"}),
        ("лютик тверь", {"АО «Лютик-Тверь»"}),  # punctuation does not matter
        ("тверь", {"АО «Лютик-Тверь»"}),
        ("ив", {"ИП Иванов И. И."}),  # shorter than three letters: compared in full
        ("незабудка", set()),
    ],
)
def test_words_of_the_name_are_found(api_as, named, q, found):
    assert _api_names(api_as, q) == found


def test_the_list_page_searches_the_same_way(browser_as, named):
    body = browser_as("owner").get(reverse("partners:list"), {"q": "ромашка"}).content.decode()
    assert "ООО «Ромашка»" in body and "Лютик" not in body


def test_a_renamed_partner_is_found_by_its_new_name(api_as, partner, owner):
    services.partner_update(partner=partner, expected_version=None, name="ООО «Василёк»", by=owner)

    assert _api_names(api_as, "василёк") == {"ООО «Василёк»"}
    assert _api_names(api_as, "ромашка") == set()


def test_the_search_still_honours_access(api_as, partner_of):
    partner_of("owner", name="ООО «Ромашка»")
    partner_of("outsider", name="ООО «Ромашка-Юг»")

    assert _api_names(api_as, "ромашка") == {"ООО «Ромашка»"}


def test_the_search_reads_an_index_not_every_partner(named, actors):
    """SQLite: the word keys (PartnerNameKey); PostgreSQL: the trigram indexes. As the
    administrator, who sees every partner: nothing but the search narrows the list."""
    found = queries.partners_filter(
        queries.partners_visible_to(user=User.objects.get(username="admin")), q="ромашка"
    )
    plan = _plan(*found.query.sql_with_params())

    if connection.vendor == "sqlite":
        assert "partner_name_key" in plan, plan
        assert "SCAN partners_partner" not in plan.replace("SCAN partners_partnernamekey", "")
    else:
        assert "partner_name_key_trgm" in plan and "partner_name_upper_trgm" in plan, plan
        assert "Seq Scan on partners_partner" not in plan, plan


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "partners_partner"))


def test_the_list_indexes_exist(db):
    """Migration 0004 makes them; a later migration that rebuilds partners_partner on
    SQLite drops undeclared indexes and must make partner_name_id again."""
    if connection.vendor == "sqlite":
        assert "partner_name_id" in _indexes()
    else:
        assert {"partner_name_upper_trgm", "partner_name_key_trgm"} <= _indexes()
        assert "partner_name_id" not in _indexes()


# ---- contact information: looked up by its owner ----


@pytest.fixture
def reachable(partner, counterparty, contact, owner):
    services.contact_info_add(owner=partner, kind="phone", value="+7 912 000-00-01", by=owner)
    services.contact_info_add(owner=partner, kind="actual_address", value="Тверь", by=owner)
    services.contact_info_add(owner=counterparty, kind="phone", value="+7 912 000-00-02")
    services.contact_info_add(owner=contact, kind="phone", value="+7 912 000-00-03", by=owner)
    services.contact_info_add(owner=contact, kind="email", value="anna@romashka.ru", by=owner)
    services.contact_info_add(owner=contact, kind="messenger", value="tg-anna-777", by=owner)
    return partner


def test_the_list_shows_the_partners_own_phone_only(browser_as, reachable):
    body = browser_as("owner").get(reverse("partners:list")).content.decode()

    assert "+7 912 000-00-01" in body
    assert "+7 912 000-00-02" not in body and "+7 912 000-00-03" not in body


def test_the_contacts_tab_shows_phones_and_e_mails_of_each_person(browser_as, reachable):
    url = reverse("partners:detail", args=[reachable.pk])
    body = browser_as("owner").get(url, {"tab": "contacts"}).content.decode()
    tab = body.split('data-testid="tab-contacts"', 1)[1].split("</section>", 1)[0]

    assert "+7 912 000-00-03" in tab and "anna@romashka.ru" in tab
    assert "tg-anna-777" not in tab and "+7 912 000-00-01" not in tab


@pytest.mark.parametrize("page", ["list", "contacts"])
def test_contact_information_is_looked_up_by_its_owner(
    browser_as, reachable, partner_of, owner, page
):
    """SQLite, which keeps no statistics, must be led to the owner's index by the shape of
    the query: its plan is checked. PostgreSQL picks by statistics, which a handful of rows
    cannot stand for: there every query must at least name the owner, so that its index
    can serve it."""
    for number in range(6):  # several owners: with one, SQLite takes any plan for "="
        other = partner_of("owner", name=f"ООО «Фирма {number}»")
        services.contact_info_add(owner=other, kind="phone", value=f"+7 912 100-00-0{number}")
        person = services.contact_create(partner=reachable, last_name=f"Лицо {number}")
        services.contact_info_add(owner=person, kind="email", value=f"p{number}@romashka.ru")
    client = browser_as("owner")
    url = (
        reverse("partners:list")
        if page == "list"
        else reverse("partners:detail", args=[reachable.pk]) + "?tab=contacts"
    )
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200

    reads = [
        q["sql"] for q in captured.captured_queries if 'FROM "partners_contactinfo"' in q["sql"]
    ]
    assert reads
    for sql in reads:
        if connection.vendor == "sqlite":
            plan = _plan(sql)
            assert "contactinfo_partner_id" in plan or "contactinfo_contact_id" in plan, plan
        else:
            where = sql.split(" WHERE ", 1)[1]
            assert re.search(r'"(partner|contact)_id" (=|IN) ', where), sql


def test_card_query_count_does_not_grow_with_contact_information_or_warnings(
    browser_as, partner, owner, django_assert_max_num_queries
):
    client = browser_as("owner")
    counts: dict[str, list[int]] = {}
    for size in (1, 8):
        for number in range(size):
            services.contact_info_add(
                owner=partner, kind="phone", value=f"+7 913 222-{size:02d}-{number:02d}", by=owner
            )
            services.contact_info_add(
                owner=partner, kind="email", value=f"x{size}{number}@romashka.ru", by=owner
            )
            person = services.contact_create(partner=partner, last_name=f"Лицо {size}{number}")
            services.contact_info_add(owner=person, kind="email", value=f"p{size}{number}@x.ru")
            flagged = services.counterparty_create(
                partner=partner,
                short_name=f"Филиал {size}-{number}",
                inn=inn10(500 + size * 10 + number),
            )
            Counterparty.objects.filter(pk=flagged.pk).update(
                registry_status=RegistryStatus.LIQUIDATING
            )
        for tab in ("requisites", "contacts", "contact-info", "history"):
            url = reverse("partners:detail", args=[partner.pk])
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, {"tab": tab}).status_code == 200
            counts.setdefault(tab, []).append(len(captured))

    for tab, (small, large) in counts.items():
        assert small == large, tab
    # 14 for the card itself, 9 COUNT queries for the later domains' tab titles (issue 14).
    with django_assert_max_num_queries(23):
        client.get(reverse("partners:detail", args=[partner.pk]))


def test_the_sqlite_search_meets_names_by_the_beginnings_and_ends_of_their_words():
    """Only the "p:", "s:" and "w:" keys: the duplicate check's rarer "c:" and "d:" keys
    would add candidates the search then drops, and cost SQLite the time to read them."""
    from ladoga.partners import keys

    found = keys.name_word_end_keys("ООО «Ромашка» Юг 7")

    assert found == {"p:rom", "s:hka", "p:yug", "s:yug", "w:7"}
    assert found < keys.name_search_keys("ООО «Ромашка» Юг 7")
