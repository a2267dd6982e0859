"""Agreements (S3, S4) and contracts (S5): statuses, approval, individual agreements."""

import datetime
from decimal import Decimal as D

import pytest

from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.sales import services
from ladoga.sales.errors import Forbidden
from ladoga.sales.errors import SalesCode as C
from ladoga.sales.models import Agreement, AgreementStatus, AgreementTransition, Contract

JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def draft(base_price_type, products):
    return services.agreement_create(
        name="Wholesale",
        price_type=base_price_type,
        valid_from=JAN,
        stages=[("prepayment", D("50"), 0), ("credit", D("50"), 30)],
        delivery_days=2,
        discount_percent=D("3"),
        max_manual_discount=D("4"),
        contract_required=True,
    )


def agreed(agreement, by=None):
    return services.agreement_transition(agreement=agreement, status="agreed", by=by)


def test_status_goes_draft_agreed_active_closed_and_is_recorded(draft, actors):
    head = actors["head"]
    agreed(draft, by=head)
    services.agreement_approve(agreement=draft, by=head)
    services.agreement_transition(agreement=draft, status="closed", by=head)

    draft.refresh_from_db()
    assert draft.status == AgreementStatus.CLOSED
    assert draft.approved_by == head
    assert list(draft.transitions.values_list("from_status", "to_status", "by")) == [
        ("draft", "agreed", head.pk),
        ("agreed", "active", head.pk),
        ("active", "closed", head.pk),
    ]


def test_approving_without_the_permission_is_refused(draft, actors):
    agreed(draft)
    draft.refresh_from_db()
    version = draft.version

    with pytest.raises(Forbidden) as error:
        services.agreement_approve(agreement=draft, by=actors["owner"])

    assert error.value.codes == [C.AGREEMENT_APPROVE_FORBIDDEN]
    draft.refresh_from_db()
    assert (draft.status, draft.version, draft.approved_by) == ("agreed", version, None)
    assert draft.transitions.count() == 1


@pytest.mark.parametrize("status", ["active", "draft"])
def test_a_draft_cannot_jump_or_stay(draft, actors, status):
    with pytest.raises(ValidationFailed) as error:
        services.agreement_transition(agreement=draft, status=status, by=actors["head"])
    assert error.value.codes == [C.AGREEMENT_TRANSITION_INVALID]
    assert not AgreementTransition.objects.exists()


def test_closed_is_final(draft):
    services.agreement_transition(agreement=draft, status="closed")
    with pytest.raises(ValidationFailed):
        services.agreement_transition(agreement=draft, status="draft")


def test_only_a_draft_is_edited(draft):
    agreed(draft)
    with pytest.raises(ValidationFailed) as error:
        services.agreement_update(agreement=draft, expected_version=None, name="Renamed")
    assert error.value.codes == [C.AGREEMENT_NOT_EDITABLE]
    assert Agreement.objects.get(pk=draft.pk).name == "Wholesale"


@pytest.mark.parametrize(
    "stages",
    [[], [("prepayment", D("60"), 0)], [("prepayment", D("100"), -1)], [("later", D("100"), 0)]],
)
def test_a_bad_payment_schedule_is_refused(base_price_type, stages):
    with pytest.raises(ValidationFailed) as error:
        services.agreement_create(
            name="Bad", price_type=base_price_type, valid_from=JAN, stages=stages
        )
    assert error.value.codes == [C.AGREEMENT_SCHEDULE_INVALID]
    assert not Agreement.objects.exists()


def test_validity_ending_before_it_starts_is_refused(base_price_type):
    with pytest.raises(ValidationFailed) as error:
        services.agreement_create(
            name="Bad",
            price_type=base_price_type,
            valid_from=JAN,
            valid_to=datetime.date(2025, 12, 31),
        )
    assert error.value.codes == [C.AGREEMENT_VALIDITY_INVALID]


def test_an_individual_agreement_copies_the_typical_conditions(draft, partner):
    individual = services.agreement_individual_create(
        typical=draft, partner=partner, discount_percent=D("7")
    )

    assert individual.kind == "individual"
    assert individual.status == AgreementStatus.DRAFT
    assert (individual.typical, individual.partner) == (draft, partner)
    assert individual.discount_percent == D("7")
    for field in ("price_type", "delivery_days", "tax_regime", "max_manual_discount",
                  "contract_required", "valid_from", "valid_to"):  # fmt: skip
        assert getattr(individual, field) == getattr(draft, field)
    assert [s.as_tuple() for s in individual.stages.all()] == [
        s.as_tuple() for s in draft.stages.all()
    ]


def test_individual_agreements_of_one_partner_from_one_typical_may_not_overlap(draft, partner):
    services.agreement_individual_create(
        typical=draft, partner=partner, valid_from=JAN, valid_to=datetime.date(2026, 6, 30)
    )
    with pytest.raises(ValidationFailed) as error:
        services.agreement_individual_create(
            typical=draft, partner=partner, valid_from=datetime.date(2026, 6, 30)
        )
    assert error.value.codes == [C.AGREEMENT_VALIDITY_OVERLAP]
    assert Agreement.objects.filter(partner=partner).count() == 1

    # The day after is fine, and so is another partner on the same days.
    services.agreement_individual_create(
        typical=draft, partner=partner, valid_from=datetime.date(2026, 7, 1)
    )
    assert Agreement.objects.filter(partner=partner).count() == 2


def test_an_overlap_made_by_editing_is_refused(draft, partner):
    services.agreement_individual_create(
        typical=draft, partner=partner, valid_to=datetime.date(2026, 6, 30)
    )
    later = services.agreement_individual_create(
        typical=draft, partner=partner, valid_from=datetime.date(2026, 7, 1)
    )
    with pytest.raises(ValidationFailed) as error:
        services.agreement_update(agreement=later, expected_version=None, valid_from=JAN)
    assert error.value.codes == [C.AGREEMENT_VALIDITY_OVERLAP]
    assert Agreement.objects.get(pk=later.pk).valid_from == datetime.date(2026, 7, 1)


def test_a_closed_agreement_does_not_block_a_new_one(draft, partner):
    old = services.agreement_individual_create(typical=draft, partner=partner)
    services.agreement_transition(agreement=old, status="closed")
    assert services.agreement_individual_create(typical=draft, partner=partner).pk


def test_an_individual_agreement_is_made_from_a_typical_one_only(draft, partner, other_partner):
    individual = services.agreement_individual_create(typical=draft, partner=partner)
    with pytest.raises(ValidationFailed) as error:
        services.agreement_individual_create(typical=individual, partner=other_partner)
    assert error.value.codes == [C.AGREEMENT_NOT_TYPICAL]


def test_contract_numbers_are_unique_per_counterparty(counterparty):
    services.contract_create(counterparty=counterparty, number="12/26", date=JAN)
    with pytest.raises(Conflict) as error:
        services.contract_create(counterparty=counterparty, number="12/26", date=JAN)
    assert error.value.codes == [C.CONTRACT_NUMBER_TAKEN]
    assert Contract.objects.count() == 1


def test_a_contract_belongs_to_the_counterpartys_partner(counterparty, partner):
    contract = services.contract_create(counterparty=counterparty, number="1", date=JAN)
    assert contract.partner == partner
    assert contract.valid_from == JAN
