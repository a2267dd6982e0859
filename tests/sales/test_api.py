"""The sales API: permission matrices, ETags and If-Match, the posting answer, list sizes."""

import datetime
from decimal import Decimal as D

import pytest

from ladoga.sales import services
from ladoga.sales.models import AgreementStatus, CustomerOrder
from ladoga.sales.services import LineIn

from .conftest import DAY

ALL = ("owner", "colleague", "outsider", "head", "admin", "claims", "portal", None)


def expect(actor, **statuses):
    return statuses.get(str(actor), statuses.get("other"))


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("colleague", 404), ("outsider", 404), ("head", 200), ("admin", 200),
     ("claims", 404), ("portal", 403), (None, 401)],
)  # fmt: skip
def test_order_detail_permissions(api_as, order, actor, status):
    response = api_as(actor).get(f"/api/v1/orders/{order.pk}")
    assert response.status_code == status
    if status == 200:
        assert response["ETag"] == f'"{order.version}"'
        assert response.json()["lines"][0]["price"] == "475.00"


@pytest.mark.parametrize(
    "actor, count",
    [("owner", 1), ("colleague", 0), ("outsider", 0), ("head", 1), ("admin", 1),
     ("claims", 0)],
)  # fmt: skip
def test_order_list_follows_the_partners_visibility(api_as, order, actor, count):
    body = api_as(actor).get("/api/v1/orders").json()
    assert body["count"] == count
    assert len(body["items"]) == count


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 201), ("head", 201), ("admin", 201), ("outsider", 422), ("claims", 403),
     ("portal", 403), (None, 401)],
)  # fmt: skip
def test_order_create_permissions(
    api_as, partner, counterparty, agreement, products, actor, status
):
    response = api_as(actor).post(
        "/api/v1/orders",
        {
            "partner_id": partner.pk,
            "counterparty_id": counterparty.pk,
            "agreement_id": agreement.pk,
            "date": DAY.isoformat(),
            "lines": [{"product_id": products["P-1"].pk, "quantity": "2"}],
        },
    )
    assert response.status_code == status
    assert CustomerOrder.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        body = response.json()
        assert body["number"].startswith("OR-2026-")
        assert body["stages"] == [
            {"basis": "prepayment", "percent": "30.00", "days": 3},
            {"basis": "credit", "percent": "70.00", "days": 14},
        ]
        assert body["delivery_date"] == "2026-03-07"


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("head", 200), ("colleague", 404), ("outsider", 404), ("portal", 403),
     (None, 401)],
)  # fmt: skip
def test_order_post_permissions(api_as, order, actor, status):
    response = api_as(actor).post(f"/api/v1/orders/{order.pk}/post")
    assert response.status_code == status
    order.refresh_from_db()
    assert order.status == ("posted" if status == 200 else "draft")


def test_posting_a_bad_order_answers_422_listing_every_violation(api_as, order, agreement):
    services.order_update(order=order, expected_version=None, tax_regime="not_subject")
    type(agreement).objects.filter(pk=agreement.pk).update(contract_required=True)

    response = api_as("owner").post(f"/api/v1/orders/{order.pk}/post")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert {e["code"] for e in errors} == {
        "agreement_tax_regime_mismatch",
        "order_contract_missing",
    }
    assert CustomerOrder.objects.get(pk=order.pk).status == "draft"


def test_patch_needs_the_current_version(api_as, order):
    client = api_as("owner")
    url = f"/api/v1/orders/{order.pk}"

    assert client.patch(url, {"comment": "x"}).status_code == 428
    stale = client.patch(url, {"comment": "x"}, headers={"If-Match": '"99"'})
    assert stale.status_code == 412
    assert CustomerOrder.objects.get(pk=order.pk).comment == ""

    fresh = client.patch(url, {"comment": "call first"}, headers={"If-Match": f'"{order.version}"'})
    assert fresh.status_code == 200
    assert fresh.json()["comment"] == "call first"
    assert fresh["ETag"] == f'"{order.version + 1}"'


def test_patching_a_posted_order_is_409(api_as, order):
    posted = services.order_post(order=order)
    response = api_as("owner").patch(
        f"/api/v1/orders/{order.pk}",
        {"comment": "quietly"},
        headers={"If-Match": f'"{posted.version}"'},
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "order_posted"


def test_negative_quantity_is_422_with_the_code_and_nothing_written(
    api_as, partner, counterparty, products
):
    response = api_as("owner").post(
        "/api/v1/orders",
        {
            "partner_id": partner.pk,
            "counterparty_id": counterparty.pk,
            "lines": [{"product_id": products["P-1"].pk, "quantity": "-3"}],
        },
    )
    assert response.status_code == 422
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("quantity_invalid", "lines.0.quantity")
    ]
    assert not CustomerOrder.objects.exists()


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 403), ("colleague", 403), ("claims", 403), ("head", 200), ("admin", 200),
     ("portal", 403), (None, 401)],
)  # fmt: skip
def test_approve_permissions(api_as, base_price_type, actor, status):
    agreement = services.agreement_create(
        name="Terms", price_type=base_price_type, valid_from=datetime.date(2026, 1, 1)
    )
    services.agreement_transition(agreement=agreement, status=AgreementStatus.AGREED)

    response = api_as(actor).post(f"/api/v1/agreements/{agreement.pk}/approve")

    assert response.status_code == status
    agreement.refresh_from_db()
    assert agreement.status == ("active" if status == 200 else "agreed")


def test_individual_agreement_is_made_and_seen_through_the_partner(api_as, agreement, partner):
    response = api_as("owner").post(
        "/api/v1/agreements",
        {"typical_id": agreement.pk, "partner_id": partner.pk, "discount_percent": "7"},
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["valid_to"] == agreement.valid_to.isoformat()  # copied, not cleared
    assert (made["kind"], made["discount_percent"], made["status"]) == (
        "individual",
        "7.00",
        "draft",
    )
    assert api_as("colleague").get(f"/api/v1/agreements/{made['id']}").status_code == 404
    assert api_as("colleague").get(f"/api/v1/agreements/{agreement.pk}").status_code == 200


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 403), ("claims", 403), ("portal", 403), ("head", 201), ("admin", 201),
     (None, 401)],
)  # fmt: skip
def test_product_create_permissions(api_as, actor, status):
    response = api_as(actor).post("/api/v1/products", {"code": "N-1", "name": "Nails"})
    assert response.status_code == status


@pytest.mark.parametrize("actor", ["owner", "outsider", "claims"])
def test_the_catalogue_is_open_to_all_staff(api_as, products, actor):
    assert api_as(actor).get("/api/v1/products").json()["count"] == 3
    assert api_as(actor).get(f"/api/v1/products/{products['P-1'].pk}").status_code == 200


def test_the_catalogue_is_closed_to_portal_clients(api_as, products):
    assert api_as("portal").get("/api/v1/products").status_code == 403
    assert api_as("portal").get(f"/api/v1/products/{products['P-1'].pk}").status_code == 403


def test_price_on_a_date(api_as, products, base_price_type):
    response = api_as("outsider").get(
        "/api/v1/prices/on-date",
        {"product": products["P-1"].pk, "price_type": base_price_type.pk, "on": "2026-02-01"},
    )
    assert response.json()["price"] == "500.00"


def test_a_price_type_cycle_is_422(api_as, base_price_type):
    derived = (
        api_as("head")
        .post(
            "/api/v1/price-types",
            {"name": "Retail", "base_id": base_price_type.pk, "percent": "10"},
        )
        .json()
    )
    response = api_as("head").patch(
        f"/api/v1/price-types/{base_price_type.pk}",
        {"base_id": derived["id"]},
        headers={"If-Match": f'"{base_price_type.version}"'},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "price_type_cycle"


def test_invoice_shipment_and_payment_through_the_api(api_as, order):
    services.order_post(order=order)
    client = api_as("owner")

    invoice = client.post("/api/v1/invoices", {"order_id": order.pk, "date": "2026-03-02"})
    assert invoice.status_code == 201
    invoice = invoice.json()
    assert [s["amount"] for s in invoice["stages"]] == ["1522.47", "3552.43"]

    line = order.lines.get(position=0)
    too_many = client.post(
        "/api/v1/shipments",
        {"order_id": order.pk, "lines": [{"order_line_id": line.pk, "quantity": "11"}]},
    )
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["code"] == "shipment_exceeds_order"
    shipped = client.post(
        "/api/v1/shipments",
        {"order_id": order.pk, "lines": [{"order_line_id": line.pk, "quantity": "4"}]},
    )
    assert shipped.status_code == 201
    assert shipped.json()["total"] == "1900.00"

    too_much = client.post(
        "/api/v1/payments", {"invoice_id": invoice["id"], "amount": "99999", "date": "2026-03-04"}
    )
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["code"] == "payment_exceeds_balance"
    paid = client.post(
        "/api/v1/payments", {"invoice_id": invoice["id"], "amount": "1522.47", "date": "2026-03-06"}
    )
    assert paid.status_code == 201
    assert paid.json()["days_late"] == 1

    assert api_as("outsider").get(f"/api/v1/invoices/{invoice['id']}").status_code == 404
    assert api_as("outsider").get("/api/v1/payments").json()["count"] == 0


@pytest.mark.parametrize(
    "actor, status", [("admin", 200), ("head", 403), ("owner", 403), ("portal", 403)]
)
def test_company_requisites_are_changed_by_administrators(api_as, db, actor, status):
    client = api_as(actor)
    current = client.get("/api/v1/company")
    etag = current["ETag"] if current.status_code == 200 else '"1"'
    response = client.patch("/api/v1/company", {"inn": "7707083893"}, headers={"If-Match": etag})
    assert response.status_code == status


def _orders(n, partner, counterparty, agreement, products):
    for _ in range(n):
        services.order_create(
            partner=partner,
            counterparty=counterparty,
            agreement=agreement,
            date=DAY,
            lines=[LineIn(product=products["P-1"], quantity=D("1"))],
        )


@pytest.mark.parametrize(
    "path",
    ["/api/v1/orders", "/api/v1/agreements", "/api/v1/products", "/api/v1/prices",
     "/api/v1/invoices", "/api/v1/proposals", "/api/v1/contracts"],
)  # fmt: skip
def test_lists_take_a_fixed_number_of_queries(
    api_as, django_assert_max_num_queries, partner, counterparty, agreement, products, path
):
    _orders(12, partner, counterparty, agreement, products)
    client = api_as("head")
    client.get(path)  # the token's first use writes its last-used time
    with django_assert_max_num_queries(8):
        response = client.get(path)
    assert response.status_code == 200


def test_typical_agreement_through_the_api(api_as, base_price_type, segment):
    client = api_as("head")
    response = client.post(
        "/api/v1/agreements",
        {
            "name": "Dealers",
            "price_type_id": base_price_type.pk,
            "valid_from": "2026-01-01",
            "stages": [
                {"basis": "prepayment", "percent": "20", "days": 0},
                {"basis": "credit", "percent": "80", "days": 30},
            ],
            "delivery_days": 4,
            "segment_ids": [segment.pk],
            "contract_required": True,
        },
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert (made["kind"], made["segment_ids"], made["valid_to"]) == ("typical", [segment.pk], None)
    assert [s["days"] for s in made["stages"]] == [0, 30]

    bad = client.patch(
        f"/api/v1/agreements/{made['id']}",
        {"stages": [{"basis": "prepayment", "percent": "50", "days": 0}]},
        headers={"If-Match": response["ETag"]},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["code"] == "agreement_schedule_invalid"

    renamed = client.patch(
        f"/api/v1/agreements/{made['id']}",
        {"name": "Dealers 2026", "valid_to": "2026-12-31"},
        headers={"If-Match": response["ETag"]},
    )
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["valid_to"]) == ("Dealers 2026", "2026-12-31")
    assert len(renamed.json()["stages"]) == 2
