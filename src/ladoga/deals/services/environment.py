"""The deal's environment (D7): parties with a role in the deal."""

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.errors import Conflict, ValidationFailed, Violation
from ladoga.partners.models import ContactPerson, Partner

from ..errors import DealsCode as C
from ..models import Deal, DealParty, PartyRole
from ._common import CHANGE, clean, permission_check
from .lifecycle import locked_deal, open_check


@transaction.atomic
def deal_party_add(
    *,
    deal: Deal,
    role: str,
    by,
    partner: Partner | None = None,
    contact: ContactPerson | None = None,
    comment: str = "",
) -> DealParty:
    """Add a partner or a contact person to the deal's environment with a role
    (competitor, subcontractor, influencer, decision maker, other)."""
    permission_check(by, CHANGE)
    deal = locked_deal(deal, None)
    open_check(deal)
    violations: list[Violation] = []
    if (partner is None) == (contact is None):
        violations.append(
            Violation(
                C.PARTY_REQUIRED,
                _("Name either a partner or a contact person."),
                "partner_id",
            )
        )
    if role not in PartyRole.values:
        violations.append(
            Violation(C.PARTY_ROLE_UNKNOWN, _("Choose a role from the list."), "role")
        )
    if partner is not None and partner.pk == deal.partner_id:
        violations.append(
            Violation(
                C.PARTY_IS_CLIENT,
                _("The client is the deal's own partner, not a party of its environment."),
                "partner_id",
            )
        )
    if violations:
        raise ValidationFailed(violations)
    duplicate = DealParty.objects.filter(deal=deal, role=role)
    duplicate = (
        duplicate.filter(partner=partner)
        if partner is not None
        else duplicate.filter(contact=contact)
    )
    if duplicate.exists():
        raise Conflict.single(
            C.PARTY_DUPLICATE, _("This party already has this role in the deal."), "role"
        )
    return DealParty.objects.create(
        deal=deal,
        partner=partner,
        contact=contact,
        role=role,
        comment=clean(comment)[:500],
        created_by=by,
    )


@transaction.atomic
def deal_party_remove(*, party: DealParty, by) -> None:
    permission_check(by, CHANGE)
    deal = locked_deal(party.deal, None)
    open_check(deal)
    DealParty.objects.filter(pk=party.pk).delete()
