"""Card kinds and cards (L1, L2): each bad input is refused with its code and message
and writes nothing; blocking and replacing keep the history."""

import datetime
from decimal import Decimal

import pytest

from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.loyalty import services
from ladoga.loyalty.models import CardKind, CardStatus, CardThreshold, LoyaltyCard
from ladoga.partners.models import ContactPerson, PartnerStatus
from ladoga.partners.services import partner_create

D = Decimal
ON = datetime.date(2026, 1, 10)


def counts() -> tuple[int, int, int, int]:
    return (
        CardKind.objects.count(),
        CardThreshold.objects.count(),
        LoyaltyCard.objects.count(),
        LoyaltyCard.history.count(),
    )


def refused(error_class, command, **kwargs):
    before = counts()
    with pytest.raises(error_class) as error:
        command(**kwargs)
    assert counts() == before
    return error.value


def test_fixed_kind_is_created_with_its_format(fixed_kind):
    assert (fixed_kind.prefix, fixed_kind.length, fixed_kind.check_digit) == ("200", 13, "ean13")
    assert fixed_kind.percent == D("7")
    assert fixed_kind.history.count() == 1


def test_accumulative_kind_keeps_its_thresholds(accumulative_kind):
    assert list(accumulative_kind.thresholds.values_list("amount", "percent")) == [
        (D("50000"), D("3")),
        (D("200000"), D("5")),
    ]


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"name": " "}, "loyalty_kind_name_required"),
        ({"percent": D("101")}, "loyalty_kind_percent_invalid"),
        ({"discount_type": "accumulative", "thresholds": []}, "loyalty_kind_thresholds_invalid"),
        (
            {"discount_type": "accumulative", "thresholds": [(D("1"), D("3")), (D("1"), D("5"))]},
            "loyalty_kind_thresholds_invalid",
        ),
        ({"period_days": 0}, "loyalty_kind_period_invalid"),
        (
            {"valid_from": datetime.date(2026, 2, 1), "valid_to": datetime.date(2026, 1, 1)},
            "loyalty_kind_validity_invalid",
        ),
        ({"length": 12}, "loyalty_kind_format_invalid"),
        ({"combine_rule": "sum"}, "loyalty_kind_value_unknown"),
    ],
)
def test_bad_kinds_are_refused(db, changes, code):
    data = {"name": "Gold", "percent": D("5"), **changes}
    error = refused(ValidationFailed, services.card_kind_create, **data)
    assert code in error.codes


def test_kind_name_taken(fixed_kind):
    error = refused(ValidationFailed, services.card_kind_create, name="silver")
    assert error.codes == ["loyalty_kind_name_taken"]
    assert str(error.violations[0].message) == "A card kind named silver exists."


def test_kind_format_cannot_change_once_cards_are_issued(card, fixed_kind):
    with pytest.raises(ValidationFailed) as error:
        services.card_kind_update(kind=fixed_kind, prefix="201")
    assert error.value.codes == ["loyalty_kind_format_invalid"]
    fixed_kind.refresh_from_db()
    assert fixed_kind.prefix == "200"


def test_card_is_issued_with_the_next_number_of_its_kind(card, fixed_kind, partner):
    assert card.number == "2000000000015"
    assert card.partner == partner and card.contact is None
    assert card.status == CardStatus.ACTIVE
    assert card.history.count() == 1
    second = services.card_issue(kind=fixed_kind, partner=partner, issued_on=ON)
    assert second.number == "2000000000022"


def test_card_issued_to_a_contact_belongs_to_the_contacts_partner(fixed_kind, partner):
    contact = ContactPerson.objects.create(partner=partner, last_name="Ivanova")
    made = services.card_issue(kind=fixed_kind, contact=contact, number="2000000000039")
    assert (made.partner, made.contact, made.holder_name) == (partner, contact, "Ivanova")


def test_number_that_breaks_the_format(fixed_kind, partner):
    error = refused(
        ValidationFailed, services.card_issue, kind=fixed_kind, partner=partner, number="12345"
    )
    assert error.codes == ["loyalty_card_number_invalid"]
    assert str(error.violations[0].message) == (
        "Card number 12345 does not fit kind Silver: 13 characters starting with “200”."
    )


def test_number_with_a_wrong_check_digit(fixed_kind, partner):
    error = refused(
        ValidationFailed,
        services.card_issue,
        kind=fixed_kind,
        partner=partner,
        number="2000000000009",
    )
    assert error.codes == ["loyalty_card_check_digit_invalid"]
    assert "check digit" in str(error.violations[0].message)


def test_two_cards_with_one_number(card, fixed_kind, other_partner):
    error = refused(
        Conflict, services.card_issue, kind=fixed_kind, partner=other_partner, number=card.number
    )
    assert error.codes == ["loyalty_card_number_taken"]
    assert str(error.violations[0].message) == "Card number 2000000000015 is already issued."


def test_card_of_a_blocked_kind(fixed_kind, partner):
    services.card_kind_update(kind=fixed_kind, status="blocked")
    error = refused(ValidationFailed, services.card_issue, kind=fixed_kind, partner=partner)
    assert error.codes == ["loyalty_card_kind_blocked"]
    assert str(error.violations[0].message) == (
        "Card kind Silver is blocked; no cards of it are issued."
    )


def test_card_issued_to_an_archived_partner(fixed_kind, actors):
    archived = partner_create(name="Closed shop", manager=actors["owner"])
    archived.status = PartnerStatus.ARCHIVED
    archived.save()
    error = refused(ValidationFailed, services.card_issue, kind=fixed_kind, partner=archived)
    assert error.codes == ["loyalty_card_holder_archived"]
    assert "archived" in str(error.violations[0].message)


def test_card_without_a_holder(fixed_kind):
    error = refused(ValidationFailed, services.card_issue, kind=fixed_kind)
    assert error.codes == ["loyalty_card_holder_required"]


def test_personal_card_goes_to_a_person(fixed_kind, partner):
    services.card_kind_update(kind=fixed_kind, is_personal=True)
    error = refused(ValidationFailed, services.card_issue, kind=fixed_kind, partner=partner)
    assert error.codes == ["loyalty_card_holder_not_person"]


def test_card_of_a_kind_not_yet_valid(fixed_kind, partner):
    services.card_kind_update(kind=fixed_kind, valid_from=datetime.date(2026, 6, 1))
    error = refused(
        ValidationFailed, services.card_issue, kind=fixed_kind, partner=partner, issued_on=ON
    )
    assert error.codes == ["loyalty_card_validity_invalid"]


def test_manager_without_the_permission_cannot_create_kinds(owner):
    error = refused(services.Forbidden, services.card_kind_create, name="Gold", by=owner)
    assert error.codes == ["loyalty_permission_denied"]


def test_block_keeps_history(card, owner):
    blocked = services.card_block(card=card, reason="Lost", by=owner)
    assert (blocked.status, blocked.block_reason) == (CardStatus.BLOCKED, "Lost")
    statuses = list(blocked.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["active", "blocked"]
    assert blocked.history.latest().history_user == owner


def test_blocking_a_blocked_card_is_refused(card):
    services.card_block(card=card)
    before = LoyaltyCard.history.count()
    with pytest.raises(Conflict) as error:
        services.card_block(card=card)
    assert error.value.codes == ["loyalty_card_not_active"]
    assert LoyaltyCard.history.count() == before


def test_replace_keeps_the_holder_and_history(card, owner):
    new = services.card_replace(card=card, reason="Worn out", by=owner)
    card.refresh_from_db()
    assert card.status == CardStatus.REPLACED and card.replaced_by == new
    assert (new.partner_id, new.kind_id, new.status) == (card.partner_id, card.kind_id, "active")
    assert new.number != card.number
    assert list(card.history.order_by("history_date").values_list("status", flat=True)) == [
        "active",
        "replaced",
    ]


def test_replacing_twice_is_refused(card):
    services.card_replace(card=card)
    before = counts()
    with pytest.raises(Conflict) as error:
        services.card_replace(card=card)
    assert error.value.codes == ["loyalty_card_replaced"]
    assert counts() == before


def test_replace_with_a_taken_number_writes_nothing(card, fixed_kind, other_partner):
    other = services.card_issue(kind=fixed_kind, partner=other_partner)
    before = counts()
    with pytest.raises(Conflict):
        services.card_replace(card=card, number=other.number)
    assert counts() == before
    card.refresh_from_db()
    assert card.status == CardStatus.ACTIVE
