"""An interaction's subject and thread (I3): resolving the subject the user names through
the subject registry, the rule that a deal's or claim's subject is the participants'
partner, and the thread the interaction joins."""

from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed, Violation
from ladoga.partners.models import Partner

from .. import subjects
from ..errors import InteractionsCode
from ..models import Interaction
from .given_participants import CheckedParticipant


def subject_apply(fields: dict, *, subject_type: str, subject_id, by, itself=None) -> list:
    """Resolve the subject into the stored pair, `parent`, `thread` and `partner`."""
    fields["parent"] = None
    if not subject_type:
        fields["subject_type"], fields["subject_id"] = "", None
        return []
    try:
        record = subjects.subject_resolve(key=subject_type, pk=subject_id, user=by)
    except ValidationFailed as error:
        return error.violations
    if itself is not None and isinstance(record, Interaction) and _follows(record, itself):
        return [
            Violation(
                InteractionsCode.SUBJECT_IS_ITSELF,
                _("An interaction cannot be about itself or a later one of its thread."),
                "subject.id",
            )
        ]
    found = subjects.subject_type_of(subject_type)
    fields["subject_type"], fields["subject_id"] = found.key, record.pk
    if isinstance(record, Interaction):
        fields["parent"] = record
    partner_id = found.partner_of(record)
    if partner_id:
        fields["partner_id"] = partner_id
    return []


# Subjects whose partner is the interaction's by construction (the partner itself, the
# earlier interaction of a thread); a deal's or a claim's is checked against the people.
_OWN_PARTNER_SUBJECTS = ("partners.partner", "interactions.interaction")


def subject_partner_check(fields: dict, checked: list[CheckedParticipant]) -> list[Violation]:
    """A deal or a claim as the subject is one of the participants' partner: a contact
    person of one client never discusses another client's deal or claim."""
    partner_id = fields.get("partner_id")
    if not partner_id or fields.get("subject_type", "") in ("", *_OWN_PARTNER_SUBJECTS):
        return []
    if all(p.partner is None or p.partner.pk == partner_id for p in checked):
        return []
    name = Partner.objects.filter(pk=partner_id).values_list("name", flat=True).first()
    return [
        Violation(
            InteractionsCode.SUBJECT_OF_ANOTHER_PARTNER,
            _("The subject concerns %(partner)s, not the partner of the participants.")
            % {"partner": name},
            "subject.id",
        )
    ]


def _follows(record: Interaction, itself: Interaction) -> bool:
    """Whether `record` is `itself` or follows it (walking up the chain of subjects)."""
    current, seen = record.pk, set()
    while current is not None and current not in seen:
        if current == itself.pk:
            return True
        seen.add(current)
        current = Interaction.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return False


def thread_set(interaction: Interaction) -> None:
    parent = interaction.parent
    thread_id = (parent.thread_id or parent.pk) if parent is not None else interaction.pk
    if interaction.thread_id != thread_id:
        Interaction.objects.filter(pk=interaction.pk).update(thread_id=thread_id)
        interaction.thread_id = thread_id
