"""Commercial proposal commands (S6)."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed, Violation
from ladoga.core.numbering import number_next
from ladoga.partners.models import Counterparty, Partner

from ..deal_links import deal_id_check
from ..errors import SalesCode as C
from ..models import Agreement, Proposal, ProposalLine, ProposalStatus
from ._common import (
    DOCUMENTS,
    LineIn,
    lines_check,
    locked_checked,
    permission_check,
    stamp,
    today,
    unknown_changes_check,
)
from ._documents import head_check, lines_build, lines_of, lines_store


@transaction.atomic
def proposal_create(
    *,
    partner: Partner,
    lines: Sequence[LineIn],
    agreement: Agreement | None = None,
    counterparty: Counterparty | None = None,
    date: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    deal_id: int | None = None,
    tax_regime: str | None = None,
    comment: str = "",
    manager=None,
    by=None,
) -> Proposal:
    """Create a proposal; lines without a price take the agreement's price on its date.
    `deal_id` links it to the deal it was made for."""
    permission_check(by, DOCUMENTS)
    date = date or today()
    lines = list(lines)
    violations = lines_check(lines) + head_check(
        partner=partner, counterparty=counterparty, tax_regime=tax_regime, date=date
    )
    if valid_until is not None and valid_until < date:
        violations.append(
            Violation(C.DATE_INVALID, _("A proposal cannot expire before its date."), "valid_until")
        )
    violations += deal_id_check(deal_id, by=by)
    if violations:
        raise ValidationFailed(violations)
    proposal = Proposal(
        number=number_next(kind="CP", on=date),
        date=date,
        valid_until=valid_until,
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        deal_id=deal_id,
        tax_regime=tax_regime or (agreement.tax_regime if agreement else "vat_included"),
        currency=agreement.price_type.currency if agreement else "RUB",
        comment=comment or "",
        manager=manager or by,
        created_by=by,
    )
    rows, (proposal.amount, proposal.vat_total, proposal.total) = lines_build(
        lines=lines,
        agreement=agreement,
        on=date,
        partner_id=partner.pk,
        tax_regime=proposal.tax_regime,
    )
    stamp(proposal, by).save()
    lines_store(line_model=ProposalLine, parent_field="proposal", parent=proposal, rows=rows, by=by)
    return proposal


PROPOSAL_CHANGEABLE = {
    "status",
    "counterparty",
    "agreement",
    "date",
    "valid_until",
    "lines",
    "tax_regime",
    "deal_id",
    "comment",
    "manager",
}


@transaction.atomic
def proposal_update(
    *, proposal: Proposal, expected_version: int | None, by=None, **changes
) -> Proposal:
    """Change a proposal (its lines are replaced when given) or its status."""
    permission_check(by, DOCUMENTS)
    unknown_changes_check(changes, PROPOSAL_CHANGEABLE)
    proposal = locked_checked(Proposal, proposal, expected_version)
    lines = list(changes.pop("lines")) if "lines" in changes else None
    violations = (lines_check(lines) if lines is not None else []) + head_check(
        partner=proposal.partner,
        counterparty=changes.get("counterparty", proposal.counterparty),
        tax_regime=changes.get("tax_regime"),
        date=changes.get("date", proposal.date),
    )
    if "status" in changes and changes["status"] not in ProposalStatus.values:
        violations.append(Violation(C.STATUS_UNKNOWN, _("Unknown status."), "status"))
    if changes.get("deal_id") not in (None, proposal.deal_id):
        violations += deal_id_check(changes["deal_id"], by=by)
    if violations:
        raise ValidationFailed(violations)
    for key, value in changes.items():
        setattr(proposal, key, value)
    rows = None
    if lines is not None or {"tax_regime", "date", "agreement"} & set(changes):
        rows, (proposal.amount, proposal.vat_total, proposal.total) = lines_build(
            lines=lines if lines is not None else lines_of(proposal),
            agreement=proposal.agreement,
            on=proposal.date,
            partner_id=proposal.partner_id,
            tax_regime=proposal.tax_regime,
        )
    stamp(proposal, by).save()
    if rows is not None:
        lines_store(
            line_model=ProposalLine, parent_field="proposal", parent=proposal, rows=rows, by=by
        )
    return proposal
