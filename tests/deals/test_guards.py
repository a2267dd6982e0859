"""The guard rules are pure functions of plain facts: tested without a database."""

import datetime
from decimal import Decimal

from ladoga.deals import guards
from ladoga.deals.guards import DealFacts
from ladoga.deals.workdays import add_working_days

EVERYTHING = DealFacts(
    agreement_set=True,
    agreement_active=True,
    agreement_applies=True,
    proposals=1,
    posted_orders=1,
    contacts=2,
    decision_makers=1,
    amount=Decimal("10.00"),
    expected_close_date=datetime.date(2026, 6, 1),
    open_required_tasks=0,
)
ALL_CODES = [
    guards.AGREEMENT_MISSING,
    guards.PROPOSAL_MISSING,
    guards.ORDER_NOT_POSTED,
    guards.CONTACTS_MISSING,
    guards.DECISION_MAKER_MISSING,
    guards.AMOUNT_DATE_MISSING,
    guards.TASKS_OPEN,
]


def test_every_guard_holds_when_every_fact_is_there():
    assert guards.unmet(EVERYTHING, ALL_CODES) == []


def test_nothing_known_breaks_every_guard_and_all_are_listed_in_order():
    violations = guards.unmet(DealFacts(open_required_tasks=2), ALL_CODES)

    assert [v.code for v in violations] == ALL_CODES
    assert all(v.message and v.field == "stage" for v in violations)


def test_client_classified_needs_an_agreement_that_is_active():
    assert not guards.client_classified(DealFacts(agreement_set=False, agreement_active=False))
    assert not guards.client_classified(DealFacts(agreement_set=True, agreement_active=False))
    assert not guards.client_classified(
        DealFacts(agreement_set=True, agreement_active=True, agreement_applies=False)
    )
    assert guards.client_classified(
        DealFacts(agreement_set=True, agreement_active=True, agreement_applies=True)
    )


def test_amount_and_date_both_required_and_the_amount_positive():
    day = datetime.date(2026, 1, 1)
    assert not guards.amount_and_date_filled(DealFacts(amount=Decimal(5)))
    assert not guards.amount_and_date_filled(DealFacts(expected_close_date=day))
    assert not guards.amount_and_date_filled(DealFacts(amount=Decimal(0), expected_close_date=day))
    assert guards.amount_and_date_filled(DealFacts(amount=Decimal(5), expected_close_date=day))


def test_unknown_codes_are_ignored_and_needed_facts_follow_the_codes():
    assert guards.unmet(DealFacts(), ["no_such_guard"]) == []
    assert guards.needed_facts([guards.AGREEMENT_MISSING, guards.TASKS_OPEN]) == {
        "agreement_set",
        "agreement_active",
        "agreement_applies",
        "open_required_tasks",
    }


def test_a_domain_may_register_a_guard_of_its_own():
    guard = guards.guard_register(
        "test_always_refuses", label="never", message="no", check=lambda facts: False
    )
    try:
        assert [v.code for v in guards.unmet(EVERYTHING, ["test_always_refuses"])] == [guard.code]
    finally:
        guards._guards.pop("test_always_refuses")


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 3, 6)
    assert add_working_days(friday, 0) == friday
    assert add_working_days(friday, 1) == datetime.date(2026, 3, 9)
    assert add_working_days(friday, 5) == datetime.date(2026, 3, 13)
    assert add_working_days(datetime.date(2026, 3, 7), 0) == datetime.date(2026, 3, 9)
    assert add_working_days(datetime.date(2026, 3, 7), 1) == datetime.date(2026, 3, 10)
