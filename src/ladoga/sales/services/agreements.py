"""Agreement commands (S3, S4): typical and individual agreements, their status and
approval; contracts (S5)."""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.core.errors import Conflict, ValidationFailed, Violation
from ladoga.core.numbering import number_next
from ladoga.partners.models import Counterparty, Partner, Segment

from .. import rules
from ..errors import Forbidden
from ..errors import SalesCode as C
from ..models import (
    Agreement,
    AgreementKind,
    AgreementStage,
    AgreementStatus,
    AgreementTransition,
    Contract,
    PriceType,
    TaxRegime,
)
from ._common import (
    APPROVE,
    CATALOGUE,
    DOCUMENTS,
    clean,
    locked_checked,
    percent_check,
    permission_check,
    rows_create,
    stages_check,
    stamp,
    unknown_changes_check,
)

# The conditions an individual agreement copies from its typical one.
CONDITIONS = (
    "price_type",
    "delivery_days",
    "tax_regime",
    "discount_percent",
    "max_manual_discount",
    "contract_required",
    "returnable_packaging",
)

# Where an agreement's status may go from (S3).
TRANSITIONS: dict[str, set[str]] = {
    AgreementStatus.DRAFT: {AgreementStatus.AGREED, AgreementStatus.CLOSED},
    AgreementStatus.AGREED: {
        AgreementStatus.DRAFT,
        AgreementStatus.ACTIVE,
        AgreementStatus.CLOSED,
    },
    AgreementStatus.ACTIVE: {AgreementStatus.CLOSED},
    AgreementStatus.CLOSED: set(),
}


def _stages_of(stages) -> list[rules.Stage]:
    return [(str(b), Decimal(str(p)), int(d)) for b, p, d in stages]


def _conditions_check(values: dict) -> list[Violation]:
    violations = []
    if not clean(values.get("name")):
        violations.append(
            Violation(C.AGREEMENT_NAME_REQUIRED, _("An agreement needs a name."), "name")
        )
    if values.get("tax_regime") not in TaxRegime.values:
        violations.append(Violation(C.TAX_REGIME_UNKNOWN, _("Unknown tax regime."), "tax_regime"))
    violations += percent_check(
        values.get("discount_percent"), "discount_percent", low=Decimal("-1000")
    )
    violations += percent_check(values.get("max_manual_discount"), "max_manual_discount")
    days = values.get("delivery_days")
    if not isinstance(days, int) or days < 0:
        violations.append(
            Violation(
                C.DELIVERY_DAYS_INVALID,
                _("The delivery term is a number of days, zero or more."),
                "delivery_days",
            )
        )
    stages = values.get("stages") or []
    if any(b not in ("prepayment", "credit") or int(d) < 0 for b, _p, d in stages):
        violations.append(
            Violation(
                C.AGREEMENT_SCHEDULE_INVALID,
                _("A payment stage is a prepayment or a credit, due zero or more days on."),
                "stages",
            )
        )
    else:
        violations += stages_check(stages)
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from is None or (valid_to is not None and valid_to < valid_from):
        violations.append(
            Violation(
                C.AGREEMENT_VALIDITY_INVALID,
                _("An agreement is valid from a date, and ends (if at all) no earlier."),
                "valid_to",
            )
        )
    return violations


def _overlap_check(
    *,
    partner_id: int,
    typical_id: int | None,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    exclude: int | None = None,
) -> None:
    """Two individual agreements of one partner made from the same typical one may not be
    valid on the same day (closed ones do not count)."""
    others = Agreement.objects.filter(
        kind=AgreementKind.INDIVIDUAL, partner_id=partner_id, typical_id=typical_id
    ).exclude(status=AgreementStatus.CLOSED)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    for other in others.only("number", "valid_from", "valid_to"):
        if rules.periods_overlap(valid_from, valid_to, other.valid_from, other.valid_to):
            raise ValidationFailed.single(
                C.AGREEMENT_VALIDITY_OVERLAP,
                _(
                    "Agreement %(number)s of this partner, made from the same typical "
                    "agreement, is valid on some of the same days."
                )
                % {"number": other.number},
                "valid_from",
            )


def _stages_store(agreement: Agreement, stages: Sequence[rules.Stage], by=None) -> None:
    agreement.stages.all().delete()
    rows_create(
        AgreementStage,
        [
            AgreementStage(agreement=agreement, position=i, basis=b, percent=p, days=d)
            for i, (b, p, d) in enumerate(stages)
        ],
        by,
    )


DEFAULT_STAGES = (("prepayment", Decimal("100"), 0),)


@transaction.atomic
def agreement_create(
    *,
    name: str,
    price_type: PriceType,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    stages: Sequence[tuple[str, Decimal, int]] = DEFAULT_STAGES,
    delivery_days: int = 0,
    tax_regime: str = TaxRegime.VAT_INCLUDED,
    discount_percent: Decimal = Decimal("0"),
    max_manual_discount: Decimal = Decimal("0"),
    segments: Iterable[Segment] = (),
    contract_required: bool = False,
    returnable_packaging: bool = False,
    comment: str = "",
    by=None,
) -> Agreement:
    """Create a typical agreement as a draft. It applies to the partners of `segments`,
    or to every partner when it names none."""
    permission_check(by, CATALOGUE)
    values = {
        "name": name,
        "tax_regime": tax_regime,
        "discount_percent": discount_percent,
        "max_manual_discount": max_manual_discount,
        "delivery_days": delivery_days,
        "stages": _stages_of(stages),
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    violations = _conditions_check(values)
    if violations:
        raise ValidationFailed(violations)
    agreement = Agreement.objects.create(
        number=number_next(kind="AG", on=valid_from),
        kind=AgreementKind.TYPICAL,
        name=clean(name),
        price_type=price_type,
        delivery_days=delivery_days,
        tax_regime=tax_regime,
        discount_percent=Decimal(str(discount_percent)),
        max_manual_discount=Decimal(str(max_manual_discount)),
        valid_from=valid_from,
        valid_to=valid_to,
        contract_required=contract_required,
        returnable_packaging=returnable_packaging,
        comment=comment or "",
        created_by=by,
    )
    _stages_store(agreement, values["stages"], by)
    if segments:
        agreement.segments.set(segments)
    return agreement


INDIVIDUAL_OVERRIDES = {"name", "valid_from", "valid_to", "stages", "comment", *CONDITIONS}


@transaction.atomic
def agreement_individual_create(
    *, typical: Agreement, partner: Partner, by=None, **overrides
) -> Agreement:
    """Create an individual agreement for one partner from a typical one: its conditions
    and payment schedule are copied, then `overrides` change them. Refuses a validity
    that overlaps another individual agreement of the partner from the same typical one."""
    permission_check(by, DOCUMENTS)
    unknown_changes_check(overrides, INDIVIDUAL_OVERRIDES)
    if not typical.is_typical:
        raise ValidationFailed.single(
            C.AGREEMENT_NOT_TYPICAL,
            _("An individual agreement is made from a typical one."),
            "typical_id",
        )
    values = {field: getattr(typical, field) for field in CONDITIONS}
    values.update(
        name=_("%(name)s: %(partner)s") % {"name": typical.name, "partner": partner.name},
        valid_from=typical.valid_from,
        valid_to=typical.valid_to,
        stages=[s.as_tuple() for s in typical.stages.all()],
        comment="",
    )
    values.update(overrides)
    values["stages"] = _stages_of(values["stages"])
    violations = _conditions_check(values)
    if violations:
        raise ValidationFailed(violations)
    # Serialise creations for one partner, so two parallel ones cannot both pass the
    # overlap check (PostgreSQL; SQLite serialises writers anyway).
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    _overlap_check(
        partner_id=partner.pk,
        typical_id=typical.pk,
        valid_from=values["valid_from"],
        valid_to=values["valid_to"],
    )
    stages = values.pop("stages")
    agreement = Agreement.objects.create(
        number=number_next(kind="AG", on=values["valid_from"]),
        kind=AgreementKind.INDIVIDUAL,
        typical=typical,
        partner=partner,
        created_by=by,
        **{**values, "name": clean(values["name"])[:255]},
    )
    _stages_store(agreement, stages, by)
    return agreement


AGREEMENT_CHANGEABLE = {
    "name",
    "valid_from",
    "valid_to",
    "stages",
    "comment",
    "segments",
    *CONDITIONS,
}


@transaction.atomic
def agreement_update(
    *, agreement: Agreement, expected_version: int | None, by=None, **changes
) -> Agreement:
    """Change a draft agreement's conditions. Agreed, active and closed agreements are
    not edited: move an agreed one back to draft first."""
    unknown_changes_check(changes, AGREEMENT_CHANGEABLE)
    permission_check(by, CATALOGUE if agreement.is_typical else DOCUMENTS)
    agreement = locked_checked(Agreement, agreement, expected_version)
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationFailed.single(
            C.AGREEMENT_NOT_EDITABLE,
            _("Only a draft agreement can be changed; this one is %(status)s.")
            % {"status": agreement.get_status_display()},
        )
    if "segments" in changes and not agreement.is_typical:
        raise ValidationFailed.single(
            C.AGREEMENT_NOT_TYPICAL, _("Only typical agreements apply to segments."), "segments"
        )
    values = {
        field: getattr(agreement, field)
        for field in ("name", "valid_from", "valid_to", "comment", *CONDITIONS)
    }
    values["stages"] = [s.as_tuple() for s in agreement.stages.all()]
    values.update({k: v for k, v in changes.items() if k != "segments"})
    values["stages"] = _stages_of(values["stages"])
    violations = _conditions_check(values)
    if violations:
        raise ValidationFailed(violations)
    if not agreement.is_typical:
        _overlap_check(
            partner_id=agreement.partner_id,
            typical_id=agreement.typical_id,
            valid_from=values["valid_from"],
            valid_to=values["valid_to"],
            exclude=agreement.pk,
        )
    stages = values.pop("stages")
    for field, value in values.items():
        setattr(agreement, field, value)
    agreement.name = clean(agreement.name)
    stamp(agreement, by).save()
    if "stages" in changes:
        _stages_store(agreement, stages, by)
    if "segments" in changes:
        agreement.segments.set(changes["segments"])
    return agreement


@transaction.atomic
def agreement_transition(*, agreement: Agreement, status: str, by=None) -> Agreement:
    """Move an agreement along draft → agreed → active → closed (an agreed one may go back
    to draft; any but an active one may be closed at once). Only a user with the approve
    permission makes an agreement active. Every move is recorded."""
    agreement = locked_checked(Agreement, agreement, None)
    if status not in TRANSITIONS.get(agreement.status, set()):
        raise ValidationFailed.single(
            C.AGREEMENT_TRANSITION_INVALID,
            _("An agreement cannot go from %(from)s to %(to)s.")
            % {
                "from": agreement.get_status_display(),
                "to": AgreementStatus(status).label if status in AgreementStatus.values else status,
            },
            "status",
        )
    if status == AgreementStatus.ACTIVE:
        if by is not None and not by.has_perm(APPROVE):
            raise Forbidden.single(
                C.AGREEMENT_APPROVE_FORBIDDEN,
                _("Only a user who may approve agreements can make one active."),
            )
        agreement.approved_by = by
        agreement.approved_at = timezone.now()
    else:
        permission_check(by, CATALOGUE if agreement.is_typical else DOCUMENTS)
    AgreementTransition.objects.create(
        agreement=agreement, from_status=agreement.status, to_status=status, by=by
    )
    agreement.status = status
    stamp(agreement, by).save()
    return agreement


def agreement_approve(*, agreement: Agreement, by) -> Agreement:
    """Approve an agreed agreement: it becomes active (needs `sales.approve_agreement`)."""
    return agreement_transition(agreement=agreement, status=AgreementStatus.ACTIVE, by=by)


def _contract_check(number: str, valid_from, valid_to) -> list[Violation]:
    violations = []
    if not number:
        violations.append(
            Violation(C.CONTRACT_NUMBER_REQUIRED, _("A contract needs a number."), "number")
        )
    if valid_to is not None and valid_from is not None and valid_to < valid_from:
        violations.append(
            Violation(
                C.AGREEMENT_VALIDITY_INVALID,
                _("A contract cannot end before it starts."),
                "valid_to",
            )
        )
    return violations


def _contract_number_free(counterparty_id: int, number: str, exclude: int | None = None) -> None:
    taken = Contract.objects.filter(counterparty_id=counterparty_id, number__iexact=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Conflict.single(
            C.CONTRACT_NUMBER_TAKEN,
            _("This counterparty already has contract № %(number)s.") % {"number": number},
            "number",
        )


@transaction.atomic
def contract_create(
    *,
    counterparty: Counterparty,
    number: str,
    date: datetime.date,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    agreement: Agreement | None = None,
    subject: str = "",
    by=None,
) -> Contract:
    """Register a contract with a counterparty; valid from its date unless told otherwise."""
    permission_check(by, DOCUMENTS)
    number = clean(number)
    valid_from = valid_from or date
    violations = _contract_check(number, valid_from, valid_to)
    if violations:
        raise ValidationFailed(violations)
    _contract_number_free(counterparty.pk, number)
    return Contract.objects.create(
        number=number,
        date=date,
        partner_id=counterparty.partner_id,
        counterparty=counterparty,
        agreement=agreement,
        valid_from=valid_from,
        valid_to=valid_to,
        subject=clean(subject),
        created_by=by,
    )


CONTRACT_CHANGEABLE = {"number", "date", "valid_from", "valid_to", "agreement", "subject"}


@transaction.atomic
def contract_update(
    *, contract: Contract, expected_version: int | None, by=None, **changes
) -> Contract:
    permission_check(by, DOCUMENTS)
    unknown_changes_check(changes, CONTRACT_CHANGEABLE)
    contract = locked_checked(Contract, contract, expected_version)
    if "number" in changes:
        changes["number"] = clean(changes["number"])
    merged = {f: changes.get(f, getattr(contract, f)) for f in ("number", "valid_from", "valid_to")}
    violations = _contract_check(merged["number"], merged["valid_from"], merged["valid_to"])
    if violations:
        raise ValidationFailed(violations)
    if "number" in changes:
        _contract_number_free(contract.counterparty_id, changes["number"], exclude=contract.pk)
    for key, value in changes.items():
        setattr(contract, key, value)
    stamp(contract, by).save()
    return contract
