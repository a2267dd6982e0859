"""Participants (I2): suggestions by normalised phone and e-mail through the partners'
machinery, linking one or every participant with the same address, a new contact person
from an unknown participant (I3 "create based on")."""

import pytest

from ladoga.core.errors import ValidationFailed
from ladoga.interactions.models import Participant
from ladoga.interactions.services import (
    contact_from_participant,
    participant_link,
    participant_suggestions,
)
from ladoga.partners.models import ContactInfo, ContactPerson


def test_suggestions_match_a_phone_typed_differently_and_an_email_in_another_case(
    make, contact, partner, owner
):
    call = make(
        participants=[
            {"name": "Анна?", "phone": "8 912 345 67 89"},
            {"email": "ANNA.PETROVA@romashka.example"},
        ]
    )
    by_phone, by_email = call.participants.all()

    phone_hits = participant_suggestions(participant=by_phone, user=owner)
    email_hits = participant_suggestions(participant=by_email, user=owner)

    assert phone_hits[0].contact == contact and "+7 912 345-67-89" in phone_hits[0].reason
    assert email_hits[0].contact == contact
    assert partner in [s.partner for s in email_hits]


def test_suggestions_hide_what_the_user_cannot_see(make, contact, actors):
    call = make(by=actors["outsider"], participants=[{"phone": "+79123456789"}])
    assert (
        participant_suggestions(participant=call.participants.get(), user=actors["outsider"]) == []
    )


def test_colleagues_are_suggested_by_email(make, actors, owner):
    actors["colleague"].email = "colleague@ladoga.example"
    actors["colleague"].save()
    call = make(participants=[{"email": "Colleague@Ladoga.example"}])
    [hit] = participant_suggestions(participant=call.participants.get(), user=owner)
    assert hit.user == actors["colleague"]


def test_link_one_participant(make, contact, owner):
    call = make(participants=[{"email": "anna.petrova@romashka.example"}])
    other = make(participants=[{"email": "anna.petrova@romashka.example"}])

    linked = participant_link(participant=call.participants.get(), by=owner, contact_id=contact.pk)

    assert linked == 1
    assert call.participants.get().contact == contact
    assert other.participants.get().contact is None
    call.refresh_from_db()
    assert call.partner == contact.partner and call.version == 2


def test_link_every_participant_with_the_same_address(make, contact, owner, actors):
    first = make(participants=[{"phone": "+7 912 345-67-89"}])
    second = make(participants=[{"phone": "8 (912) 345-67-89"}])
    hidden = make(by=actors["outsider"], participants=[{"phone": "89123456789"}])
    different = make(participants=[{"phone": "+7 912 000-00-00"}])

    linked = participant_link(
        participant=first.participants.get(), by=owner, contact_id=contact.pk, same_address=True
    )

    assert linked == 2
    assert second.participants.get().contact == contact
    assert hidden.participants.get().contact is None  # not the owner's to change
    assert different.participants.get().contact is None


def test_linking_to_something_invisible_is_refused(make, other_partner, owner):
    call = make(participants=[{"name": "X"}])
    with pytest.raises(ValidationFailed) as error:
        participant_link(participant=call.participants.get(), by=owner, partner_id=other_partner.pk)
    assert error.value.codes == ["interaction_link_not_found"]
    assert not call.participants.get().is_linked


def test_new_contact_person_from_an_unknown_participant(make, partner, owner):
    call = make(
        participants=[
            {"name": "Сидоров Пётр", "phone": "+7 903 111-22-33", "email": "petr@romashka.example"}
        ]
    )
    participant = call.participants.get()

    contact = contact_from_participant(participant=participant, partner=partner, by=owner)

    assert (contact.last_name, contact.first_name) == ("Сидоров", "Пётр")
    keys = set(ContactInfo.objects.filter(contact=contact).values_list("key", flat=True))
    assert keys == {"+79031112233", "petr@romashka.example"}
    participant.refresh_from_db()
    assert participant.contact == contact


def test_new_contact_on_an_archived_partner_writes_nothing(make, partner, owner):
    from ladoga.partners.services import partner_archive

    call = make(participants=[{"name": "Сидоров"}])
    partner_archive(partner=partner, expected_version=None, by=owner)
    partner.refresh_from_db()
    with pytest.raises(ValidationFailed):
        contact_from_participant(participant=call.participants.get(), partner=partner, by=owner)
    assert not ContactPerson.objects.exists()
    assert not Participant.objects.filter(contact__isnull=False).exists()
