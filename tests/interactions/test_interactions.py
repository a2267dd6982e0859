"""Interactions (I1–I4): kinds, participants, subjects and threads, review status; every
bad input is refused with its code and nothing is written."""

import datetime

import pytest
from django.utils import timezone

from ladoga.core.errors import StaleVersion, ValidationFailed
from ladoga.interactions.models import (
    EmailStatus,
    Interaction,
    InteractionKind,
    Participant,
    Reminder,
    ReviewStatus,
)
from ladoga.interactions.services import interaction_review, interaction_update

from .conftest import counts, later


def test_each_kind_is_one_model_in_one_list(make, owner, partner):
    start = later(days=1)
    planned = make("planned", "Plan the next order", start=start)
    meeting = make(
        "meeting", "Visit", start=start, end=start + datetime.timedelta(hours=1), place="Office"
    )
    call = make("call", "Prices", direction="incoming", phone="8 (912) 345-67-89", duration=95)
    letter = make(
        "email",
        "Offer",
        direction="outgoing",
        participants=[{"role": "to", "email": "a@romashka.example"}],
    )

    assert {i.kind for i in Interaction.objects.all()} == set(InteractionKind.values)
    assert meeting.place == "Office" and meeting.end > meeting.start
    assert call.phone_key == "+79123456789" and call.duration == 95
    assert call.start is not None  # a call happens now unless told otherwise
    assert letter.email_status == EmailStatus.DRAFT
    assert planned.thread_id == planned.pk  # a new chain starts with itself


def test_a_meeting_that_ends_before_it_starts_is_refused(make):
    start = later(days=1)
    before = counts()

    with pytest.raises(ValidationFailed) as error:
        make("meeting", "Visit", start=start, end=start - datetime.timedelta(minutes=1))

    assert error.value.codes == ["interaction_end_before_start"]
    assert error.value.violations[0].field == "end"
    assert counts() == before


def test_a_meeting_needs_a_start(make):
    with pytest.raises(ValidationFailed) as error:
        make("meeting", "Visit")
    assert error.value.codes == ["interaction_start_required"]
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    "reminder",
    [{"reminder_minutes": -15}, {"remind_at": "after"}],
    ids=["negative minutes", "absolute time after the start"],
)
def test_a_reminder_after_the_event_is_refused(make, reminder):
    start = later(days=1)
    if reminder.get("remind_at") == "after":
        reminder = {"remind_at": start + datetime.timedelta(minutes=5)}
    before = counts()

    with pytest.raises(ValidationFailed) as error:
        make("meeting", "Visit", start=start, **reminder)

    assert error.value.codes == ["interaction_reminder_after_event"]
    assert counts() == before


def test_an_email_with_no_recipient_is_refused(make):
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        make("email", "Offer", direction="outgoing", participants=[])
    assert error.value.codes == ["interaction_recipient_required"]
    assert counts() == before


def test_an_email_with_an_invalid_address_is_refused(make):
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        make(
            "email",
            "Offer",
            direction="outgoing",
            participants=[{"role": "to", "email": "not-an-address"}],
        )
    assert "interaction_email_invalid" in error.value.codes
    assert error.value.violations[0].field == "participants.0.email"
    assert counts() == before


def test_a_subject_the_user_cannot_see_is_refused_like_a_missing_one(make, other_partner):
    before = counts()
    with pytest.raises(ValidationFailed) as hidden:
        make(subject_type="partners.partner", subject_id=other_partner.pk)
    with pytest.raises(ValidationFailed) as missing:
        make(subject_type="partners.partner", subject_id=other_partner.pk + 1000)

    assert hidden.value.codes == missing.value.codes == ["interaction_subject_not_found"]
    assert counts() == before


def test_an_unknown_subject_type_is_refused(make):
    with pytest.raises(ValidationFailed) as error:
        make(subject_type="deals.nothing", subject_id=1)
    assert error.value.codes == ["interaction_subject_unknown"]
    assert not Interaction.objects.exists()


def test_a_link_to_a_contact_the_user_cannot_see_is_refused(make, other_partner, outsider):
    from ladoga.partners.services import contact_create

    hidden = contact_create(partner=other_partner, last_name="Сидоров", by=outsider)
    with pytest.raises(ValidationFailed) as error:
        make(participants=[{"name": "Сидоров", "contact_id": hidden.pk}])
    assert error.value.codes == ["interaction_link_not_found"]
    assert not Participant.objects.exists()


def test_subject_partner_becomes_the_interactions_partner_and_threads_follow(make, partner):
    first = make(subject_type="partners.partner", subject_id=partner.pk)
    reply = make(subject_type="interactions.interaction", subject_id=first.pk)
    third = make(subject_type="interactions.interaction", subject_id=reply.pk)

    assert first.partner_id == reply.partner_id == third.partner_id == partner.pk
    assert reply.parent_id == first.pk
    assert {first.thread_id, reply.thread_id, third.thread_id} == {first.pk}


def test_participants_link_gives_the_partner(make, contact, partner):
    call = make(participants=[{"name": "Анна", "contact_id": contact.pk}])
    participant = call.participants.get()
    assert participant.partner_id == partner.pk
    assert call.partner_id == partner.pk


def test_an_interaction_cannot_follow_itself(make, owner):
    first = make()
    second = make(subject_type="interactions.interaction", subject_id=first.pk)
    with pytest.raises(ValidationFailed) as error:
        interaction_update(
            interaction=first,
            expected_version=first.version,
            by=owner,
            subject_type="interactions.interaction",
            subject_id=second.pk,
        )
    assert error.value.codes == ["interaction_subject_is_itself"]
    first.refresh_from_db()
    assert first.parent_id is None


def test_own_interaction_is_reviewed_and_one_given_to_someone_else_waits(make, owner, actors):
    mine = make()
    given = make(responsible=actors["colleague"])
    incoming = make(direction="incoming")

    assert mine.review_status == ReviewStatus.REVIEWED
    assert given.review_status == ReviewStatus.NOT_REVIEWED
    assert incoming.review_status == ReviewStatus.NOT_REVIEWED


def test_review_defer_and_hand_over(make, owner, actors):
    interaction = make(direction="incoming")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    deferred = interaction_review(interaction=interaction, by=owner, review_after=tomorrow)
    assert deferred.is_deferred and deferred.review_status == ReviewStatus.NOT_REVIEWED

    handed = interaction_review(
        interaction=deferred, by=owner, responsible=actors["colleague"], reviewed=True
    )
    assert handed.responsible == actors["colleague"]
    assert handed.review_status == ReviewStatus.NOT_REVIEWED  # now it waits for them

    done = interaction_review(interaction=handed, by=actors["colleague"])
    assert done.review_status == ReviewStatus.REVIEWED and done.reviewed_by == actors["colleague"]


def test_review_after_today_or_earlier_is_refused(interaction, owner):
    version = interaction.version
    with pytest.raises(ValidationFailed) as error:
        interaction_review(interaction=interaction, by=owner, review_after=timezone.localdate())
    assert error.value.codes == ["interaction_review_after_past"]
    interaction.refresh_from_db()
    assert interaction.version == version


def test_a_portal_client_cannot_be_responsible(make, actors):
    with pytest.raises(ValidationFailed) as error:
        make(responsible=actors["portal"])
    assert error.value.codes == ["interaction_responsible_invalid"]
    assert not Interaction.objects.exists()


def test_update_refuses_a_stale_version(interaction, owner):
    with pytest.raises(StaleVersion):
        interaction_update(
            interaction=interaction,
            expected_version=interaction.version - 1,
            by=owner,
            title="Changed",
        )
    interaction.refresh_from_db()
    assert interaction.title == "Call about prices"


def test_a_sent_email_keeps_its_text(make, owner):
    letter = make(
        "email",
        "Offer",
        direction="incoming",
        participants=[{"role": "from", "email": "a@romashka.example"}],
    )
    assert letter.email_status == EmailStatus.RECEIVED
    with pytest.raises(ValidationFailed) as error:
        interaction_update(
            interaction=letter, expected_version=letter.version, by=owner, title="Rewritten"
        )
    assert error.value.codes == ["interaction_not_editable"]
    # the review and the subject can still change
    interaction_update(
        interaction=letter,
        expected_version=letter.version,
        by=owner,
        subject_type="",
        subject_id=None,
    )


def test_moving_an_event_moves_its_reminder(make, owner):
    start = later(days=2)
    meeting = make("meeting", "Visit", start=start, reminder_minutes=30)
    reminder = Reminder.objects.get()
    assert reminder.remind_at == start - datetime.timedelta(minutes=30)

    new_start = start + datetime.timedelta(hours=3)
    interaction_update(
        interaction=meeting, expected_version=meeting.version, by=owner, start=new_start
    )

    assert list(Reminder.objects.values_list("remind_at", flat=True)) == [
        new_start - datetime.timedelta(minutes=30)
    ]


def test_reminders_go_to_the_responsible_and_user_participants(make, actors):
    make(
        "meeting",
        "Visit",
        start=later(days=1),
        reminder_minutes=10,
        participants=[{"user_id": actors["colleague"].pk}],
    )
    assert set(Reminder.objects.values_list("user__username", flat=True)) == {"owner", "colleague"}


def test_history_records_changes(interaction, owner):
    interaction_update(
        interaction=interaction,
        expected_version=interaction.version,
        by=owner,
        title="Prices for 2027",
    )
    assert interaction.history.count() == 2


def test_create_is_one_transaction(make, monkeypatch):
    """A failure after the interaction row is written rolls everything back."""
    from ladoga.interactions.services import interactions as module

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "participants_store", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        make(participants=[{"name": "A"}])
    assert counts() == before


def test_a_deal_subject_of_another_partner_than_the_participants_is_refused(
    make, contact, owner, interaction
):
    """Issue 17 #4: an interaction with the client's contact person cannot be about
    another client's deal (it would land on that client's timeline)."""
    from ladoga.deals.models import DealKind
    from ladoga.deals.services import deal_create
    from ladoga.partners.services import partner_create

    other = partner_create(name="Beton-Service", manager=owner)
    foreign = deal_create(
        name="Concrete", partner=other, kind=DealKind.objects.get(process_type="strict"), by=owner
    )
    with_contact = make(participants=[{"name": "Анна", "contact_id": contact.pk}])
    before = counts()

    with pytest.raises(ValidationFailed) as error:
        make(
            subject_type="deals.deal",
            subject_id=foreign.pk,
            participants=[{"name": "Анна", "contact_id": contact.pk}],
        )
    with pytest.raises(ValidationFailed) as changed:
        interaction_update(
            interaction=with_contact,
            expected_version=None,
            by=owner,
            subject_type="deals.deal",
            subject_id=foreign.pk,
        )

    for refused in (error, changed):
        [violation] = refused.value.violations
        assert violation.code == "interaction_subject_of_another_partner"
        assert violation.field == "subject.id"
        assert str(violation.message) == (
            "The subject concerns Beton-Service, not the partner of the participants."
        )
    assert counts() == before
    with_contact.refresh_from_db()
    assert (with_contact.subject_type, with_contact.version) == ("", 1)
