"""The loyalty API: permission matrices (a manager sees the cards of the clients they may
see), lookup by number, issue/block/replace, card kinds, problem documents."""

from decimal import Decimal

import pytest

from ladoga.loyalty.models import CardKind, LoyaltyCard

from .conftest import DAY

D = Decimal


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("colleague", 404), ("outsider", 404), ("head", 200), ("admin", 200),
     ("claims", 404), ("portal", 403), (None, 401)],
)  # fmt: skip
def test_card_detail_permissions(api_as, card, actor, status):
    response = api_as(actor).get(f"/api/v1/loyalty-cards/{card.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert response["ETag"] == f'"{card.version}"'
        assert (body["number"], body["partner_name"], body["percent"]) == (
            card.number,
            "Stroymontazh",
            "7.00",
        )


@pytest.mark.parametrize(
    "actor, count",
    [("owner", 1), ("colleague", 0), ("outsider", 0), ("head", 1), ("admin", 1), ("claims", 0)],
)
def test_card_list_follows_the_partners_visibility(
    api_as, card, actor, count, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        body = api_as(actor).get("/api/v1/loyalty-cards").json()
    assert body["count"] == count and len(body["items"]) == count


def test_card_list_filters(api_as, card, fixed_kind, partner, other_partner):
    from ladoga.loyalty import services

    services.card_block(card=services.card_issue(kind=fixed_kind, partner=partner))
    client = api_as("admin")
    assert client.get("/api/v1/loyalty-cards", {"status": "blocked"}).json()["count"] == 1
    assert client.get("/api/v1/loyalty-cards", {"q": card.number[:11]}).json()["count"] == 2
    assert client.get("/api/v1/loyalty-cards", {"q": "stroy"}).json()["count"] == 2
    assert client.get("/api/v1/loyalty-cards", {"q": "nobody"}).json()["count"] == 0


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("colleague", 404), ("outsider", 404), ("head", 200), ("admin", 200),
     ("portal", 403), (None, 401)],
)  # fmt: skip
def test_lookup_by_number(api_as, card, actor, status):
    # A scanner may type the number with spaces; the answer is the card or 404.
    spaced = f"{card.number[:3]} {card.number[3:]}"
    response = api_as(actor).get("/api/v1/loyalty-cards/lookup", {"number": spaced})
    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == card.pk


def test_lookup_of_an_unknown_number_is_404(api_as, card):
    response = api_as("owner").get("/api/v1/loyalty-cards/lookup", {"number": "2000000000999"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 201), ("head", 201), ("admin", 201), ("outsider", 422), ("claims", 403),
     ("portal", 403), (None, 401)],
)  # fmt: skip
def test_issue_permissions(api_as, fixed_kind, partner, actor, status):
    response = api_as(actor).post(
        "/api/v1/loyalty-cards", {"kind_id": fixed_kind.pk, "partner_id": partner.pk}
    )
    assert response.status_code == status
    assert LoyaltyCard.objects.count() == (1 if status == 201 else 0)


def test_issue_with_a_bad_check_digit_is_a_problem_document(api_as, fixed_kind, partner):
    response = api_as("owner").post(
        "/api/v1/loyalty-cards",
        {"kind_id": fixed_kind.pk, "partner_id": partner.pk, "number": "2000000000009"},
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert [e["code"] for e in response.json()["errors"]] == ["loyalty_card_check_digit_invalid"]
    assert not LoyaltyCard.objects.exists()


def test_issue_with_a_taken_number_is_409(api_as, card, fixed_kind, partner):
    response = api_as("owner").post(
        "/api/v1/loyalty-cards",
        {"kind_id": fixed_kind.pk, "partner_id": partner.pk, "number": card.number},
    )
    assert response.status_code == 409
    assert LoyaltyCard.objects.count() == 1


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("colleague", 404), ("head", 200), ("admin", 200), ("portal", 403)],
)
def test_block_permissions(api_as, card, actor, status):
    response = api_as(actor).post(f"/api/v1/loyalty-cards/{card.pk}/block", {"reason": "Lost"})
    assert response.status_code == status
    card.refresh_from_db()
    assert card.status == ("blocked" if status == 200 else "active")


def test_replace_answers_the_new_card(api_as, card):
    response = api_as("owner").post(f"/api/v1/loyalty-cards/{card.pk}/replace", {})
    assert response.status_code == 201
    new = LoyaltyCard.objects.get(pk=response.json()["id"])
    card.refresh_from_db()
    assert card.replaced_by == new and card.status == "replaced"


def test_patch_needs_if_match(api_as, card):
    client = api_as("owner")
    assert (
        client.patch(f"/api/v1/loyalty-cards/{card.pk}", {"valid_to": "2027-01-01"}).status_code
        == 428
    )
    stale = client.patch(
        f"/api/v1/loyalty-cards/{card.pk}", {"valid_to": "2027-01-01"}, headers={"If-Match": '"99"'}
    )
    assert stale.status_code == 412
    ok = client.patch(
        f"/api/v1/loyalty-cards/{card.pk}",
        {"valid_to": "2027-01-01"},
        headers={"If-Match": f'"{card.version}"'},
    )
    assert ok.status_code == 200 and ok.json()["valid_to"] == "2027-01-01"


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 403), ("head", 201), ("admin", 201), ("claims", 403), ("portal", 403),
     (None, 401)],
)  # fmt: skip
def test_kind_create_permissions(api_as, actor, status):
    response = api_as(actor).post(
        "/api/v1/loyalty-card-kinds",
        {
            "name": "Gold",
            "discount_type": "accumulative",
            "thresholds": [
                {"amount": "50000", "percent": "3"},
                {"amount": "200000", "percent": "5"},
            ],
            "period_days": 365,
            "prefix": "46",
            "length": 13,
        },
    )
    assert response.status_code == status
    assert CardKind.objects.filter(name="Gold").count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["thresholds"] == [
            {"amount": "50000.00", "percent": "3.00"},
            {"amount": "200000.00", "percent": "5.00"},
        ]


@pytest.mark.parametrize("actor, count", [("owner", 1), ("claims", 1), ("portal", None)])
def test_kind_list(api_as, fixed_kind, actor, count, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = api_as(actor).get("/api/v1/loyalty-card-kinds")
    if count is None:
        assert response.status_code == 403
    else:
        assert response.json()["count"] == count


def test_kind_patch_blocks_it(api_as, fixed_kind):
    response = api_as("admin").patch(
        f"/api/v1/loyalty-card-kinds/{fixed_kind.pk}",
        {"status": "blocked"},
        headers={"If-Match": f'"{fixed_kind.version}"'},
    )
    assert response.status_code == 200
    fixed_kind.refresh_from_db()
    assert fixed_kind.status == "blocked"


def test_order_with_a_card_through_the_api(
    api_as, card, partner, counterparty, agreement, products
):
    response = api_as("owner").post(
        "/api/v1/orders",
        {
            "partner_id": partner.pk,
            "counterparty_id": counterparty.pk,
            "agreement_id": agreement.pk,
            "date": DAY.isoformat(),
            "loyalty_card_id": card.pk,
            "lines": [{"product_id": products["P-1"].pk, "quantity": "2"}],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["loyalty_card_id"] == card.pk
    assert body["lines"][0]["price"] == "465.00"
