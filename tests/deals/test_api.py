"""The deals API (DESIGN.md): the permission matrix of every endpoint, problem documents
with stable codes, ETags and If-Match, and bounded query counts on the lists."""

import pytest
from django.utils import timezone

from ladoga.deals import services
from ladoga.deals.models import Deal, DealKind

from .conftest import counts, stage, tasks_done

# owner: the deal's manager; head: heads the owner's department; colleague: same
# department, another manager; outsider: another department; claims: a claims officer.
SEE = [
    ("owner", 200),
    ("head", 200),
    ("admin", 200),
    ("colleague", 404),
    ("outsider", 404),
    ("claims", 404),
    ("portal", 403),
    (None, 401),
]
ACT = [
    ("owner", 200),
    ("head", 200),
    ("admin", 200),
    ("colleague", 404),
    ("outsider", 404),
    ("claims", 404),
    ("portal", 403),
    (None, 401),
]


def etag(response) -> dict:
    return {"If-Match": response.headers["ETag"]}


@pytest.mark.parametrize("actor, status", SEE)
def test_get_deal_permissions(api_as, deal, actor, status):
    response = api_as(actor).get(f"/api/v1/deals/{deal.pk}")
    assert response.status_code == status
    if status == 200:
        assert response.json()["number"] == deal.number
        assert response.headers["ETag"] == f'"{deal.version}"'


@pytest.mark.parametrize(
    "actor, status, seen",
    [
        ("owner", 200, 1),
        ("head", 200, 1),
        ("admin", 200, 1),
        ("colleague", 200, 0),
        ("claims", 200, 0),
        ("portal", 403, None),
        (None, 401, None),
    ],
)
def test_list_permissions(api_as, deal, actor, status, seen):
    response = api_as(actor).get("/api/v1/deals")
    assert response.status_code == status
    if seen is not None:
        assert response.json()["count"] == seen


@pytest.mark.parametrize("actor, status", ACT)
def test_move_permissions(api_as, deal, contacts, actor, status):
    services.deal_update(deal=deal, expected_version=None, by=None, contacts=[contacts["buyer"]])
    tasks_done(deal)
    response = api_as(actor).post(
        f"/api/v1/deals/{deal.pk}/move", {"stage": stage(deal.kind, "needs").pk}
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["stage_code"] == "needs"


@pytest.mark.parametrize("actor, status", ACT)
def test_patch_permissions(api_as, deal, actor, status):
    response = api_as(actor).patch(
        f"/api/v1/deals/{deal.pk}",
        {"name": "Renamed"},
        headers={"If-Match": f'"{deal.version}"'},
    )
    assert response.status_code == status


def test_if_match_star_changes_a_deal_whatever_its_version(api_as, deal):
    client = api_as("owner")
    path = f"/api/v1/deals/{deal.pk}"
    client.patch(path, {"name": "First"}, headers={"If-Match": f'"{deal.version}"'})

    response = client.patch(path, {"name": "Second"}, headers={"If-Match": "*"})

    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.name == "Second"


@pytest.mark.parametrize("actor, status", ACT)
def test_lose_permissions(api_as, deal, reasons, actor, status):
    response = api_as(actor).post(f"/api/v1/deals/{deal.pk}/lose", {"reason": reasons[0].pk})
    assert response.status_code == status


@pytest.mark.parametrize("actor, status", ACT)
def test_win_permissions(api_as, deal_factory, non_process, actor, status):
    deal = deal_factory(kind=non_process)
    response = api_as(actor).post(f"/api/v1/deals/{deal.pk}/win")
    assert response.status_code == status


@pytest.mark.parametrize(
    "actor, status",
    [
        ("owner", 403),
        ("head", 200),
        ("admin", 200),
        ("colleague", 404),
        ("outsider", 404),
        ("portal", 403),
        (None, 401),
    ],
)
def test_reopen_permissions(api_as, deal, reasons, owner, actor, status):
    services.deal_lose(deal=deal, reason=reasons[0], by=owner)
    response = api_as(actor).post(f"/api/v1/deals/{deal.pk}/reopen", {"comment": "again"})
    assert response.status_code == status
    if status == 403 and actor == "owner":
        assert response.json()["errors"][0]["code"] == "deal_reopen_forbidden"


@pytest.mark.parametrize("actor, status", SEE)
def test_documents_permissions(api_as, deal, actor, status):
    response = api_as(actor).get(f"/api/v1/deals/{deal.pk}/documents")
    assert response.status_code == status


@pytest.mark.parametrize("actor, status", SEE)
def test_history_and_parties_permissions(api_as, deal, actor, status):
    for suffix in ("history", "parties"):
        assert api_as(actor).get(f"/api/v1/deals/{deal.pk}/{suffix}").status_code == status


@pytest.mark.parametrize(
    "actor, status",
    [
        ("owner", 201),
        ("head", 201),
        ("admin", 201),
        ("colleague", 422),
        ("claims", 403),
        ("portal", 403),
        (None, 401),
    ],
)
def test_create_permissions(api_as, partner, strict, actor, status):
    """A colleague cannot open a deal with a client they do not see: 422 `not_found`."""
    response = api_as(actor).post(
        "/api/v1/deals", {"name": "New", "partner_id": partner.pk, "kind_id": strict.pk}
    )
    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert body["number"].startswith("DL-")
        assert body["stage_code"] == "qualification"
        assert response.headers["ETag"] == f'"{body["version"]}"'


def test_create_reports_every_bad_field_and_writes_nothing(api_as, partner, strict):
    before = counts()
    response = api_as("owner").post(
        "/api/v1/deals",
        {
            "name": " ",
            "partner_id": partner.pk,
            "kind_id": strict.pk,
            "amount": "-1",
            "probability_override": 150,
        },
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    codes = [e["code"] for e in response.json()["errors"]]
    assert codes == ["deal_name_required", "deal_amount_invalid", "deal_probability_invalid"]
    assert counts() == before


def test_patch_needs_if_match_and_refuses_a_stale_version(api_as, deal):
    client = api_as("owner")
    assert client.patch(f"/api/v1/deals/{deal.pk}", {"name": "X"}).status_code == 428
    current = client.get(f"/api/v1/deals/{deal.pk}")
    ok = client.patch(f"/api/v1/deals/{deal.pk}", {"name": "X"}, headers=etag(current))
    assert ok.status_code == 200
    stale = client.patch(f"/api/v1/deals/{deal.pk}", {"name": "Y"}, headers=etag(current))
    assert stale.status_code == 412
    assert stale.json()["errors"][0]["code"] == "version_stale"
    assert Deal.objects.get(pk=deal.pk).name == "X"


def test_override_probability_and_clear_it(api_as, deal):
    client = api_as("owner")
    current = client.get(f"/api/v1/deals/{deal.pk}")
    bad = client.patch(
        f"/api/v1/deals/{deal.pk}", {"probability_override": 101}, headers=etag(current)
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["code"] == "deal_probability_invalid"
    assert Deal.objects.get(pk=deal.pk).version == deal.version

    set_ = client.patch(
        f"/api/v1/deals/{deal.pk}", {"probability_override": 55}, headers=etag(current)
    )
    assert set_.json()["probability"] == "55.00" or set_.json()["probability"] == "55"
    assert set_.json()["probability_is_override"] is True
    cleared = client.patch(
        f"/api/v1/deals/{deal.pk}", {"probability_override": None}, headers=etag(set_)
    )
    assert cleared.json()["probability_is_override"] is False


def test_editing_a_closed_deal_is_409(api_as, deal, reasons, owner):
    services.deal_lose(deal=deal, reason=reasons[0], by=owner)
    client = api_as("owner")
    current = client.get(f"/api/v1/deals/{deal.pk}")
    before = counts()
    response = client.patch(f"/api/v1/deals/{deal.pk}", {"name": "Z"}, headers=etag(current))
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "deal_closed"
    move = client.post(f"/api/v1/deals/{deal.pk}/move", {"stage": stage(deal.kind, "needs").pk})
    assert move.status_code == 409
    assert counts() == before


def test_a_refused_move_lists_every_unmet_guard(api_as, deal):
    before = counts()
    response = api_as("owner").post(
        f"/api/v1/deals/{deal.pk}/move", {"stage": stage(deal.kind, "client_classified").pk}
    )
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == [
        "deal_stage_skipped",
        "deal_agreement_missing",
        "deal_tasks_open",
    ]
    assert counts() == before


def test_a_stage_of_another_kind_is_422(api_as, deal, manual):
    response = api_as("owner").post(
        f"/api/v1/deals/{deal.pk}/move", {"stage": stage(manual, "pilot").pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "deal_stage_other_kind"


def test_losing_without_a_reason_is_422_and_writes_nothing(api_as, deal):
    before = counts()
    response = api_as("owner").post(f"/api/v1/deals/{deal.pk}/lose", {})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "deal_loss_reason_required"
    assert counts() == before
    assert Deal.objects.get(pk=deal.pk).status == "in_progress"


def test_winning_without_the_required_order_is_422(api_as, deal, advance):
    deal = advance(deal, "order")
    before = counts()
    response = api_as("owner").post(f"/api/v1/deals/{deal.pk}/win")
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == ["deal_order_not_posted"]
    assert counts() == before


def test_lose_with_a_competitor_and_read_the_history(api_as, deal, reasons, competitor):
    client = api_as("owner")
    response = client.post(
        f"/api/v1/deals/{deal.pk}/lose",
        {"reason": reasons[1].pk, "competitor_id": competitor.pk, "comment": "cheaper"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["loss_reason_id"], body["competitor_id"]) == (
        "lost",
        reasons[1].pk,
        competitor.pk,
    )
    history = client.get(f"/api/v1/deals/{deal.pk}/history").json()
    assert [h["action"] for h in history] == ["created", "lost"]
    assert history[1]["comment"] == "cheaper"


def test_documents_list_everything_linked(api_as, deal, owner, product, counterparty):
    from ladoga.interactions.services import interaction_create
    from ladoga.sales.services import LineIn

    services.deal_proposal_create(deal=deal, lines=[LineIn(product=product, quantity=1)], by=owner)
    services.deal_order_create(deal=deal, by=owner)
    interaction_create(
        kind="call",
        title="Called about cement",
        responsible=owner,
        subject_type="deals.deal",
        subject_id=deal.pk,
        by=owner,
    )
    response = api_as("owner").get(f"/api/v1/deals/{deal.pk}/documents")
    assert response.status_code == 200
    assert sorted(d["type"] for d in response.json()) == ["interaction", "order", "proposal"]
    # the environment and documents follow the deal: the outsider sees none of it
    assert api_as("outsider").get(f"/api/v1/deals/{deal.pk}/documents").status_code == 404


def test_parties_add_and_remove(api_as, deal, competitor, contacts):
    client = api_as("owner")
    added = client.post(
        f"/api/v1/deals/{deal.pk}/parties", {"role": "competitor", "partner_id": competitor.pk}
    )
    assert added.status_code == 201
    again = client.post(
        f"/api/v1/deals/{deal.pk}/parties", {"role": "competitor", "partner_id": competitor.pk}
    )
    assert again.status_code == 409
    both = client.post(f"/api/v1/deals/{deal.pk}/parties", {"role": "influencer"})
    assert both.json()["errors"][0]["code"] == "deal_party_required"
    assert len(client.get(f"/api/v1/deals/{deal.pk}/parties").json()) == 1
    removed = client.delete(f"/api/v1/deals/{deal.pk}/parties/{added.json()['id']}")
    assert removed.status_code == 204


def test_list_query_count_does_not_grow_with_deals(
    api_as, deal_factory, django_assert_max_num_queries
):
    client = api_as("owner")
    client.get("/api/v1/deals")
    for index in range(12):
        deal_factory(name=f"Deal {index}")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/deals?limit=50")
    assert response.json()["count"] == 12


# --- deal kinds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("head", 200), ("admin", 200), ("claims", 200), ("portal", 403), (None, 401)],
)
def test_kinds_are_read_by_all_staff(api_as, strict, actor, status):
    response = api_as(actor).get(f"/api/v1/deal-kinds/{strict.pk}")
    assert response.status_code == status
    if status == 200:
        codes = [s["code"] for s in response.json()["stages"]]
        assert codes == [
            "qualification",
            "needs",
            "client_classified",
            "proposal",
            "negotiation",
            "order",
            "won",
            "lost",
        ]


NEW_KIND = {
    "name": "Service contract",
    "process_type": "strict",
    "stages": [
        {"code": "brief", "name": "Brief", "default_probability": 20},
        {
            "code": "offer",
            "name": "Offer",
            "default_probability": 50,
            "guards": ["deal_amount_date_missing"],
            "task_templates": [
                {"title": "Send the offer", "due_in_days": 2, "required": True},
                {
                    "title": "Check the price",
                    "assignee_kind": "role",
                    "assignee_role": "head",
                    "due_in_days": 1,
                },
            ],
        },
        {"code": "won", "name": "Won", "outcome": "won", "default_probability": 100},
        {"code": "lost", "name": "Lost", "outcome": "lost", "default_probability": 0},
    ],
    "links": [{"title": "How we sell services", "url": "https://example.com/services"}],
}


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 403), ("head", 201), ("admin", 201), ("portal", 403), (None, 401)],
)
def test_kind_create_permissions(api_as, actor, status):
    response = api_as(actor).post("/api/v1/deal-kinds", NEW_KIND)
    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert [s["code"] for s in body["stages"]] == ["brief", "offer", "won", "lost"]
        assert len(body["stages"][1]["task_templates"]) == 2
        assert body["links"][0]["url"] == "https://example.com/services"


def test_a_bad_kind_lists_its_problems_and_writes_nothing(api_as):
    before = DealKind.objects.count()
    response = api_as("admin").post(
        "/api/v1/deal-kinds",
        {
            "name": "Broken",
            "stages": [
                {"code": "Bad Code", "name": "X", "default_probability": 120},
                {"code": "won", "name": "Won", "outcome": "won", "guards": ["no_such_guard"]},
            ],
        },
    )
    assert response.status_code == 422
    codes = [e["code"] for e in response.json()["errors"]]
    assert codes == [
        "deal_kind_outcome_stages",
        "deal_stage_code_invalid",
        "deal_probability_invalid",
        "deal_guard_unknown",
    ]
    assert DealKind.objects.count() == before


def test_kind_patch_replaces_stages_and_keeps_used_ones(api_as, strict, deal):
    client = api_as("admin")
    current = client.get(f"/api/v1/deal-kinds/{strict.pk}")
    stages = current.json()["stages"]
    # dropping "qualification", where a deal stands, is refused
    response = client.patch(
        f"/api/v1/deal-kinds/{strict.pk}",
        {"stages": [s for s in stages if s["code"] != "qualification"]},
        headers=etag(current),
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "deal_stage_in_use"
    renamed = [{**s, "name": s["name"] + "!"} if s["code"] == "needs" else s for s in stages]
    ok = client.patch(f"/api/v1/deal-kinds/{strict.pk}", {"stages": renamed}, headers=etag(current))
    assert ok.status_code == 200
    assert stage(strict, "needs").name.endswith("!")


def test_guards_are_listed_with_codes(api_as):
    codes = [g["code"] for g in api_as("owner").get("/api/v1/deal-kinds/guards").json()]
    assert {"deal_agreement_missing", "deal_order_not_posted", "deal_tasks_open"} <= set(codes)


def test_tasks_of_me_include_the_stage_tasks(api_as, deal):
    response = api_as("owner").get("/api/v1/tasks?assignee=me")
    assert response.status_code == 200
    [task] = response.json()["items"]
    assert (task["subject_type"], task["subject_id"], task["required"]) == (
        "deals.deal",
        deal.pk,
        True,
    )
    assert task["due_date"] > timezone.localdate().isoformat()


def test_a_party_is_a_partner_one_sees_or_a_competitor(api_as, deal, other_partner, competitor):
    client = api_as("owner")
    hidden = client.post(
        f"/api/v1/deals/{deal.pk}/parties", {"role": "influencer", "partner_id": other_partner.pk}
    )
    assert hidden.status_code == 422
    assert hidden.json()["errors"][0]["code"] == "not_found"
    rival = api_as("head").post(
        f"/api/v1/deals/{deal.pk}/parties", {"role": "competitor", "partner_id": competitor.pk}
    )
    assert rival.status_code == 201


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 403), ("head", 200), ("admin", 200), ("claims", 403), ("portal", 403), (None, 401)],
)
def test_kind_patch_permissions(api_as, manual, actor, status):
    response = api_as(actor).patch(
        f"/api/v1/deal-kinds/{manual.pk}",
        {"description": "Large projects"},
        headers={"If-Match": f'"{manual.version}"'},
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    "actor, list_status, create_status",
    [
        ("owner", 200, 403),
        ("head", 200, 201),
        ("admin", 200, 201),
        ("claims", 200, 403),
        ("portal", 403, 403),
        (None, 401, 401),
    ],
)
def test_loss_reason_and_guard_permissions(api_as, actor, list_status, create_status):
    client = api_as(actor)
    assert client.get("/api/v1/deal-loss-reasons").status_code == list_status
    assert client.get("/api/v1/deal-kinds/guards").status_code == list_status
    assert client.get("/api/v1/deal-kinds").status_code == list_status
    response = client.post("/api/v1/deal-loss-reasons", {"name": f"Gone quiet {actor}"})
    assert response.status_code == create_status


@pytest.mark.parametrize("actor, status", ACT)
def test_party_remove_permissions(api_as, deal, competitor, actor, status):
    party = services.deal_party_add(deal=deal, role="competitor", partner=competitor, by=None)
    response = api_as(actor).delete(f"/api/v1/deals/{deal.pk}/parties/{party.pk}")
    assert response.status_code == (204 if status == 200 else status)


@pytest.mark.parametrize("actor, status", ACT)
def test_party_add_permissions(api_as, deal, competitor, actor, status):
    response = api_as(actor).post(
        f"/api/v1/deals/{deal.pk}/parties", {"role": "competitor", "partner_id": competitor.pk}
    )
    assert response.status_code == (201 if status == 200 else status)
