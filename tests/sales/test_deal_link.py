"""Sales documents name their deal by a plain `deal_id` (deals sit above sales); the deals
domain's resolver tells sales whether that deal exists and the user may see it. Unknown
or hidden deals are refused on `deal_id`, and nothing is written."""

from decimal import Decimal as D

import pytest

from ladoga.core.errors import ValidationFailed
from ladoga.deals.models import DealKind
from ladoga.deals.services import deal_create
from ladoga.partners.services import partner_create
from ladoga.sales import deal_links, services
from ladoga.sales.models import CustomerOrder, Proposal, SupplierOrder
from ladoga.sales.services import LineIn

from .conftest import DAY

MISSING = 999_999


def deal_for(partner, user):
    kind = DealKind.objects.get(process_type="strict")
    return deal_create(name="Cement for the warehouse", partner=partner, kind=kind, by=user)


@pytest.fixture
def deal(partner, owner):
    return deal_for(partner, owner)


@pytest.fixture
def hidden_deal(other_partner, outsider):
    """A deal of another department's manager: the owner cannot see it."""
    return deal_for(other_partner, outsider)


@pytest.fixture
def supplier(owner):
    return partner_create(name="Cement plant", roles=["supplier"], manager=owner)


def refused(error) -> tuple[str, str, str]:
    [violation] = error.value.violations
    return violation.code, violation.field, str(violation.message)


def make_proposal(partner, agreement, products, owner, deal_id):
    return services.proposal_create(
        partner=partner,
        agreement=agreement,
        date=DAY,
        deal_id=deal_id,
        lines=[LineIn(product=products["P-1"], quantity=D("1"))],
        by=owner,
    )


def make_order(partner, counterparty, agreement, products, owner, deal_id):
    return services.order_create(
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        date=DAY,
        deal_id=deal_id,
        lines=[LineIn(product=products["P-1"], quantity=D("1"))],
        by=owner,
    )


def make_supplier_order(supplier, products, owner, deal_id):
    return services.supplier_order_create(
        supplier=supplier,
        deal_id=deal_id,
        lines=[LineIn(product=products["P-1"], quantity=D("1"), price=D("10"))],
        by=owner,
    )


# ---- the services -------------------------------------------------------------------


def test_documents_take_a_deal_the_user_sees(
    deal, partner, counterparty, agreement, products, owner, supplier
):
    assert make_proposal(partner, agreement, products, owner, deal.pk).deal_id == deal.pk
    assert make_order(partner, counterparty, agreement, products, owner, deal.pk).deal_id == (
        deal.pk
    )
    assert make_supplier_order(supplier, products, owner, deal.pk).deal_id == deal.pk


@pytest.mark.parametrize("which", ["missing", "hidden"])
def test_an_unknown_or_hidden_deal_is_refused_and_nothing_written(
    which, hidden_deal, partner, counterparty, agreement, products, owner, supplier
):
    deal_id = MISSING if which == "missing" else hidden_deal.pk
    expected = ("not_found", "deal_id", f"No deal with id {deal_id}.")
    for make in (
        lambda: make_proposal(partner, agreement, products, owner, deal_id),
        lambda: make_order(partner, counterparty, agreement, products, owner, deal_id),
        lambda: make_supplier_order(supplier, products, owner, deal_id),
    ):
        with pytest.raises(ValidationFailed) as error:
            make()
        assert refused(error) == expected
    assert not Proposal.objects.exists()
    assert not CustomerOrder.objects.exists()
    assert not SupplierOrder.objects.exists()
    # No number was used up: the first document still gets number 1.
    assert make_proposal(partner, agreement, products, owner, None).number.endswith("-000001")


def test_the_system_may_name_any_existing_deal(hidden_deal, other_partner, agreement, products):
    made = make_proposal(other_partner, agreement, products, None, hidden_deal.pk)
    assert made.deal_id == hidden_deal.pk
    with pytest.raises(ValidationFailed):
        make_proposal(other_partner, agreement, products, None, MISSING)


# ---- issue 17 #4: a document links only to a deal of its own client ---------------------


@pytest.fixture
def foreign_deal(owner):
    """A deal the owner sees, with another client of the owner's."""
    return deal_for(partner_create(name="Beton-Service", manager=owner), owner)


def test_a_deal_of_another_client_is_refused_on_every_document_and_nothing_written(
    foreign_deal, partner, counterparty, agreement, products, owner, supplier
):
    order = make_order(partner, counterparty, agreement, products, owner, None)
    services.order_post(order=order)
    before = (Proposal.objects.count(), CustomerOrder.objects.count())
    for make, code in (
        (
            lambda: make_proposal(partner, agreement, products, owner, foreign_deal.pk),
            "proposal_deal_of_another_partner",
        ),
        (
            lambda: make_order(partner, counterparty, agreement, products, owner, foreign_deal.pk),
            "order_deal_of_another_partner",
        ),
        (
            lambda: services.supplier_order_from_order(
                order=order, supplier=supplier, deal_id=foreign_deal.pk, by=owner
            ),
            "supplier_order_deal_of_another_partner",
        ),
    ):
        with pytest.raises(ValidationFailed) as error:
            make()
        assert refused(error) == (
            code,
            "deal_id",
            f"Deal {foreign_deal.pk} is a deal with another client.",
        )
    assert (Proposal.objects.count(), CustomerOrder.objects.count()) == before
    assert not SupplierOrder.objects.exists()


def test_moving_a_document_to_a_deal_of_another_client_is_refused(
    deal, foreign_deal, partner, counterparty, agreement, products, owner
):
    proposal = make_proposal(partner, agreement, products, owner, deal.pk)
    order = make_order(partner, counterparty, agreement, products, owner, deal.pk)
    for update, document, model, code in (
        (services.proposal_update, {"proposal": proposal}, Proposal, "proposal"),
        (services.order_update, {"order": order}, CustomerOrder, "order"),
    ):
        with pytest.raises(ValidationFailed) as error:
            update(**document, expected_version=None, by=owner, deal_id=foreign_deal.pk)
        assert refused(error)[:2] == (f"{code}_deal_of_another_partner", "deal_id")
        stored = model.objects.get()
        assert (stored.deal_id, stored.version) == (deal.pk, 1)


def test_api_refuses_another_clients_deal_with_201_never(
    api_as, foreign_deal, partner, counterparty, agreement, products
):
    line = {"product_id": products["P-1"].pk, "quantity": "1"}
    client = api_as("owner")
    for path, body, code in (
        (
            "/api/v1/proposals",
            {"partner_id": partner.pk, "lines": [line]},
            "proposal_deal_of_another_partner",
        ),
        (
            "/api/v1/orders",
            {"partner_id": partner.pk, "counterparty_id": counterparty.pk, "lines": [line]},
            "order_deal_of_another_partner",
        ),
    ):
        response = client.post(path, {**body, "deal_id": foreign_deal.pk})
        assert response.status_code == 422, (path, response.content)
        assert [e["code"] for e in response.json()["errors"]] == [code]
    assert not Proposal.objects.exists()
    assert not CustomerOrder.objects.exists()
    assert client.get(f"/api/v1/deals/{foreign_deal.pk}/documents").json() == []


def test_changing_the_deal_is_checked(
    deal, hidden_deal, partner, counterparty, agreement, products, owner
):
    proposal = make_proposal(partner, agreement, products, owner, deal.pk)
    order = make_order(partner, counterparty, agreement, products, owner, deal.pk)
    for update, document, model in (
        (services.proposal_update, {"proposal": proposal}, Proposal),
        (services.order_update, {"order": order}, CustomerOrder),
    ):
        with pytest.raises(ValidationFailed) as error:
            update(**document, expected_version=None, by=owner, deal_id=hidden_deal.pk)
        assert refused(error)[:2] == ("not_found", "deal_id")
        stored = model.objects.get()
        assert (stored.deal_id, stored.version) == (deal.pk, 1)
        # Keeping the deal and clearing it are not refused.
        update(**document, expected_version=None, by=owner, deal_id=deal.pk, comment="x")
        cleared = update(**document, expected_version=None, by=owner, deal_id=None)
        assert cleared.deal_id is None


def test_a_supplier_order_from_a_customer_order_keeps_its_deal(
    deal, hidden_deal, partner, counterparty, agreement, products, owner, supplier
):
    order = make_order(partner, counterparty, agreement, products, owner, deal.pk)
    services.order_post(order=order)
    made = services.supplier_order_from_order(order=order, supplier=supplier, by=owner)
    assert made.deal_id == deal.pk
    with pytest.raises(ValidationFailed) as error:
        services.supplier_order_from_order(
            order=order, supplier=supplier, deal_id=hidden_deal.pk, by=owner
        )
    assert refused(error)[:2] == ("not_found", "deal_id")
    assert SupplierOrder.objects.count() == 1


def test_without_a_resolver_no_deal_is_accepted(monkeypatch, deal, partner, agreement, products):
    """The deals domain registers its resolver at start-up; without one the check fails
    closed rather than storing ids nobody can vouch for."""
    assert deal_links._resolvers, "the deals app registers a resolver"
    monkeypatch.setattr(deal_links, "_resolvers", [])
    with pytest.raises(ValidationFailed):
        make_proposal(partner, agreement, products, None, deal.pk)
    assert not Proposal.objects.exists()


# ---- the API ------------------------------------------------------------------------


def test_api_refuses_an_unknown_deal_on_every_document(
    api_as, partner, counterparty, agreement, products, supplier, hidden_deal
):
    line = {"product_id": products["P-1"].pk, "quantity": "1"}
    client = api_as("owner")
    for path, body in (
        ("/api/v1/proposals", {"partner_id": partner.pk, "lines": [line]}),
        (
            "/api/v1/orders",
            {"partner_id": partner.pk, "counterparty_id": counterparty.pk, "lines": [line]},
        ),
        ("/api/v1/supplier-orders", {"supplier_id": supplier.pk, "lines": [line]}),
    ):
        for deal_id in (MISSING, hidden_deal.pk):
            response = client.post(path, {**body, "deal_id": deal_id})
            assert response.status_code == 422, (path, response.content)
            assert response.json()["errors"] == [
                {"code": "not_found", "message": f"No deal with id {deal_id}.", "field": "deal_id"}
            ]
    assert not Proposal.objects.exists()
    assert not CustomerOrder.objects.exists()
    assert not SupplierOrder.objects.exists()


def test_api_links_a_visible_deal_and_checks_a_changed_one(
    api_as, deal, hidden_deal, partner, counterparty, agreement, products, supplier
):
    client = api_as("owner")
    line = {"product_id": products["P-1"].pk, "quantity": "1"}
    response = client.post(
        "/api/v1/orders",
        {
            "partner_id": partner.pk,
            "counterparty_id": counterparty.pk,
            "agreement_id": agreement.pk,
            "date": DAY.isoformat(),
            "lines": [line],
            "deal_id": deal.pk,
        },
    )
    assert response.status_code == 201
    order_id = response.json()["id"]
    assert response.json()["deal_id"] == deal.pk

    response = client.patch(
        f"/api/v1/orders/{order_id}", {"deal_id": hidden_deal.pk}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "deal_id"
    assert CustomerOrder.objects.get().deal_id == deal.pk

    services.order_post(order=CustomerOrder.objects.get())
    response = client.post(
        "/api/v1/supplier-orders",
        {"supplier_id": supplier.pk, "order_id": order_id, "deal_id": MISSING},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "deal_id"
    response = client.post(
        "/api/v1/supplier-orders", {"supplier_id": supplier.pk, "order_id": order_id}
    )
    assert response.status_code == 201
    assert response.json()["deal_id"] == deal.pk
