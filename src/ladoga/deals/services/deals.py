"""Opening and changing a deal (D2, D3): the field checks shared by create and update, and
the two commands. Each is one transaction that checks every rule and raises a DomainError
naming every broken rule — then nothing is written."""

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.core.errors import ValidationFailed, Violation
from ladoga.core.events import Event, event_announce
from ladoga.core.numbering import number_next
from ladoga.interactions.models import Interaction
from ladoga.partners.models import ContactPerson, Partner, PartnerStatus
from ladoga.sales.models import Agreement

from .. import funnel
from ..errors import DealsCode as C
from ..models import Deal, DealAction, DealKind, DealSource, DealStatus, Stage
from ._common import ADD, CHANGE, clean, permission_check, probability_check, staff_check
from .lifecycle import history_record, locked_deal, open_check
from .stage_tasks import tasks_create_for_stage

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
    history_record(
        deal,
        action=DealAction.CREATED,
        to_stage=stage,
        to_status=DealStatus.IN_PROGRESS,
        by=by,
        at=now,
    )
    if stage is not None:
        tasks_create_for_stage(deal=deal, stage=stage)
    event_announce(Event.DEAL_CREATED, obj=deal)
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
    deal = locked_deal(deal, expected_version)
    open_check(deal)
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
