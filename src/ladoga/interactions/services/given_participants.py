"""The participants of an interaction as a command gives them (I2): `ParticipantData`,
the checks that resolve each one's links to records the user may see, and storing the
checked list on the interaction."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.core.errors import Violation
from ladoga.partners import keys
from ladoga.partners.models import ContactPerson, Partner

from ..errors import InteractionsCode
from ..models import Interaction, Participant, ParticipantRole
from ._common import clean, email_valid, phone_key_or_blank
from .participants import remembered


@dataclass(frozen=True)
class ParticipantData:
    """One participant as given to interaction_create/interaction_update."""

    name: str = ""
    phone: str = ""
    email: str = ""
    role: str = ParticipantRole.PARTICIPANT
    partner_id: int | None = None
    contact_id: int | None = None
    user_id: int | None = None

    @classmethod
    def of(cls, item: "ParticipantData | Mapping") -> "ParticipantData":
        if isinstance(item, ParticipantData):
            return item
        return cls(
            name=str(item.get("name") or ""),
            phone=str(item.get("phone") or ""),
            email=str(item.get("email") or ""),
            role=str(item.get("role") or ParticipantRole.PARTICIPANT),
            partner_id=item.get("partner_id"),
            contact_id=item.get("contact_id"),
            user_id=item.get("user_id"),
        )


@dataclass
class CheckedParticipant:
    data: ParticipantData
    name: str
    phone: str
    phone_key: str
    email: str
    email_key: str
    partner: Partner | None
    contact: ContactPerson | None
    user: User | None


def participants_check(items: Iterable, *, by) -> tuple[list[CheckedParticipant], list[Violation]]:
    checked, violations = [], []
    for index, raw in enumerate(items or ()):
        item = ParticipantData.of(raw)
        field = f"participants.{index}"
        name, phone, email = clean(item.name)[:255], clean(item.phone)[:64], clean(item.email)
        partner = contact = user = None
        if item.role not in ParticipantRole.values:
            violations.append(
                Violation(
                    InteractionsCode.PARTICIPANT_ROLE_UNKNOWN,
                    _("Unknown participant role %(role)s; choose from: %(known)s.")
                    % {"role": item.role, "known": ", ".join(ParticipantRole.values)},
                    f"{field}.role",
                )
            )
        if email and (len(email) > 254 or not email_valid(email)):
            violations.append(
                Violation(
                    InteractionsCode.EMAIL_INVALID,
                    _("%(value)s is not an e-mail address.") % {"value": email},
                    f"{field}.email",
                )
            )
        if item.contact_id is not None:
            contact = _visible(ContactPerson.objects.select_related("partner"), item.contact_id, by)
            if contact is None:
                violations.append(_link_missing(f"{field}.contact_id", _("contact person")))
        if item.partner_id is not None:
            partner = _visible(Partner.objects.all(), item.partner_id, by)
            if partner is None:
                violations.append(_link_missing(f"{field}.partner_id", _("partner")))
        if contact is not None and partner is None:
            partner = contact.partner
        if contact is not None and partner is not None and contact.partner_id != partner.pk:
            violations.append(
                Violation(
                    InteractionsCode.LINK_NOT_FOUND,
                    _("The contact person does not belong to that partner."),
                    f"{field}.contact_id",
                )
            )
        if item.user_id is not None:
            user = remembered(
                ("user", item.user_id),
                User.objects.filter(pk=item.user_id, is_active=True).first,
            )
            if user is None or user.is_portal:
                user = None
                violations.append(_link_missing(f"{field}.user_id", _("user")))
        if not (name or phone or email or partner or contact or user):
            violations.append(
                Violation(
                    InteractionsCode.PARTICIPANT_EMPTY,
                    _("A participant needs a name, a phone, an e-mail or a link."),
                    field,
                )
            )
        checked.append(
            CheckedParticipant(
                data=item,
                name=name,
                phone=phone,
                phone_key=phone_key_or_blank(phone),
                email=email,
                email_key=keys.email_key(email) if email else "",
                partner=partner,
                contact=contact,
                user=user,
            )
        )
    return checked, violations


def _visible(queryset, pk, by):
    """The record `by` may see, remembered during a mailbox fetch."""
    records = access.visible(queryset, by).filter(pk=pk)
    return remembered((queryset.model, pk, by.pk), records.first)


def _link_missing(field: str, what) -> Violation:
    return Violation(
        InteractionsCode.LINK_NOT_FOUND,
        _("There is no such %(what)s that you can see.") % {"what": what},
        field,
    )


def partner_from_participants(participants: list[CheckedParticipant]) -> int | None:
    for p in participants:
        if p.partner is not None:
            return p.partner.pk
    return None


def participants_store(
    interaction: Interaction, participants: list[CheckedParticipant], *, new: bool = False
) -> None:
    if not new:
        interaction.participants.all().delete()
    Participant.objects.bulk_create(
        [
            Participant(
                interaction=interaction,
                role=p.data.role,
                name=p.name,
                phone=p.phone,
                phone_key=p.phone_key,
                email=p.email,
                email_key=p.email_key,
                partner=p.partner,
                contact=p.contact,
                user=p.user,
                position=index,
            )
            for index, p in enumerate(participants)
        ]
    )


def current_participants(interaction: Interaction) -> list[CheckedParticipant]:
    return [
        CheckedParticipant(
            data=ParticipantData(role=p.role, name=p.name, phone=p.phone, email=p.email),
            name=p.name,
            phone=p.phone,
            phone_key=p.phone_key,
            email=p.email,
            email_key=p.email_key,
            partner=p.partner,
            contact=p.contact,
            user=p.user,
        )
        for p in interaction.participants.select_related("partner", "contact", "user")
    ]
