# ruff: noqa: E501 -- the endpoint tables read best one endpoint per line
"""The partners API: permission matrix per endpoint, query counts, ETags, wizard, registry."""

import pytest

from ladoga.partners import services
from ladoga.partners.errors import PartnersCode, RegistryNotFound
from ladoga.partners.models import Partner
from ladoga.partners.registry import RegistryParty, provider_set

from .conftest import BIK, account, counts, inn10

STAFF_SEES_OWN = {
    "owner": "ok",
    "colleague": 404,
    "head": "ok",
    "outsider": 404,
    "admin": "ok",
    "claims": 404,
    None: 401,
}


class FakeRegistry:
    def find_party(self, inn, kpp=""):
        if inn != "7707083893":
            raise RegistryNotFound.single(PartnersCode.REGISTRY_NOT_FOUND, "not found")
        return RegistryParty(
            inn=inn,
            kind="legal_entity",
            short_name='ПАО "СБЕРБАНК РОССИИ"',
            full_name='ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"',
            kpp="773601001",
            ogrn="1027700132195",
            legal_address="г Москва, ул Вавилова, д 19",
            status="active",
        )


@pytest.fixture(autouse=True)
def fake_registry():
    provider_set(FakeRegistry())
    yield
    provider_set(None)


@pytest.fixture
def world(partner_of, actors):
    owner = actors["owner"]
    partner = partner_of("owner", name="Ромашка")
    other = partner_of("owner", name="Василёк")
    counterparty = services.counterparty_create(
        partner=partner, short_name="Ромашка", inn="7707083893", kpp="773601001", by=owner
    )
    contact = services.contact_create(partner=partner, last_name="Иванов", by=owner)
    colleague_of_contact = services.contact_create(partner=other, last_name="Петров", by=owner)
    partner_type = services.relation_type_create(
        name="агент", inverse_name="принципал", applies_to="partner"
    )
    contact_type = services.relation_type_create(
        name="подчиняется", inverse_name="руководит", applies_to="contact"
    )
    relation = services.relation_create(type=partner_type, source=partner, target=other)
    contact_relation = services.relation_create(
        type=contact_type, source=contact, target=colleague_of_contact
    )
    region = services.property_definition_create(
        name="Регион", applies_to="partner", value_type="text"
    )
    hobby = services.property_definition_create(
        name="Хобби", applies_to="contact", value_type="text"
    )
    return {
        "partner": partner.pk,
        "other": other.pk,
        "counterparty": counterparty.pk,
        "contact": contact.pk,
        "contact2": colleague_of_contact.pk,
        "partner_type": partner_type.pk,
        "contact_type": contact_type.pk,
        "relation": relation.pk,
        "contact_relation": contact_relation.pk,
        "region": region.pk,
        "hobby": hobby.pk,
    }


IF_MATCH = {"If-Match": '"1"'}
# (method, path, body, headers, success status)
RECORD_ENDPOINTS = [
    ("get", "/partners/{partner}", None, {}, 200),
    ("patch", "/partners/{partner}", {"comment": "новое"}, IF_MATCH, 200),
    ("delete", "/partners/{partner}", None, {}, 200),
    ("post", "/partners/{partner}/merge", {"duplicate_id": "{other}"}, {}, 200),
    ("put", "/partners/{partner}/contact-info", [{"kind": "phone", "value": "+79120000001"}], {}, 200),
    ("put", "/partners/{partner}/properties", {"values": {"{region}": "Москва"}}, {}, 200),
    ("get", "/counterparties/{counterparty}", None, {}, 200),
    ("patch", "/counterparties/{counterparty}", {"comment": "x"}, IF_MATCH, 200),
    ("post", "/counterparties/{counterparty}/bank-accounts", {"bik": BIK, "number": account(5)}, {}, 201),
    ("put", "/counterparties/{counterparty}/contact-info", [{"kind": "email", "value": "a@b.ru"}], {}, 200),
    ("post", "/counterparties/{counterparty}/registry-check", None, {}, 200),
    ("post", "/counterparties", {"partner_id": "{partner}", "short_name": "Филиал", "inn": "7707083893", "kpp": "772801001"}, {}, 201),
    ("get", "/contacts/{contact}", None, {}, 200),
    ("patch", "/contacts/{contact}", {"position": "Директор"}, IF_MATCH, 200),
    ("put", "/contacts/{contact}/contact-info", [{"kind": "email", "value": "i@b.ru"}], {}, 200),
    ("put", "/contacts/{contact}/properties", {"values": {"{hobby}": "шахматы"}}, {}, 200),
    ("post", "/contacts", {"partner_id": "{partner}", "last_name": "Новиков"}, {}, 201),
    ("get", "/relations?partner={partner}", None, {}, 200),
    ("post", "/relations", {"type_id": "{partner_type}", "source_id": "{other}", "target_id": "{partner}"}, {}, 201),
    ("delete", "/relations/{relation}", None, {}, 204),
    ("get", "/contact-relations?contact={contact}", None, {}, 200),
    ("post", "/contact-relations", {"type_id": "{contact_type}", "source_id": "{contact2}", "target_id": "{contact}"}, {}, 201),
    ("delete", "/contact-relations/{contact_relation}", None, {}, 204),
]  # fmt: skip


def _fill(value, ids):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {_fill(k, ids) if k.startswith("{") else k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _call(client, method, path, body, headers):
    path = "/api/v1" + path
    if method in ("get",):
        return client.get(path, headers=headers)
    if method == "delete":
        return client.delete(path, headers=headers)
    return getattr(client, method)(path, body, headers=headers)


@pytest.mark.parametrize("actor", list(STAFF_SEES_OWN))
@pytest.mark.parametrize(
    "method, path, body, headers, success",
    RECORD_ENDPOINTS,
    ids=[f"{e[0]} {e[1]}" for e in RECORD_ENDPOINTS],
)
def test_record_endpoints_permission_matrix(
    api_as, world, actor, method, path, body, headers, success
):
    expected = STAFF_SEES_OWN[actor]
    expected = success if expected == "ok" else expected
    if actor == "claims" and method != "get":
        expected = 403  # a claims officer reads partners but does not change them

    response = _call(api_as(actor), method, _fill(path, world), _fill(body, world), headers)

    assert response.status_code == expected, response.content


@pytest.mark.parametrize(
    "actor, status", [("owner", 200), ("admin", 200), ("portal", 403), (None, 401)]
)
def test_a_portal_client_sees_no_partner_it_is_not_bound_to(api_as, world, actor, status):
    response = api_as(actor).get(f"/api/v1/partners/{world['partner']}")

    assert response.status_code == status


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 201), ("colleague", 201), ("head", 201), ("admin", 201), ("claims", 403),
     ("portal", 403), (None, 401)],
)  # fmt: skip
def test_creating_a_partner_permissions(api_as, actors, actor, status):
    response = api_as(actor).post("/api/v1/partners", {"name": "Новая фирма", "roles": ["client"]})

    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["manager_id"] == actors[actor].pk
        assert response["ETag"] == '"1"'


@pytest.mark.parametrize(
    "actor, names",
    [
        ("owner", ["Василёк", "Ромашка"]),
        ("colleague", []),
        ("head", ["Василёк", "Ромашка"]),
        ("outsider", ["Чужая"]),
        ("admin", ["Василёк", "Ромашка", "Чужая"]),
    ],
)
def test_the_partner_list_shows_what_each_actor_may_see(api_as, world, partner_of, actor, names):
    partner_of("outsider", name="Чужая")

    response = api_as(actor).get("/api/v1/partners")

    assert response.status_code == 200
    assert [p["name"] for p in response.json()["items"]] == names
    assert response.json()["count"] == len(names)


def test_anonymous_lists_are_refused(api_as, world):
    for path in ("/partners", "/counterparties", "/contacts", "/partners/duplicates?name=x"):
        assert api_as(None).get("/api/v1" + path).status_code == 401


@pytest.mark.parametrize(
    "path, items",
    [("/counterparties", 1), ("/contacts", 2)],
)
@pytest.mark.parametrize("actor, visible", [("owner", True), ("colleague", False), ("head", True)])
def test_counterparty_and_contact_lists_follow_their_partner(
    api_as, world, path, items, actor, visible
):
    response = api_as(actor).get("/api/v1" + path)

    assert response.json()["count"] == (items if visible else 0)


@pytest.mark.parametrize("path", ["/partners", "/counterparties", "/contacts"])
def test_lists_cost_a_fixed_number_of_queries(
    api_as, world, partner_of, owner, path, django_assert_max_num_queries
):
    for index in range(20):
        partner = partner_of("owner", name=f"Фирма {index}")
        services.counterparty_create(partner=partner, short_name=f"Фирма {index}", by=owner)
        services.contact_create(partner=partner, last_name=f"Контакт {index}", by=owner)
    client = api_as("head")
    client.get("/api/v1/partners")  # the token's first use is written once

    with django_assert_max_num_queries(7):
        response = client.get("/api/v1" + path + "?limit=100")

    assert response.json()["count"] >= 20


def test_the_partner_list_filters(api_as, world, owner):
    segment = services.segment_create(name="VIP")
    partner = Partner.objects.get(pk=world["partner"])
    services.partner_update(
        partner=partner, expected_version=1, segments=[segment], roles=["supplier"]
    )
    services.property_values_set(owner=partner, values={world["region"]: "Урал"})
    client = api_as("owner")

    def names(query):
        return [p["name"] for p in client.get("/api/v1/partners?" + query).json()["items"]]

    assert names("q=romashka") == ["Ромашка"]
    assert names("q=7707083893") == ["Ромашка"]
    assert names("role=supplier") == ["Ромашка"]
    assert names(f"segment={segment.pk}") == ["Ромашка"]
    assert names(f"property={world['region']}:урал") == ["Ромашка"]
    assert names(f"manager={owner.pk}&status=active") == ["Василёк", "Ромашка"]
    assert client.get("/api/v1/partners?role=friend").status_code == 422
    assert client.get("/api/v1/partners?property=999:x").status_code == 422


def test_a_partner_answers_with_its_etag_and_a_stale_patch_is_refused(api_as, world):
    client = api_as("owner")
    path = f"/api/v1/partners/{world['partner']}"

    response = client.get(path)
    assert response["ETag"] == '"1"'
    assert response.json()["relations"][0]["name"] == "агент"

    assert client.patch(path, {"name": "Ромашка+"}).status_code == 428
    assert client.patch(path, {"name": "Ромашка+"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = client.patch(path, {"name": "Ромашка!"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["errors"][0]["code"] == "version_stale"
    assert client.get(path).json()["name"] == "Ромашка+"


def test_if_match_star_changes_a_partner_whatever_its_version(api_as, world):
    client = api_as("owner")
    path = f"/api/v1/partners/{world['partner']}"
    assert client.patch(path, {"name": "Ромашка+"}, headers={"If-Match": '"1"'}).status_code == 200

    response = client.patch(path, {"name": "Ромашка!"}, headers={"If-Match": "*"})

    assert response.status_code == 200
    assert client.get(path).json()["name"] == "Ромашка!"


def test_the_other_end_reads_the_relation_inversely(api_as, world):
    response = api_as("owner").get(f"/api/v1/relations?partner={world['other']}")

    assert [(r["name"], r["other_name"], r["outgoing"]) for r in response.json()] == [
        ("принципал", "Ромашка", False)
    ]


def test_a_relation_to_itself_is_refused_with_the_code(api_as, world):
    before = counts()

    response = api_as("owner").post(
        "/api/v1/relations",
        {
            "type_id": world["partner_type"],
            "source_id": world["partner"],
            "target_id": world["partner"],
        },
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["code"] == "relation_to_itself"
    assert counts() == before


def test_a_bad_inn_through_the_api_is_a_422_naming_the_field(api_as, world):
    before = counts()

    response = api_as("owner").post(
        "/api/v1/counterparties",
        {"partner_id": world["partner"], "short_name": "X", "inn": "7707083894"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"code": "inn_invalid", "message": "The INN's control digits do not match.", "field": "inn"}
    ]
    assert counts() == before


def test_the_same_inn_and_kpp_through_the_api_is_a_409(api_as, world):
    response = api_as("owner").post(
        "/api/v1/counterparties",
        {"partner_id": world["other"], "short_name": "X", "inn": "7707083893", "kpp": "773601001"},
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "counterparty_inn_kpp_taken"


def test_duplicates_lists_candidates_even_those_the_caller_cannot_open(api_as, world):
    response = api_as("outsider").get("/api/v1/partners/duplicates?name=ООО Ромашка&inn=7707083893")

    assert response.status_code == 200
    [candidate] = response.json()
    assert candidate["partner_id"] == world["partner"]
    assert candidate["visible"] is False
    assert candidate["manager"] == "Owner"
    assert [r["code"] for r in candidate["reasons"]] == ["inn", "name"]
    assert api_as("portal").get("/api/v1/partners/duplicates?name=x").status_code == 403


def test_the_wizard_answers_409_with_candidates_then_registers_when_confirmed(api_as, world):
    client = api_as("owner")
    payload = {
        "partner": {"name": "ООО Ромашка", "roles": ["client"]},
        "counterparty": {"short_name": "Ромашка-2", "inn": inn10(77), "kpp": "770101001"},
        "contacts": [{"last_name": "Смирнов", "contact_info": [{"kind": "phone", "value": "+7 912 000-00-07"}]}],
        "contact_info": [{"kind": "email", "value": "info@romashka2.ru"}],
        "bank_account": {"bik": BIK, "number": account(77)},
        "properties": {str(world["region"]): "Москва"},
    }  # fmt: skip
    before = counts()

    refused = client.post("/api/v1/partners/register", payload)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "partner_duplicates_found"
    assert refused.json()["candidates"][0]["partner_id"] == world["partner"]
    assert counts() == before

    created = client.post("/api/v1/partners/register", {**payload, "confirm_duplicates": True})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["contact_info"][0]["key"] == "info@romashka2.ru"
    assert body["properties"][0]["value"] == "Москва"


def test_the_wizard_reports_nested_fields(api_as, world):
    response = api_as("owner").post(
        "/api/v1/partners/register",
        {
            "partner": {"name": "Уникальное имя"},
            "counterparty": {"kind": "sole_proprietor", "short_name": "ИП", "kpp": "770101001"},
            "confirm_duplicates": True,
        },
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "code": "kpp_not_allowed",
        "message": "Only organisations have a KPP; a sole proprietor or a person has none.",
        "field": "counterparty.kpp",
    }


def test_merge_through_the_api(api_as, world):
    response = api_as("owner").post(
        f"/api/v1/partners/{world['partner']}/merge", {"duplicate_id": world["partner"]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "partner_merge_into_itself"

    merged = api_as("owner").post(
        f"/api/v1/partners/{world['partner']}/merge", {"duplicate_id": world["other"]}
    )
    assert merged.status_code == 200
    assert merged.json()["duplicate_name"] == "Василёк"
    assert Partner.objects.get(pk=world["other"]).merged_into_id == world["partner"]


def test_merging_a_partner_the_caller_cannot_see_is_404(api_as, world, partner_of):
    foreign = partner_of("outsider", name="Чужая")

    response = api_as("owner").post(
        f"/api/v1/partners/{world['partner']}/merge", {"duplicate_id": foreign.pk}
    )

    assert response.status_code == 404
    assert Partner.objects.get(pk=foreign.pk).status == "active"


@pytest.mark.parametrize(
    "actor, inn, status",
    [("owner", "7707083893", 200), ("owner", inn10(1), 404), ("owner", "7707083894", 422),
     ("owner", "12345", 422), ("head", "7707083893", 200), ("portal", "7707083893", 403),
     (None, "7707083893", 401)],
)  # fmt: skip
def test_registry_lookup(api_as, actor, inn, status):
    response = api_as(actor).get(f"/api/v1/registry/{inn}")

    assert response.status_code == status
    if status == 200:
        assert response.json()["kpp"] == "773601001"
    if status == 422:
        assert response.json()["errors"][0]["code"] == "inn_invalid"
    if status == 404:
        assert response.json()["errors"][0]["code"] == "registry_not_found"


def test_a_malformed_registry_answer_is_a_502_and_nothing_is_written(api_as, world):
    from ladoga.partners.errors import RegistryError

    class Broken:
        def find_party(self, inn, kpp=""):
            raise RegistryError.single(PartnersCode.REGISTRY_ANSWER_MALFORMED, "cannot be read")

    provider_set(Broken())
    before = counts()

    response = api_as("owner").post(
        f"/api/v1/counterparties/{world['counterparty']}/registry-check"
    )

    assert response.status_code == 502
    assert response.json()["errors"][0]["code"] == "registry_answer_malformed"
    assert counts() == before


@pytest.mark.parametrize(
    "path, body",
    [
        ("/segments", {"name": "Опт"}),
        ("/partner-groups", {"name": "Москва"}),
        ("/relation-types", {"name": "поставщик", "inverse_name": "покупатель", "applies_to": "partner"}),
        ("/property-definitions", {"name": "Размер", "applies_to": "partner", "value_type": "choice", "choices": ["S", "M"]}),
    ],
)  # fmt: skip
@pytest.mark.parametrize(
    "actor, status", [("admin", 201), ("head", 403), ("owner", 403), (None, 401)]
)
def test_catalogues_are_kept_by_administrators(api_as, actors, path, body, actor, status):
    response = api_as(actor).post("/api/v1" + path, body)

    assert response.status_code == status, response.content
    if actor == "admin":
        listed = api_as("owner").get("/api/v1" + path)
        assert listed.status_code == 200
        assert listed.json()["count"] == 1
