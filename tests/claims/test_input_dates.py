"""Issue 17, point 6 for claims: a claim is dated between 2000 and today; the dynamics
never show a negative open count, even over a claim stored with a date after its
resolution; point 7: the compensation must fit its column."""

import datetime

import pytest
from django.utils import timezone

from ladoga.claims import reports
from ladoga.claims.models import Claim

from .conftest import counts

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    "day",
    [TODAY + datetime.timedelta(days=365), datetime.date(9999, 12, 31), datetime.date(1, 1, 1)],
)
def test_a_claim_dated_out_of_range_is_422_and_nothing_written(api_as, partner, day):
    before = counts()
    response = api_as("owner").post(
        "/api/v1/claims",
        {"partner_id": partner.pk, "essence": "Broken", "date": day.isoformat()},
    )
    assert response.status_code == 422, response.content
    (error,) = response.json()["errors"]
    assert (error["code"], error["field"]) == ("date_out_of_range", "date")
    assert counts() == before


@pytest.mark.parametrize("compensation", ["1e400", "12345678901234567890.55", "0.001", "NaN"])
def test_a_compensation_that_does_not_fit_is_422(api_as, partner, compensation):
    before = counts()
    response = api_as("owner").post(
        "/api/v1/claims",
        {"partner_id": partner.pk, "essence": "Broken", "compensation": compensation},
    )
    assert response.status_code == 422, response.content
    assert counts() == before


def test_open_never_negative_over_a_claim_resolved_before_its_date(claim_factory, partner, actors):
    """Stored before the check: dated next month, resolved today."""
    claim = claim_factory(partner)
    Claim.objects.filter(pk=claim.pk).update(
        date=TODAY + datetime.timedelta(days=40), resolved_on=TODAY
    )
    report = reports.claims_dynamics(
        user=actors["claims"],
        date_from=TODAY.replace(day=1),
        date_to=TODAY + datetime.timedelta(days=70),
    )
    assert all(row.open >= 0 for row in report.totals)
    assert [r.open for r in report.totals] == [0] * len(report.totals)
    assert sum(r.registered for r in report.totals) == 1
    assert sum(r.resolved for r in report.totals) == 1
