"""Issue 17, point 6 for deals: the opening day is not after today nor before 2000, the
expected close at most ten years ahead; the cycle time of a deal stored with a bad opening
day is never negative; point 7: a deal's amount must fit its column."""

import datetime

import pytest
from django.utils import timezone

from ladoga.deals import reports, services
from ladoga.deals.models import Deal

from .conftest import counts

TODAY = timezone.localdate()


def payload(partner, strict, **extra):
    return {"name": "Cement", "partner_id": partner.pk, "kind_id": strict.pk, **extra}


@pytest.mark.parametrize(
    ("field", "day", "message"),
    [
        ("opened_on", TODAY + datetime.timedelta(days=30), "Opened cannot be later than today."),
        ("opened_on", datetime.date(9999, 12, 31), "Opened cannot be later than today."),
        ("opened_on", datetime.date(1, 1, 1), "Opened cannot be earlier than"),
        ("opened_on", datetime.date(1999, 12, 31), "Opened cannot be earlier than"),
        ("expected_close_date", datetime.date(9999, 12, 31), "Expected close date cannot be"),
        ("expected_close_date", datetime.date(1, 1, 1), "Expected close date cannot be"),
    ],
)
def test_deal_dates_out_of_range_are_422_and_nothing_written(
    api_as, partner, strict, field, day, message
):
    before = counts()
    response = api_as("owner").post(
        "/api/v1/deals", payload(partner, strict, **{field: day.isoformat()})
    )
    assert response.status_code == 422, response.content
    (error,) = response.json()["errors"]
    assert (error["code"], error["field"]) == ("date_out_of_range", field)
    assert error["message"].startswith(message)
    assert counts() == before
    assert not Deal.objects.exists()


def test_deal_dates_in_range_are_accepted(api_as, partner, strict):
    response = api_as("owner").post(
        "/api/v1/deals",
        payload(
            partner,
            strict,
            opened_on=TODAY.isoformat(),
            expected_close_date=(TODAY + datetime.timedelta(days=365 * 3)).isoformat(),
        ),
    )
    assert response.status_code == 201
    assert response.json()["number"].startswith(f"DL-{TODAY.year}-")


def test_changing_a_deal_to_a_future_opening_day_is_refused(deal_factory, owner):
    deal = deal_factory()
    with pytest.raises(Exception) as caught:
        services.deal_update(
            deal=deal,
            expected_version=None,
            by=owner,
            expected_close_date=datetime.date(9999, 12, 31),
        )
    assert caught.value.codes == ["date_out_of_range"]
    deal.refresh_from_db()
    assert deal.expected_close_date is None


def test_the_cycle_of_a_deal_stored_with_a_future_opening_is_never_negative(
    deal_factory, owner, non_process
):
    """Stored before the check: opened 30 days ahead, then won today."""
    deal = deal_factory(kind=non_process)
    Deal.objects.filter(pk=deal.pk).update(opened_on=TODAY + datetime.timedelta(days=30))
    deal.refresh_from_db()
    won = services.deal_win(deal=deal, by=owner)  # the stored day does not block work
    assert won.status == "won"
    report = reports.efficiency(
        user=owner,
        group_by="manager",
        date_from=TODAY,
        date_to=TODAY + datetime.timedelta(days=31),
    )
    assert report.total.median_cycle_days == 0.0


@pytest.mark.parametrize("amount", ["1e400", "12345678901234567890.55", "1.001", "NaN"])
def test_a_deal_amount_that_does_not_fit_is_422(api_as, partner, strict, amount):
    before = counts()
    response = api_as("owner").post("/api/v1/deals", payload(partner, strict, amount=amount))
    assert response.status_code == 422, response.content
    assert counts() == before
