"""Claim commands (C1): registration, details, the status flow, compensation, comments."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga.claims.models import ClaimStatus, ClaimTransition
from ladoga.claims.services import (
    claim_comment_add,
    claim_create,
    claim_reason_create,
    claim_transition,
    claim_update,
)
from ladoga.core.errors import Conflict, DomainError, StaleVersion, ValidationFailed
from ladoga.partners.services import partner_archive

from .conftest import counts


def test_register_gives_a_number_and_a_first_history_row(owner, partner, reasons, counterparty):
    claim = claim_create(
        partner=partner,
        essence="  Half the boxes were wet  ",
        counterparty=counterparty,
        reason=reasons["defect"],
        by=owner,
        date=datetime.date(2026, 3, 4),
    )

    assert claim.number == "CL-2026-000001"
    assert claim.essence == "Half the boxes were wet"
    assert claim.status == ClaimStatus.REGISTERED
    assert claim.responsible == owner
    assert claim.compensation == Decimal("0")
    [row] = ClaimTransition.objects.filter(claim=claim)
    assert (row.from_status, row.to_status, row.by) == ("", "registered", owner)
    assert claim.history.count() == 1


def test_numbers_follow_each_other_per_year(claim_factory, partner):
    first = claim_factory(partner, date=datetime.date(2025, 12, 31))
    second = claim_factory(partner, date=datetime.date(2026, 1, 1))
    third = claim_factory(partner, date=datetime.date(2026, 1, 2))

    assert [first.number, second.number, third.number] == [
        "CL-2025-000001",
        "CL-2026-000001",
        "CL-2026-000002",
    ]


def test_a_claim_of_a_supplier_or_competitor_is_fine(claim_factory, other_partner, outsider):
    claim = claim_factory(other_partner, by=outsider)
    assert claim.partner == other_partner


def test_register_refuses_bad_links_and_writes_nothing(
    owner, partner, other_partner, other_order, actors
):
    before = counts()
    from ladoga.partners.services import counterparty_create

    foreign_counterparty = counterparty_create(
        partner=other_partner, short_name="ООО Чужое", by=actors["outsider"]
    )

    with pytest.raises(ValidationFailed) as error:
        claim_create(
            partner=partner,
            essence="",
            counterparty=foreign_counterparty,
            order=other_order,
            culprit_employee=actors["portal"],
            compensation="-5",
            by=owner,
        )

    assert error.value.codes == [
        "claim_essence_required",
        "claim_counterparty_not_of_partner",
        "claim_order_not_of_partner",
        "claim_employee_invalid",
        "claim_compensation_negative",
    ]
    assert counts() == before


def test_register_refuses_an_archived_partner(owner, partner):
    partner_archive(partner=partner, by=owner)
    partner.refresh_from_db()
    with pytest.raises(ValidationFailed) as error:
        claim_create(partner=partner, essence="x", by=owner)
    assert error.value.codes == ["claim_partner_archived"]


def test_compensation_above_the_linked_order_is_refused(owner, partner, order):
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        claim_create(partner=partner, essence="x", order=order, compensation="1000.01", by=owner)
    assert error.value.codes == ["claim_compensation_above_order"]
    assert counts() == before

    claim = claim_create(
        partner=partner, essence="x", order=order, compensation="1000.00", by=owner
    )
    assert claim.compensation == Decimal("1000.00")
    assert claim.currency == "RUB"


def test_update_changes_details_and_checks_the_version(claim, owner, reasons, departments):
    updated = claim_update(
        claim=claim,
        expected_version=claim.version,
        by=owner,
        reason=reasons["late"],
        culprit_department=departments["sales"],
        essence="Late by a week",
    )
    assert updated.reason == reasons["late"]
    assert updated.version == claim.version + 1

    with pytest.raises(StaleVersion):
        claim_update(claim=claim, expected_version=claim.version, by=owner, essence="again")
    updated.refresh_from_db()
    assert updated.essence == "Late by a week"


def test_update_refuses_unknown_fields_and_negative_compensation(claim, owner, order):
    version = claim.version
    with pytest.raises(ValidationFailed) as error:
        claim_update(claim=claim, expected_version=version, by=owner, partner=None, number="X")
    assert error.value.codes == ["claim_field_not_changeable"] * 2

    with pytest.raises(ValidationFailed) as error:
        claim_update(claim=claim, expected_version=version, by=owner, compensation=Decimal("-1"))
    assert error.value.codes == ["claim_compensation_negative"]

    with pytest.raises(ValidationFailed) as error:
        claim_update(
            claim=claim, expected_version=version, by=owner, order=order, compensation="2000"
        )
    assert error.value.codes == ["claim_compensation_above_order"]
    claim.refresh_from_db()
    assert (claim.version, claim.compensation, claim.order_id) == (version, 0, None)


def _walk(claim, by, *statuses, **resolve):
    for status in statuses:
        claim = claim_transition(claim=claim, status=status, by=by, **resolve)
    return claim


def test_the_whole_flow_writes_one_history_row_per_step(claim, owner):
    claim = claim_transition(claim=claim, status="investigating", by=owner, comment="On it")
    claim = claim_transition(
        claim=claim,
        status="resolved",
        resolution="partly",
        result="Half refunded",
        compensation="250.00",
        by=owner,
    )
    assert claim.resolved_on == timezone.localdate()
    claim = claim_transition(claim=claim, status="closed", by=owner)

    assert claim.status == "closed"
    assert claim.resolution == "partly"
    assert claim.compensation == Decimal("250.00")
    steps = list(claim.transitions.values_list("from_status", "to_status", "resolution"))
    assert steps == [
        ("", "registered", ""),
        ("registered", "investigating", ""),
        ("investigating", "resolved", "partly"),
        ("resolved", "closed", ""),
    ]


@pytest.mark.parametrize("target", ["resolved", "closed", "registered", "nonsense"])
def test_a_status_jump_is_refused_and_nothing_changes(claim, owner, target):
    before = counts()
    with pytest.raises(DomainError) as error:
        claim_transition(claim=claim, status=target, by=owner, resolution="satisfied", result="x")
    assert error.value.codes[0] in ("claim_transition_not_allowed", "claim_status_unknown")
    claim.refresh_from_db()
    assert claim.status == "registered"
    assert counts() == before


def test_resolving_without_a_result_is_refused_and_nothing_changes(claim, owner):
    claim = claim_transition(claim=claim, status="investigating", by=owner)
    before, version = counts(), claim.version

    with pytest.raises(ValidationFailed) as error:
        claim_transition(claim=claim, status="resolved", by=owner, resolution="satisfied")
    assert error.value.codes == ["claim_result_required"]

    with pytest.raises(ValidationFailed) as error:
        claim_transition(claim=claim, status="resolved", by=owner, result="Done")
    assert error.value.codes == ["claim_resolution_required"]

    claim.refresh_from_db()
    assert (claim.status, claim.resolution, claim.version) == ("investigating", "", version)
    assert claim.resolved_on is None
    assert counts() == before


@pytest.mark.parametrize(
    "compensation, resolution, code",
    [
        ("-1", "satisfied", "claim_compensation_negative"),
        ("1000.01", "satisfied", "claim_compensation_above_order"),
        ("1", "rejected", "claim_compensation_when_rejected"),
    ],
)
def test_resolving_with_a_bad_compensation_is_refused(
    claim_factory, partner, order, owner, compensation, resolution, code
):
    claim = claim_factory(partner, order=order)
    claim = claim_transition(claim=claim, status="investigating", by=owner)
    before = counts()

    with pytest.raises(ValidationFailed) as error:
        claim_transition(
            claim=claim,
            status="resolved",
            resolution=resolution,
            result="Decided",
            compensation=compensation,
            by=owner,
        )

    assert error.value.codes == [code]
    claim.refresh_from_db()
    assert (claim.status, claim.compensation) == ("investigating", Decimal("0"))
    assert counts() == before


def test_a_closed_claim_no_longer_changes(claim, owner):
    claim = _walk(claim, owner, "investigating")
    claim = claim_transition(
        claim=claim, status="resolved", resolution="rejected", result="Not our fault", by=owner
    )
    claim = claim_transition(claim=claim, status="closed", by=owner)

    with pytest.raises(Conflict) as error:
        claim_update(claim=claim, expected_version=claim.version, by=owner, essence="new")
    assert error.value.codes == ["claim_closed"]
    with pytest.raises(DomainError) as error:
        claim_transition(claim=claim, status="investigating", by=owner)
    assert error.value.codes == ["claim_transition_not_allowed"]


def test_transition_checks_the_version_when_given(claim, owner):
    with pytest.raises(StaleVersion):
        claim_transition(
            claim=claim, status="investigating", by=owner, expected_version=claim.version + 5
        )
    claim.refresh_from_db()
    assert claim.status == "registered"


def test_comment_keeps_markup_as_plain_text(claim, owner, actors):
    text = "<script>alert('x')</script> <b>bold</b>"
    comment = claim_comment_add(claim=claim, text=text, by=owner)
    assert comment.text == text
    assert (comment.is_public, comment.from_client) == (False, False)

    client = claim_comment_add(claim=claim, text="from the client", by=actors["portal"])
    assert (client.is_public, client.from_client) == (True, True)


@pytest.mark.parametrize(
    "text, code", [("   ", "claim_comment_required"), ("x" * 5001, "claim_comment_too_long")]
)
def test_empty_or_huge_comment_is_refused(claim, owner, text, code):
    with pytest.raises(ValidationFailed) as error:
        claim_comment_add(claim=claim, text=text, by=owner)
    assert error.value.codes == [code]
    assert not claim.comments.exists()


def test_reason_names_are_unique_regardless_of_case(reasons):
    with pytest.raises(Conflict) as error:
        claim_reason_create(name="  late DELIVERY ")
    assert error.value.codes == ["claim_reason_name_taken"]
    with pytest.raises(ValidationFailed):
        claim_reason_create(name=" ")


@pytest.fixture
def deal_of(owner):
    from ladoga.deals.models import DealKind
    from ladoga.deals.services import deal_create

    def make(partner, by=owner):
        kind = DealKind.objects.order_by("pk").first()
        return deal_create(name="Cement", partner=partner, kind=kind, by=by)

    return make


def test_a_claim_links_a_deal_of_its_partner_only(claim_factory, partner, outsider, deal_of):
    deal = deal_of(partner)
    claim = claim_factory(partner, deal=deal)
    assert claim.deal == deal

    from ladoga.partners.services import partner_create

    other_client = partner_create(name="Василёк", roles=["client"], manager=outsider, by=outsider)
    foreign = deal_of(other_client, by=outsider)
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        claim_factory(partner, deal=foreign)
    assert error.value.codes == ["claim_deal_not_of_partner"]
    assert counts() == before
