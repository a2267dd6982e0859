"""Commands on deals (D2, D3, D8, D10): create, change, move through stages, win, lose and
reopen. Each is one transaction that locks the deal first, checks every rule, writes the
history row and raises a DomainError naming every broken rule — then nothing is written."""

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.core.errors import Conflict, ValidationFailed, Violation
from ladoga.core.locking import locked_rows
from ladoga.core.numbering import number_next
from ladoga.interactions.models import Interaction
from ladoga.partners.models import ContactPerson, Partner, PartnerStatus
from ladoga.sales.models import Agreement

from .. import funnel, guards
from ..errors import DealClosed, DealForbidden, DealStageBlocked
from ..errors import DealsCode as C
from ..facts import facts_of
from ..models import (
    Deal,
    DealAction,
    DealKind,
    DealSource,
    DealStatus,
    LossReason,
    Stage,
    StageOutcome,
    StageReach,
    StageTransition,
)
from ._common import clean, is_head, permission_check, probability_check, staff_check
from .stage_tasks import tasks_create_for_stage

ADD, CHANGE = "deals.add_deal", "deals.change_deal"
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


# --- checks shared by create and update -----------------------------------------------------


def _amount_check(amount) -> tuple[Decimal | None, list[Violation]]:
    if amount is None or amount == "":
        return None, []
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        value = None
    if (
        value is None
        or not value.is_finite()
        or value < 0
        or value >= Decimal("1e16")
        or value != value.quantize(Decimal("0.01"))
    ):
        return None, [
            Violation(
                C.AMOUNT_INVALID,
                _("The amount is a sum of money, not negative, with at most two decimals."),
                "amount",
            )
        ]
    return value, []


def _currency_check(currency: str) -> list[Violation]:
    if not CURRENCY_RE.match(currency or ""):
        return [
            Violation(
                C.CURRENCY_INVALID, _("A currency is a three-letter code like RUB."), "currency"
            )
        ]
    return []


def _contacts_check(contacts: Sequence[ContactPerson], partner: Partner) -> list[Violation]:
    if any(c.partner_id != partner.pk for c in contacts):
        return [
            Violation(
                C.CONTACT_INVALID,
                _("The deal's contact persons are the client's own."),
                "contact_ids",
            )
        ]
    return []


def _agreement_check(agreement: Agreement | None, partner: Partner) -> list[Violation]:
    if agreement is None:
        return []
    if agreement.kind == "individual" and agreement.partner_id != partner.pk:
        return [
            Violation(
                C.AGREEMENT_INVALID,
                _("This individual agreement is another partner's."),
                "agreement_id",
            )
        ]
    return []


def _source_check(source: str) -> list[Violation]:
    if source not in DealSource.values:
        return [Violation(C.SOURCE_UNKNOWN, _("Choose a source from the list."), "source")]
    return []


def _partner_check(partner: Partner) -> list[Violation]:
    if partner.status == PartnerStatus.ARCHIVED or not (
        partner.is_client or partner.is_potential_client
    ):
        return [
            Violation(
                C.PARTNER_INVALID,
                _("A deal is made with an active client or potential client."),
                "partner_id",
            )
        ]
    return []


def _locked_deal(deal: Deal, expected_version: int | None) -> Deal:
    """The deal re-read under a row lock (see _common.locked), with its kind and stage read
    after the lock (core.locking: a stage joined while waiting comes back empty)."""
    query = Deal.objects.select_related(
        "kind", "stage", "manager__department__head"
    ).prefetch_related("kind__stages")
    fresh = locked_rows(query.filter(pk=deal.pk)).get()
    if expected_version is not None:
        from ladoga.core.versioning import version_check

        version_check(record=fresh, expected=expected_version)
    return fresh


def _open_check(deal: Deal) -> None:
    if deal.is_closed:
        raise DealClosed.single(
            C.CLOSED,
            _("The deal is %(status)s: a head reopens it before it can change.")
            % {"status": deal.get_status_display().lower()},
            "status",
        )


def _probability_recompute_later(kind_id: int) -> None:
    """Closing or reopening changes the finished sample (D9): recompute in the background
    once the transaction has committed."""
    from ..tasks import probability_recompute

    transaction.on_commit(lambda: probability_recompute(kind_id))


# --- history ---------------------------------------------------------------------------------


def _record(
    deal: Deal,
    *,
    action: str,
    to_stage: Stage | None,
    to_status: str,
    by,
    at: datetime.datetime,
    loss_reason: LossReason | None = None,
    comment: str = "",
) -> None:
    StageTransition.objects.create(
        deal=deal,
        action=action,
        from_stage=deal.stage if action != DealAction.CREATED else None,
        to_stage=to_stage,
        from_status=deal.status if action != DealAction.CREATED else "",
        to_status=to_status,
        by=by,
        at=at,
        loss_reason=loss_reason,
        comment=clean(comment)[:500],
    )
    if to_stage is not None:
        if action == DealAction.CREATED:
            funnel.opened(deal, to_stage.pk)
        # The deal is locked, so no other transaction adds its reach meanwhile.
        if not StageReach.objects.filter(deal=deal, stage=to_stage).exists():
            StageReach.objects.create(deal=deal, stage=to_stage, first_at=at)
            funnel.reached(deal, to_stage.pk)


# --- create and change ----------------------------------------------------------------------


@transaction.atomic
def deal_create(
    *,
    name: str,
    partner: Partner,
    kind: DealKind,
    by: User | None,
    manager: User | None = None,
    stage: Stage | None = None,
    contacts: Sequence[ContactPerson] = (),
    amount=None,
    currency: str = "RUB",
    expected_close_date: datetime.date | None = None,
    probability_override: int | None = None,
    agreement: Agreement | None = None,
    source: str = "",
    interaction: Interaction | None = None,
    description: str = "",
    opened_on: datetime.date | None = None,
) -> Deal:
    """Open a deal with a client at the first stage of its kind (any open stage of a
    manual kind), numbered DL-<year>-<n>; the stage's tasks are created (D4)."""
    permission_check(by, ADD)
    name = clean(name)[:255]
    manager = manager or by
    contacts = list(contacts)
    if interaction is not None and not source:
        source = DealSource.INTERACTION
    violations: list[Violation] = []
    if not name:
        violations.append(Violation(C.NAME_REQUIRED, _("Give the deal a name."), "name"))
    violations += _partner_check(partner)
    violations += staff_check(manager, C.MANAGER_INVALID, "manager_id")
    value, amount_violations = _amount_check(amount)
    violations += amount_violations + _currency_check(currency)
    violations += probability_check(probability_override)
    violations += _contacts_check(contacts, partner) + _agreement_check(agreement, partner)
    violations += _source_check(source)
    if not kind.is_active:
        violations.append(
            Violation(C.KIND_INACTIVE, _("This deal kind is no longer in use."), "kind_id")
        )
    if kind.has_stages:
        open_stages = [s for s in kind.stages.all() if s.is_open]
        if stage is None:
            stage = open_stages[0] if open_stages else None
        if stage is None or stage.kind_id != kind.pk:
            violations.append(
                Violation(C.STAGE_OTHER_KIND, _("The stage is not one of the kind's."), "stage_id")
            )
        elif not stage.is_open:
            violations.append(
                Violation(
                    C.STAGE_IS_OUTCOME,
                    _("A deal starts at a stage in progress; win or lose it afterwards."),
                    "stage_id",
                )
            )
        elif kind.is_strict and stage.pk != open_stages[0].pk:
            violations.append(
                Violation(
                    C.STAGE_SKIPPED,
                    _("A deal of a strict kind starts at its first stage, %(stage)s.")
                    % {"stage": open_stages[0].name},
                    "stage_id",
                )
            )
    elif stage is not None:
        violations.append(
            Violation(C.NO_STAGES, _("A non-process deal kind has no stages."), "stage_id")
        )
    if violations:
        raise ValidationFailed(violations)
    opened_on = opened_on or timezone.localdate()
    now = timezone.now()
    deal = Deal.objects.create(
        number=number_next(kind="DL", on=opened_on),
        name=name,
        description=description or "",
        partner=partner,
        manager=manager,
        kind=kind,
        stage=stage,
        amount=value,
        currency=currency,
        expected_close_date=expected_close_date,
        probability_override=probability_override,
        agreement=agreement,
        source=source,
        interaction=interaction,
        opened_on=opened_on,
        stage_entered_at=now,
        created_by=by,
    )
    if contacts:
        deal.contacts.set(contacts)
    _record(
        deal,
        action=DealAction.CREATED,
        to_stage=stage,
        to_status=DealStatus.IN_PROGRESS,
        by=by,
        at=now,
    )
    if stage is not None:
        tasks_create_for_stage(deal=deal, stage=stage)
    return deal


DEAL_CHANGEABLE = {
    "name",
    "description",
    "contacts",
    "manager",
    "amount",
    "currency",
    "expected_close_date",
    "probability_override",
    "agreement",
    "source",
}


@transaction.atomic
def deal_update(*, deal: Deal, expected_version: int | None, by: User | None, **changes) -> Deal:
    """Change a deal in progress. `probability_override=None` clears the manual
    probability. The kind, stage and status change only through move, win, lose and
    reopen; a closed deal does not change at all (409)."""
    permission_check(by, CHANGE)
    unknown = set(changes) - DEAL_CHANGEABLE
    if unknown:
        raise ValidationFailed(
            [
                Violation(
                    C.FIELD_NOT_CHANGEABLE,
                    _("%(field)s is not changed this way.") % {"field": name},
                    name,
                )
                for name in sorted(unknown)
            ]
        )
    deal = _locked_deal(deal, expected_version)
    _open_check(deal)
    violations: list[Violation] = []
    if "name" in changes:
        changes["name"] = clean(changes["name"])[:255]
        if not changes["name"]:
            violations.append(Violation(C.NAME_REQUIRED, _("Give the deal a name."), "name"))
    if "manager" in changes:
        violations += staff_check(changes["manager"], C.MANAGER_INVALID, "manager_id")
    if "amount" in changes:
        changes["amount"], amount_violations = _amount_check(changes["amount"])
        violations += amount_violations
    if "currency" in changes:
        violations += _currency_check(changes["currency"])
    if "probability_override" in changes:
        violations += probability_check(changes["probability_override"])
    if "contacts" in changes:
        changes["contacts"] = list(changes["contacts"])
        violations += _contacts_check(changes["contacts"], deal.partner)
    if "agreement" in changes:
        violations += _agreement_check(changes["agreement"], deal.partner)
    if "source" in changes:
        changes["source"] = changes["source"] or ""
        violations += _source_check(changes["source"])
    if violations:
        raise ValidationFailed(violations)
    contacts = changes.pop("contacts", None)
    keys_change = any(
        name in changes and changes[name] != getattr(deal, name)
        for name in ("amount", "currency", "manager")
    )
    if keys_change:
        funnel.withdraw(deal)
    for name, value in changes.items():
        setattr(deal, name, value if name != "description" else value or "")
    deal.save()
    if keys_change:
        funnel.contribute(deal)
    if contacts is not None:
        deal.contacts.set(contacts)
    return deal


# --- moving through the stages ----------------------------------------------------------------


def entry_violations(deal: Deal, target: Stage) -> list[Violation]:
    """Every reason `deal` may not enter `target` now: a skipped stage (strict kinds), the
    target's guards (strict kinds) and the current stage's open required tasks when it
    asks for them done before leaving (any kind with stages)."""
    kind = deal.kind
    violations: list[Violation] = []
    codes: list[str] = []
    current = deal.stage
    if kind.is_strict:
        open_stages = [s for s in kind.stages.all() if s.is_open]
        ids = [s.pk for s in open_stages]
        here = ids.index(current.pk) if current is not None and current.pk in ids else -1
        there = len(ids) if target.outcome == StageOutcome.WON else ids.index(target.pk)
        if there > here + 1:
            following = open_stages[here + 1] if here + 1 < len(open_stages) else None
            violations.append(
                Violation(
                    C.STAGE_SKIPPED,
                    _("Stages are passed in order: the next one is %(stage)s.")
                    % {"stage": following.name if following else target.name},
                    "stage",
                )
            )
        codes = list(target.guards)
    if current is not None and current.requires_tasks_done and guards.TASKS_OPEN not in codes:
        codes.append(guards.TASKS_OPEN)
    if codes:
        facts = facts_of(deal, guards.needed_facts(codes))
        violations += guards.unmet(facts, codes)
    return violations


def _enter(deal: Deal, stage: Stage | None, *, action: str, by, comment: str = "", **fields):
    now = timezone.now()
    to_status = fields.get("status", deal.status)
    _record(
        deal,
        action=action,
        to_stage=stage,
        to_status=to_status,
        by=by,
        at=now,
        loss_reason=fields.get("loss_reason"),
        comment=comment,
    )
    deal.stage = stage
    deal.stage_entered_at = now
    for name, value in fields.items():
        setattr(deal, name, value)
    if to_status in (DealStatus.WON, DealStatus.LOST):
        deal.closed_at = now
    # The step is recorded as a StageTransition row (D8), the deal's own history of moves;
    # a field-by-field snapshot of the whole deal on every move would only repeat it.
    deal.skip_history_when_saving = True
    try:
        deal.save()
    finally:
        del deal.skip_history_when_saving
    if stage is not None and action in (DealAction.MOVED, DealAction.WON, DealAction.LOST):
        tasks_create_for_stage(deal=deal, stage=stage)
    return deal


@transaction.atomic
def deal_move(
    *,
    deal: Deal,
    stage: Stage,
    by: User | None,
    expected_version: int | None = None,
    comment: str = "",
) -> Deal:
    """Move a deal to `stage` of its own kind, checking the stage's guards.

    Creates the stage's tasks and records the transition. Raises DealStageBlocked listing
    every unmet guard (and a skipped stage); nothing is written then. Moving to the won
    stage wins the deal; the lost stage needs a reason, so it is refused here (use
    `deal_lose`)."""
    permission_check(by, CHANGE)
    deal = _locked_deal(deal, expected_version)
    _open_check(deal)
    if stage.kind_id != deal.kind_id:
        raise ValidationFailed.single(
            C.STAGE_OTHER_KIND,
            _("The stage %(stage)s is not a stage of the deal's kind.") % {"stage": stage.name},
            "stage",
        )
    if stage.outcome == StageOutcome.WON:
        return _win(deal, by=by, comment=comment)
    if stage.outcome == StageOutcome.LOST:
        raise ValidationFailed.single(
            C.LOSS_REASON_REQUIRED,
            _("A lost deal needs a reason: close it with “Lost” and choose one."),
            "reason",
        )
    if stage.pk == deal.stage_id:
        raise Conflict.single(
            C.STAGE_SAME,
            _("The deal is already at the stage %(stage)s.") % {"stage": stage.name},
            "stage",
        )
    violations = entry_violations(deal, stage)
    if violations:
        raise DealStageBlocked(violations)
    return _enter(deal, stage, action=DealAction.MOVED, by=by, comment=comment)


def _win(deal: Deal, *, by, comment: str) -> Deal:
    won = None
    if deal.kind.has_stages:
        won = next(s for s in deal.kind.stages.all() if s.outcome == StageOutcome.WON)
        violations = entry_violations(deal, won)
        if violations:
            raise DealStageBlocked(violations)
    _enter(deal, won, action=DealAction.WON, by=by, comment=comment, status=DealStatus.WON)
    _probability_recompute_later(deal.kind_id)
    return deal


@transaction.atomic
def deal_win(
    *, deal: Deal, by: User | None, expected_version: int | None = None, comment: str = ""
) -> Deal:
    """Close a deal as won (D10). A strict kind's deal must stand at its last stage and
    meet the won stage's guards (e.g. a posted customer order)."""
    permission_check(by, CHANGE)
    deal = _locked_deal(deal, expected_version)
    _open_check(deal)
    return _win(deal, by=by, comment=comment)


@transaction.atomic
def deal_lose(
    *,
    deal: Deal,
    reason: LossReason | None,
    by: User | None,
    competitor: Partner | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Deal:
    """Close a deal as lost (D10): a reason from the catalogue is required, and the
    competitor that won may be named. The funnel counts the loss at the stage the deal
    was in."""
    permission_check(by, CHANGE)
    deal = _locked_deal(deal, expected_version)
    _open_check(deal)
    violations: list[Violation] = []
    if reason is None:
        violations.append(
            Violation(C.LOSS_REASON_REQUIRED, _("Choose why the deal was lost."), "reason")
        )
    elif not reason.is_active:
        violations.append(
            Violation(C.LOSS_REASON_UNKNOWN, _("This reason is no longer in use."), "reason")
        )
    if competitor is not None and (
        competitor.pk == deal.partner_id or not competitor.is_competitor
    ):
        violations.append(
            Violation(
                C.COMPETITOR_INVALID,
                _("The winner named must be a partner marked as a competitor."),
                "competitor_id",
            )
        )
    if violations:
        raise ValidationFailed(violations)
    lost = None
    if deal.kind.has_stages:
        lost = next(s for s in deal.kind.stages.all() if s.outcome == StageOutcome.LOST)
    _enter(
        deal,
        lost,
        action=DealAction.LOST,
        by=by,
        comment=comment,
        status=DealStatus.LOST,
        loss_reason=reason,
        competitor=competitor,
        lost_at_stage=deal.stage if deal.stage is not None and deal.stage.is_open else None,
    )
    funnel.lost(deal, 1)
    _probability_recompute_later(deal.kind_id)
    return deal


@transaction.atomic
def deal_reopen(
    *, deal: Deal, by: User, expected_version: int | None = None, comment: str = ""
) -> Deal:
    """Reopen a won or lost deal (heads and administrators only): it returns to the
    stage it was closed from, and the loss reason and competitor are cleared (they stay
    in the history)."""
    if not is_head(by):
        raise DealForbidden.single(
            C.REOPEN_FORBIDDEN, _("Only a head of sales reopens a closed deal."), "status"
        )
    deal = _locked_deal(deal, expected_version)
    if not deal.is_closed:
        raise Conflict.single(C.NOT_CLOSED, _("The deal is not closed."), "status")
    back_to = None
    if deal.kind.has_stages:
        back_to = deal.lost_at_stage
        if back_to is None:
            closing = (
                deal.transitions.filter(action__in=[DealAction.WON, DealAction.LOST])
                .select_related("from_stage")
                .order_by("-at", "-id")
                .first()
            )
            back_to = closing.from_stage if closing else None
        if back_to is None or not back_to.is_open:
            back_to = [s for s in deal.kind.stages.all() if s.is_open][-1]
    if deal.status == DealStatus.LOST:
        funnel.lost(deal, -1)
    _enter(
        deal,
        back_to,
        action=DealAction.REOPENED,
        by=by,
        comment=comment,
        status=DealStatus.IN_PROGRESS,
        closed_at=None,
        loss_reason=None,
        competitor=None,
        lost_at_stage=None,
    )
    _probability_recompute_later(deal.kind_id)
    return deal
