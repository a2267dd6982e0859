"""Participants (I2): suggestions by normalised phone and e-mail, linking, and a new
contact person from an unknown participant.

Matching reuses the partners domain: its normalisation (`partners.keys`: E.164 phones,
lower-case e-mails) and its duplicate machinery (`partners.duplicates.duplicates_find`)
over the indexed ContactInfo (kind, key) column; nothing here re-implements either.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.accounts.roles import STAFF_ROLES
from ladoga.core.errors import ValidationFailed
from ladoga.partners import services as partner_services
from ladoga.partners.duplicates import duplicates_find
from ladoga.partners.models import ContactInfo, ContactInfoKind, ContactPerson, Partner

from ..errors import InteractionsCode
from ..models import Interaction, Participant


@dataclass(frozen=True)
class Suggestion:
    """A record an unlinked participant may be: why, and what linking would set."""

    reason: str
    partner: Partner | None = None
    contact: ContactPerson | None = None
    user: User | None = None

    @property
    def label(self) -> str:
        if self.contact is not None:
            return f"{self.contact} ({self.contact.partner})"
        return str(self.user or self.partner)


def _contact_info_matches(*, email_key: str, phone_key: str, user) -> list[ContactInfo]:
    q = Q()
    if email_key:
        q |= Q(kind=ContactInfoKind.EMAIL, key=email_key)
    if phone_key:
        q |= Q(kind=ContactInfoKind.PHONE, key=phone_key)
    if not q:
        return []
    return list(
        access.visible(ContactInfo, user)
        .filter(q, partner__status="active")
        .select_related("partner", "contact")
        .order_by("id")[:20]
    )


def address_suggestions(*, email_key: str = "", phone_key: str = "", user) -> list[Suggestion]:
    """Contact persons, partners and colleagues with this e-mail or phone, that `user` may
    see; contact persons first (the most precise link)."""
    found: list[Suggestion] = []
    seen: set[tuple] = set()

    def add(suggestion: Suggestion) -> None:
        key = (
            suggestion.partner and suggestion.partner.pk,
            suggestion.contact and suggestion.contact.pk,
            suggestion.user and suggestion.user.pk,
        )
        if key not in seen:
            seen.add(key)
            found.append(suggestion)

    if email_key:
        for colleague in User.objects.filter(
            email__iexact=email_key, is_active=True, role__in=STAFF_ROLES
        ):
            add(Suggestion(reason=_("a colleague with this e-mail"), user=colleague))
    for info in _contact_info_matches(email_key=email_key, phone_key=phone_key, user=user):
        reason = (
            _("same e-mail %(value)s")
            if info.kind == ContactInfoKind.EMAIL
            else _("same phone %(value)s")
        ) % {"value": info.value}
        if info.contact_id:
            add(Suggestion(reason=reason, partner=info.partner, contact=info.contact))
    visible_partners = access.visible(Partner, user)
    if email_key or phone_key:
        candidates = duplicates_find(
            phone=[phone_key] if phone_key else [], email=[email_key] if email_key else []
        )
        ids = set(
            visible_partners.filter(pk__in=[c.partner.pk for c in candidates]).values_list(
                "pk", flat=True
            )
        )
        for candidate in candidates:
            if candidate.partner.pk in ids:
                add(
                    Suggestion(
                        reason=", ".join(r.message for r in candidate.reasons),
                        partner=candidate.partner,
                    )
                )
    return found


_remembered: ContextVar[dict | None] = ContextVar("address_matches_remembered", default=None)


@contextmanager
def address_matches_remembered():
    """Within the block, `address_match` answers an address it has answered before from
    memory, and so do the lookups of `remembered` (the records a participant links to, the
    colleague an address belongs to). A mailbox import meets the same few senders thousands
    of times, and nothing it does changes whom an address belongs to; the memory ends with
    the block."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def remembered(key: tuple, compute):
    """`compute()`, answered from memory inside `address_matches_remembered` (by `key`)."""
    memory = _remembered.get()
    if memory is None:
        return compute()
    if key not in memory:
        memory[key] = compute()
    return memory[key]


def address_match(*, email_key: str = "", phone_key: str = "", user) -> Suggestion | None:
    """The one record an address belongs to, when it is not ambiguous (for registering
    incoming mail); None when nothing or more than one thing matches."""
    return remembered(
        ("address", email_key, phone_key, getattr(user, "pk", None)),
        lambda: _address_match(email_key=email_key, phone_key=phone_key, user=user),
    )


def _address_match(*, email_key: str, phone_key: str, user) -> Suggestion | None:
    suggestions = address_suggestions(email_key=email_key, phone_key=phone_key, user=user)
    users = [s for s in suggestions if s.user is not None]
    if len(users) == 1:
        return users[0]
    contacts = [s for s in suggestions if s.contact is not None]
    if len(contacts) == 1:
        return contacts[0]
    if not contacts and len(suggestions) == 1:
        return suggestions[0]
    return None


def participant_suggestions(*, participant: Participant, user) -> list[Suggestion]:
    if not (participant.email_key or participant.phone_key):
        return []
    return address_suggestions(
        email_key=participant.email_key, phone_key=participant.phone_key, user=user
    )


def _link_targets(*, by, partner_id=None, contact_id=None, user_id=None):
    partner = contact = user = None
    if contact_id is not None:
        contact = access.visible(ContactPerson, by).filter(pk=contact_id).first()
        if contact is None:
            raise ValidationFailed.single(
                InteractionsCode.LINK_NOT_FOUND,
                _("There is no such contact person that you can see."),
                "contact_id",
            )
        partner = contact.partner
    if partner_id is not None and contact is None:
        partner = access.visible(Partner, by).filter(pk=partner_id).first()
        if partner is None:
            raise ValidationFailed.single(
                InteractionsCode.LINK_NOT_FOUND,
                _("There is no such partner that you can see."),
                "partner_id",
            )
    if user_id is not None:
        user = User.objects.filter(pk=user_id, is_active=True, role__in=STAFF_ROLES).first()
        if user is None:
            raise ValidationFailed.single(
                InteractionsCode.LINK_NOT_FOUND, _("There is no such user."), "user_id"
            )
    if partner is None and user is None:
        raise ValidationFailed.single(
            InteractionsCode.LINK_NOT_FOUND,
            _("Choose a partner, a contact person or a user to link."),
            "partner_id",
        )
    return partner, contact, user


@transaction.atomic
def participant_link(
    *,
    participant: Participant,
    by,
    partner_id: int | None = None,
    contact_id: int | None = None,
    user_id: int | None = None,
    same_address: bool = False,
) -> int:
    """Link a participant to a partner, a contact person or a user (I2). With
    `same_address`, every other unlinked participant with the same e-mail or phone, in
    the interactions `by` can see, is linked too. Interactions without a partner take the
    linked one. Returns how many participants were linked."""
    partner, contact, user = _link_targets(
        by=by, partner_id=partner_id, contact_id=contact_id, user_id=user_id
    )
    targets = Participant.objects.filter(pk=participant.pk)
    if same_address:
        same = Q(pk=participant.pk)
        if participant.email_key:
            same |= Q(email_key=participant.email_key)
        if participant.phone_key:
            same |= Q(phone_key=participant.phone_key)
        visible = access.visible(Interaction, by).values("pk")
        targets = Participant.objects.filter(same).filter(
            Q(pk=participant.pk)
            | Q(
                interaction__in=visible,
                partner__isnull=True,
                contact__isnull=True,
                user__isnull=True,
            )
        )
    ids = sorted(targets.values_list("pk", flat=True))
    interaction_ids = sorted(
        set(Participant.objects.filter(pk__in=ids).values_list("interaction_id", flat=True))
    )
    # Lock the interactions in primary-key order, then change them: they changed (ETags).
    list(Interaction.objects.select_for_update().filter(pk__in=interaction_ids).order_by("pk"))
    linked = Participant.objects.filter(pk__in=ids).update(
        partner=partner, contact=contact, user=user
    )
    Interaction.objects.filter(pk__in=interaction_ids).update(version=F("version") + 1)
    if partner is not None:
        Interaction.objects.filter(pk__in=interaction_ids, partner__isnull=True).update(
            partner=partner
        )
    return linked


def _name_split(name: str) -> tuple[str, str]:
    """ "Иванов Иван" → (Иванов, Иван); "Anna Smith" → (Smith, Anna)."""
    words = name.split()
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""
    cyrillic = any("а" <= ch.lower() <= "я" or ch.lower() == "ё" for ch in name)
    if cyrillic:
        return words[0], " ".join(words[1:])
    return words[-1], " ".join(words[:-1])


@transaction.atomic
def contact_from_participant(
    *,
    participant: Participant,
    partner: Partner,
    by,
    last_name: str = "",
    first_name: str = "",
    position: str = "",
) -> ContactPerson:
    """ "Create based on" (I3): a new contact person of `partner` from an unknown
    participant, with its phone and e-mail, and the participant linked to it."""
    if not (last_name or first_name):
        last_name, first_name = _name_split(participant.name or participant.email.split("@")[0])
    contact = partner_services.contact_create(
        partner=partner, last_name=last_name, first_name=first_name, position=position, by=by
    )
    if participant.email:
        partner_services.contact_info_add(
            owner=contact, kind=ContactInfoKind.EMAIL, value=participant.email, by=by
        )
    if participant.phone_key:
        partner_services.contact_info_add(
            owner=contact, kind=ContactInfoKind.PHONE, value=participant.phone, by=by
        )
    participant_link(participant=participant, by=by, contact_id=contact.pk)
    return contact
