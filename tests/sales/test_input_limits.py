"""Issue 17, point 7: every number is checked against its column before it is written
(prices, document lines, agreements, payments), and reads survive a bad row stored before
the check existed; point 6 for the sales dates."""

import datetime
from decimal import Decimal

import pytest
from django.db import DataError, connection, transaction
from django.utils import timezone

from ladoga.sales import services
from ladoga.sales.models import Agreement, CustomerOrder, Payment, Price, Proposal

HUGE = ["1e400", "12345678901234567890.55", "NaN", "Infinity", "-Infinity", 1e400]
TODAY = timezone.localdate()


def codes(response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


def refused(response):
    assert response.status_code == 422, response.content
    found = codes(response)
    assert found and set(found) <= {"number_out_of_range", "finite_number", "decimal_parsing"}
    return response.json()


@pytest.mark.parametrize("amount", [*HUGE, "1.125", "-5"])
def test_a_price_that_does_not_fit_is_422_and_nothing_written(
    api_as, products, base_price_type, amount
):
    before = Price.objects.count()
    response = api_as("head").post(
        "/api/v1/prices",
        {
            "product_id": products["P-1"].pk,
            "price_type_id": base_price_type.pk,
            "effective_from": "2026-02-01",
            "amount": amount,
        },
    )
    assert response.status_code == 422, response.content
    if amount == "-5":
        assert codes(response) == ["price_negative"]
    else:
        body = refused(response)
        assert body["errors"][0].get("field") == "amount"
    assert Price.objects.count() == before


def test_the_1e400_price_names_the_column_in_its_message(api_as, products, base_price_type):
    response = api_as("head").post(
        "/api/v1/prices",
        {
            "product_id": products["P-1"].pk,
            "price_type_id": base_price_type.pk,
            "effective_from": "2026-02-01",
            "amount": "1e400",
        },
    )
    assert response.json()["errors"] == [
        {
            "code": "number_out_of_range",
            "message": "Price: the number does not fit "
            "(Ensure that there are no more than 15 digits in total.)",
            "field": "amount",
        }
    ]


def test_reads_survive_a_bad_price_stored_before_the_check(api_as, products, base_price_type):
    """Only SQLite can hold it; PostgreSQL's numeric column refuses it on write."""
    insert = (
        "INSERT INTO sales_price (created_at, updated_at, version, product_id, "
        "price_type_id, effective_from, amount) VALUES "
        "(CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, %s, %s, '2026-02-01', {amount})"
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(insert.format(amount="1e400"), [products["P-1"].pk, base_price_type.pk])
    else:
        with pytest.raises(DataError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert.format(amount="1e20"), [products["P-1"].pk, base_price_type.pk])
    client = api_as("head")
    listed = client.get("/api/v1/prices")
    assert listed.status_code == 200
    assert listed.json()["count"] == 3
    mine = client.get("/api/v1/prices", {"product": products["P-1"].pk})
    assert [p["amount"] for p in mine.json()["items"]] == ["500.00"]
    on_date = client.get(
        "/api/v1/prices/on-date",
        {"product": products["P-1"].pk, "price_type": base_price_type.pk, "on": "2026-03-01"},
    )
    assert on_date.status_code == 200
    assert on_date.json()["price"] == "500.00"


@pytest.mark.parametrize(
    "line",
    [
        {"quantity": "1e400"},
        {"quantity": "12345678901234567890"},
        {"quantity": "1.00001"},
        {"quantity": "1", "price": "1e400"},
        {"quantity": "1", "price": "0.001"},
        {"quantity": "1", "discount_percent": "1e400"},
        {"quantity": "1", "discount_percent": "12345678.5"},
    ],
)
def test_order_and_proposal_lines_that_do_not_fit_are_422(
    api_as, partner, counterparty, agreement, products, line
):
    client = api_as("owner")
    lines = [{"product_id": products["P-1"].pk, **line}]
    order = client.post(
        "/api/v1/orders",
        {
            "partner_id": partner.pk,
            "counterparty_id": counterparty.pk,
            "agreement_id": agreement.pk,
            "date": "2026-03-02",
            "lines": lines,
        },
    )
    proposal = client.post(
        "/api/v1/proposals",
        {
            "partner_id": partner.pk,
            "agreement_id": agreement.pk,
            "date": "2026-03-02",
            "lines": lines,
        },
    )
    for response in (order, proposal):
        assert response.status_code == 422, response.content
    assert not CustomerOrder.objects.exists()
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"discount_percent": "1e400"},
        {"discount_percent": "123456.7"},
        {"max_manual_discount": "NaN"},
        {"delivery_days": 2**40},
        {"delivery_days": -1},
        {"stages": [{"basis": "prepayment", "percent": "100", "days": 2**40}]},
    ],
)
def test_agreements_out_of_range_are_422(api_as, base_price_type, change):
    before = Agreement.objects.count()
    response = api_as("head").post(
        "/api/v1/agreements",
        {
            "name": "Terms",
            "price_type_id": base_price_type.pk,
            "valid_from": "2026-01-01",
            **change,
        },
    )
    assert response.status_code == 422, response.content
    assert Agreement.objects.count() == before


@pytest.mark.parametrize("amount", HUGE)
def test_payments_out_of_range_are_422(api_as, order, amount):
    services.order_post(order=order)
    client = api_as("owner")
    invoice = client.post("/api/v1/invoices", {"order_id": order.pk, "date": "2026-03-02"})
    response = client.post(
        "/api/v1/payments",
        {"invoice_id": invoice.json()["id"], "amount": amount, "date": "2026-03-04"},
    )
    assert response.status_code == 422, response.content
    assert not Payment.objects.exists()


# --- Dates (point 6) ------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_order_dates_out_of_range_are_422(api_as, partner, counterparty, agreement, day):
    response = api_as("owner").post(
        "/api/v1/orders",
        {"partner_id": partner.pk, "counterparty_id": counterparty.pk, "date": day},
    )
    assert response.status_code == 422, response.content
    assert set(codes(response)) == {"date_out_of_range"}
    assert "date" in [e["field"] for e in response.json()["errors"]]
    assert not CustomerOrder.objects.exists()


def test_a_payment_dated_tomorrow_is_422(api_as, order):
    services.order_post(order=order)
    client = api_as("owner")
    invoice = client.post("/api/v1/invoices", {"order_id": order.pk, "date": "2026-03-02"})
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client.post(
        "/api/v1/payments",
        {"invoice_id": invoice.json()["id"], "amount": "10", "date": tomorrow.isoformat()},
    )
    assert response.status_code == 422
    assert codes(response) == ["date_out_of_range"]
    assert "cannot be later than today" in response.json()["errors"][0]["message"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "dates",
    [
        {"valid_from": "0001-01-01"},
        {"valid_from": "2026-01-01", "valid_to": "9999-12-31"},
    ],
)
def test_agreement_validity_out_of_range_is_422(api_as, base_price_type, dates):
    before = Agreement.objects.count()
    response = api_as("head").post(
        "/api/v1/agreements",
        {"name": "Terms", "price_type_id": base_price_type.pk, **dates},
    )
    assert response.status_code == 422, response.content
    assert "date_out_of_range" in codes(response)
    assert Agreement.objects.count() == before


def test_a_price_effective_in_year_9999_is_422(api_as, products, base_price_type):
    before = Price.objects.count()
    response = api_as("head").post(
        "/api/v1/prices",
        {
            "product_id": products["P-1"].pk,
            "price_type_id": base_price_type.pk,
            "effective_from": "9999-12-31",
            "amount": "10",
        },
    )
    assert response.status_code == 422
    assert codes(response) == ["date_out_of_range"]
    assert Price.objects.count() == before


def test_a_price_from_next_year_is_allowed(api_as, products, base_price_type):
    next_year = TODAY.replace(year=TODAY.year + 1, day=1)
    response = api_as("head").post(
        "/api/v1/prices",
        {
            "product_id": products["P-1"].pk,
            "price_type_id": base_price_type.pk,
            "effective_from": next_year.isoformat(),
            "amount": "10",
        },
    )
    assert response.status_code == 201


def test_prices_keep_decimal_places(products):
    assert Price.objects.get(product=products["P-1"]).amount == Decimal("500.00")


def test_an_order_without_a_date_is_dated_the_day_it_is_where_the_user_is(
    partner, counterparty, agreement, products, owner
):
    """The services' "today" is the active time zone's, not the server clock's: of the
    zones twelve hours either side of UTC, one is always on another date than UTC."""
    import zoneinfo

    utc_day = timezone.now().astimezone(datetime.UTC).date()
    zone = next(
        zoneinfo.ZoneInfo(name)
        for name in ("Etc/GMT-14", "Etc/GMT+12")
        if timezone.localdate(timezone=zoneinfo.ZoneInfo(name)) != utc_day
    )
    with timezone.override(zone):
        order = services.order_create(
            partner=partner,
            counterparty=counterparty,
            agreement=agreement,
            lines=[services.LineIn(product=products["P-1"], quantity=Decimal("1"))],
            by=owner,
        )

        assert order.date == timezone.localdate() != utc_day
