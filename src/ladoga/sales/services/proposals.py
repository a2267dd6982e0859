"""Commercial proposal commands (S6): create, change a draft, move along its statuses.

Status: draft → sent → accepted or rejected; a sent proposal may go back to draft to be
changed. Only a draft is changed (`proposal_not_draft`); accepted and rejected are final."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.dates import today
from ladoga.core.errors import Conflict, ValidationFailed, Violation
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
    unknown_changes_check,
)
from ._documents import head_check, lines_build, lines_of, lines_store

# Where a proposal's status may go from.
PROPOSAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProposalStatus.DRAFT: (ProposalStatus.SENT,),
    ProposalStatus.SENT: (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.DRAFT),
    ProposalStatus.ACCEPTED: (),
    ProposalStatus.REJECTED: (),
}


def _valid_until_check(valid_until: datetime.date | None, date: datetime.date) -> list[Violation]:
    if valid_until is not None and valid_until < date:
        return [
            Violation(C.DATE_INVALID, _("A proposal cannot expire before its date."), "valid_until")
        ]
    return []


def proposal_edit_check(proposal: Proposal) -> None:
    """Refuse to change anything but the status of a proposal that is not a draft (409
    `proposal_not_draft`). The pages ask it before showing the form; proposal_update asks
    it again under the row lock."""
    if proposal.status != ProposalStatus.DRAFT:
        hint = (
            _("Move it back to draft first.")
            if ProposalStatus.DRAFT in PROPOSAL_TRANSITIONS[proposal.status]
            else _("Make a new proposal instead.")
        )
        raise Conflict.single(
            C.PROPOSAL_NOT_DRAFT,
            _("Proposal %(number)s is %(status)s: only a draft proposal is changed.")
            % {"number": proposal.number, "status": proposal.get_status_display().lower()}
            + " "
            + hint,
        )


def _transition_check(proposal: Proposal, status: str) -> None:
    if status not in ProposalStatus.values:
        raise ValidationFailed.single(C.STATUS_UNKNOWN, _("Unknown status."), "status")
    if status not in PROPOSAL_TRANSITIONS[proposal.status]:
        raise ValidationFailed.single(
            C.PROPOSAL_TRANSITION_INVALID,
            _("A proposal cannot go from %(from)s to %(to)s.")
            % {
                "from": proposal.get_status_display().lower(),
                "to": ProposalStatus(status).label.lower(),
            },
            "status",
        )


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
    violations += _valid_until_check(valid_until, date)
    violations += deal_id_check(
        deal_id, by=by, partner_id=partner.pk, code=C.PROPOSAL_DEAL_OF_ANOTHER_PARTNER
    )
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
    """Change a draft proposal (its lines are replaced when given) and/or move it to
    `status` (along PROPOSAL_TRANSITIONS). A proposal that is not a draft only changes its
    status: anything else is refused with `proposal_not_draft` and nothing is written."""
    permission_check(by, DOCUMENTS)
    unknown_changes_check(changes, PROPOSAL_CHANGEABLE)
    proposal = locked_checked(Proposal, proposal, expected_version)
    status = changes.pop("status", None)
    if status == proposal.status:
        status = None  # already there: nothing to move
    if changes:
        proposal_edit_check(proposal)
    if status is not None:
        _transition_check(proposal, status)
    lines = list(changes.pop("lines")) if "lines" in changes else None
    date = changes.get("date", proposal.date)
    violations = (lines_check(lines) if lines is not None else []) + head_check(
        partner=proposal.partner,
        counterparty=changes.get("counterparty", proposal.counterparty),
        tax_regime=changes.get("tax_regime"),
        date=date,
    )
    violations += _valid_until_check(changes.get("valid_until", proposal.valid_until), date)
    if changes.get("deal_id") not in (None, proposal.deal_id):
        violations += deal_id_check(
            changes["deal_id"],
            by=by,
            partner_id=proposal.partner_id,
            code=C.PROPOSAL_DEAL_OF_ANOTHER_PARTNER,
        )
    if violations:
        raise ValidationFailed(violations)
    for key, value in changes.items():
        setattr(proposal, key, value)
    if status is not None:
        proposal.status = status
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


@transaction.atomic
def proposal_transition(
    *, proposal: Proposal, status: str, expected_version: int | None = None, by=None
) -> Proposal:
    """Move a proposal to `status`: draft → sent → accepted or rejected, or a sent one back
    to draft. Anything else is `proposal_transition_invalid` (422)."""
    permission_check(by, DOCUMENTS)
    proposal = locked_checked(Proposal, proposal, expected_version)
    _transition_check(proposal, status)
    proposal.status = status
    stamp(proposal, by).save()
    return proposal
