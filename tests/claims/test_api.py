"""The claims API: shapes, errors as problem documents, ETags, and a permission matrix on
every endpoint (actor → status; records out of reach are 404, portal users 403)."""

import pytest

from ladoga.claims.models import Claim
from ladoga.claims.services import claim_transition

from .conftest import counts

# Who may act on a claim of the owner's partner: owner (the partner's manager), the head of
# the owner's department, the administrator and claims officers; the others do not see it.
ON_CLAIM = [
    ("owner", 200),
    ("colleague", 404),
    ("outsider", 404),
    ("head", 200),
    ("admin", 200),
    ("claims", 200),
    ("portal", 403),
    (None, 401),
]


def created(status):
    return 201 if status == 200 else status


@pytest.mark.parametrize("actor, status", ON_CLAIM)
def test_get_claim_permissions(api_as, claim, actor, status):
    response = api_as(actor).get(f"/api/v1/claims/{claim.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["number"] == claim.number
        assert body["partner_name"] == "Ромашка"
        assert body["compensation"] == "0.00"
        assert [t["to_status"] for t in body["transitions"]] == ["registered"]
        assert body["plan"] == {"total": 0, "done": 0, "progress": 0, "tasks": []}
        assert response["ETag"] == f'"{claim.version}"'


@pytest.mark.parametrize("actor, status", ON_CLAIM)
def test_patch_claim_permissions(api_as, claim, actor, status):
    response = api_as(actor).patch(
        f"/api/v1/claims/{claim.pk}", {"essence": "Changed"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == status
    claim.refresh_from_db()
    assert (claim.essence == "Changed") is (status == 200)


@pytest.mark.parametrize("actor, status", ON_CLAIM)
def test_transition_permissions(api_as, claim, actor, status):
    response = api_as(actor).post(
        f"/api/v1/claims/{claim.pk}/transition", {"status": "investigating"}
    )
    assert response.status_code == status
    claim.refresh_from_db()
    assert (claim.status == "investigating") is (status == 200)


@pytest.mark.parametrize("actor, status", ON_CLAIM)
def test_comments_permissions(api_as, claim, actor, status):
    client = api_as(actor)
    response = client.post(f"/api/v1/claims/{claim.pk}/comments", {"text": "hi"})
    assert response.status_code == created(status)
    assert client.get(f"/api/v1/claims/{claim.pk}/comments").status_code == status


@pytest.mark.parametrize("actor, status", ON_CLAIM)
def test_plan_permissions(api_as, actors, claim, actor, status):
    client = api_as(actor)
    response = client.post(
        f"/api/v1/claims/{claim.pk}/plan",
        {"title": "Check the batch", "assignee_id": actors["owner"].pk, "due_date": "2030-01-10"},
    )
    assert response.status_code == created(status)
    response = client.get(f"/api/v1/claims/{claim.pk}/plan")
    assert response.status_code == status
    if status == 200:
        assert response.json()["total"] == 1


@pytest.mark.parametrize("actor, status", ON_CLAIM)
def test_interactions_permissions(api_as, claim, actor, status):
    response = api_as(actor).get(f"/api/v1/claims/{claim.pk}/interactions")
    assert response.status_code == status


@pytest.mark.parametrize(
    "actor, visible",
    [("owner", 1), ("colleague", 0), ("outsider", 0), ("head", 1), ("admin", 1), ("claims", 1)],
)
def test_list_shows_only_what_the_actor_may_see(api_as, claim, actor, visible):
    response = api_as(actor).get("/api/v1/claims")
    assert response.status_code == 200
    assert response.json()["count"] == visible


@pytest.mark.parametrize("actor, status", [("portal", 403), (None, 401)])
def test_list_refuses_portal_and_anonymous(api_as, claim, actor, status):
    response = api_as(actor).get("/api/v1/claims")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "actor, status",
    [
        ("owner", 201),
        ("colleague", 422),  # cannot see the owner's partner
        ("outsider", 422),
        ("head", 201),
        ("admin", 201),
        ("claims", 201),  # claims officers register claims of any partner
        ("portal", 403),
        (None, 401),
    ],
)
def test_create_permissions(api_as, partner, actor, status):
    response = api_as(actor).post("/api/v1/claims", {"partner_id": partner.pk, "essence": "Broken"})
    assert response.status_code == status
    assert Claim.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("claims", 200), ("admin", 200), ("portal", 403), (None, 401)],
)
def test_reason_list_permissions(api_as, reasons, actor, status):
    response = api_as(actor).get("/api/v1/claim-reasons")
    assert response.status_code == status
    if status == 200:
        assert response.json()["count"] == 3


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 403), ("head", 403), ("claims", 201), ("admin", 201), ("portal", 403), (None, 401)],
)
def test_reason_create_permissions(api_as, actor, status):
    response = api_as(actor).post("/api/v1/claim-reasons", {"name": "Rude driver"})
    assert response.status_code == status


def test_create_with_every_link(api_as, actors, partner, counterparty, order, reasons, departments):
    response = api_as("owner").post(
        "/api/v1/claims",
        {
            "partner_id": partner.pk,
            "essence": "Wrong colour",
            "date": "2026-02-03",
            "counterparty_id": counterparty.pk,
            "order_id": order.pk,
            "reason_id": reasons["defect"].pk,
            "culprit_department_id": departments["sales"].pk,
            "culprit_employee_id": actors["colleague"].pk,
            "responsible_id": actors["claims"].pk,
            "compensation": "99.90",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "CL-2026-000001"
    assert body["order_id"] == order.pk
    assert body["compensation"] == "99.90"
    assert body["responsible_id"] == actors["claims"].pk
    assert response["ETag"] == '"1"'


def test_create_errors_name_every_field_and_write_nothing(api_as, partner, other_order):
    before = counts()
    response = api_as("owner").post(
        "/api/v1/claims",
        {
            "partner_id": partner.pk,
            "essence": " ",
            "order_id": other_order.pk,
            "reason_id": 999999,
        },
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {(e["code"], e["field"]) for e in response.json()["errors"]}
    assert fields == {("claim_order_unknown", "order_id"), ("claim_reason_unknown", "reason_id")}
    assert counts() == before


@pytest.mark.parametrize("amount", ["-1", "1000.01"])
def test_create_with_a_bad_compensation(api_as, partner, order, amount):
    before = counts()
    response = api_as("owner").post(
        "/api/v1/claims",
        {"partner_id": partner.pk, "essence": "x", "order_id": order.pk, "compensation": amount},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "compensation"
    assert counts() == before


def test_patch_needs_if_match_and_refuses_a_stale_one(api_as, claim):
    client = api_as("owner")
    assert client.patch(f"/api/v1/claims/{claim.pk}", {"essence": "x"}).status_code == 428
    stale = client.patch(
        f"/api/v1/claims/{claim.pk}", {"essence": "x"}, headers={"If-Match": '"7"'}
    )
    assert stale.status_code == 412
    fresh = client.patch(
        f"/api/v1/claims/{claim.pk}", {"compensation": "5"}, headers={"If-Match": '"1"'}
    )
    assert fresh.status_code == 200
    assert fresh["ETag"] == '"2"'
    claim.refresh_from_db()
    assert claim.essence == "The goods came broken"


def test_if_match_star_changes_a_claim_whatever_its_version(api_as, claim):
    client = api_as("owner")
    client.patch(f"/api/v1/claims/{claim.pk}", {"essence": "x"}, headers={"If-Match": '"1"'})

    response = client.patch(
        f"/api/v1/claims/{claim.pk}", {"essence": "y"}, headers={"If-Match": "*"}
    )

    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.essence == "y"


def test_transition_errors(api_as, claim, owner):
    client = api_as("owner")
    jump = client.post(f"/api/v1/claims/{claim.pk}/transition", {"status": "closed"})
    assert jump.status_code == 422
    assert jump.json()["errors"][0]["code"] == "claim_transition_not_allowed"

    claim_transition(claim=claim, status="investigating", by=owner)
    before = counts()
    no_result = client.post(
        f"/api/v1/claims/{claim.pk}/transition", {"status": "resolved", "resolution": "satisfied"}
    )
    assert no_result.status_code == 422
    assert [e["code"] for e in no_result.json()["errors"]] == ["claim_result_required"]
    assert counts() == before

    done = client.post(
        f"/api/v1/claims/{claim.pk}/transition",
        {
            "status": "resolved",
            "resolution": "satisfied",
            "result": "Replaced",
            "compensation": "10",
        },
    )
    assert done.status_code == 200
    assert done.json()["resolution"] == "satisfied"
    assert done.json()["compensation"] == "10.00"


def test_transition_with_a_stale_if_match(api_as, claim):
    response = api_as("owner").post(
        f"/api/v1/claims/{claim.pk}/transition",
        {"status": "investigating"},
        headers={"If-Match": '"9"'},
    )
    assert response.status_code == 412
    claim.refresh_from_db()
    assert claim.status == "registered"


def test_list_filters(api_as, claim_factory, partner, reasons, owner):
    claim_factory(partner, reason=reasons["late"], essence="Late truck")
    claim_factory(partner, reason=reasons["defect"], essence="Scratched")
    client = api_as("owner")

    assert client.get("/api/v1/claims", {"q": "truck"}).json()["count"] == 1
    assert client.get("/api/v1/claims", {"reason": reasons["defect"].pk}).json()["count"] == 1
    assert client.get("/api/v1/claims", {"status": "registered"}).json()["count"] == 2
    assert client.get("/api/v1/claims", {"status": "closed"}).json()["count"] == 0


def test_list_query_count_does_not_grow(
    api_as, claim_factory, partner, django_assert_max_num_queries
):
    for _ in range(15):
        claim_factory(partner)
    client = api_as("owner")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/claims")
    assert response.json()["count"] == 15


def test_comment_html_is_returned_as_text(api_as, claim):
    text = "<img src=x onerror=alert(1)>"
    response = api_as("owner").post(
        f"/api/v1/claims/{claim.pk}/comments", {"text": text, "is_public": True}
    )
    assert response.status_code == 201
    assert response.json()["text"] == text


def test_create_and_patch_link_a_deal_of_the_partner(api_as, partner, owner, outsider):
    from ladoga.deals.models import DealKind
    from ladoga.deals.services import deal_create
    from ladoga.partners.services import partner_create

    kind = DealKind.objects.order_by("pk").first()
    deal = deal_create(name="Bricks", partner=partner, kind=kind, by=owner)
    stranger = partner_create(name="Чужой", roles=["client"], manager=outsider, by=outsider)
    foreign = deal_create(name="Sand", partner=stranger, kind=kind, by=outsider)
    client = api_as("owner")

    response = client.post(
        "/api/v1/claims", {"partner_id": partner.pk, "essence": "x", "deal_id": deal.pk}
    )
    assert response.status_code == 201
    assert response.json()["deal_id"] == deal.pk

    claim_id = response.json()["id"]
    refused = client.patch(
        f"/api/v1/claims/{claim_id}", {"deal_id": foreign.pk}, headers={"If-Match": '"1"'}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "claim_deal_unknown"
    assert Claim.objects.get(pk=claim_id).deal == deal
