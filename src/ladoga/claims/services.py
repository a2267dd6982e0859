"""Writes of the claims domain: one function per business command (DESIGN.md).

Every command takes keyword arguments only, runs in one transaction, raises DomainError
subclasses with ClaimsCode codes and writes nothing when it fails. Commands that change an
existing claim lock it and check `expected_version` (X5; None skips the check for
internal callers that have just read the claim under the same lock).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts.models import Department, User
from ladoga.accounts.roles import Role
from ladoga.core.errors import Conflict, DomainError, ValidationFailed, Violation
from ladoga.core.events import Event, event_announce
from ladoga.core.numbering import number_next
from ladoga.core.versioning import version_check
from ladoga.partners.models import Counterparty, Partner

from . import flow, integrations, links
from .errors import ClaimsCode
from .models import (
    Claim,
    ClaimComment,
    ClaimReason,
    ClaimResolution,
    ClaimSource,
    ClaimStatus,
    ClaimTransition,
)

NUMBER_KIND = "CL"
COMMENT_MAX_LENGTH = 5000
# A value meaning "not given" in update commands, so None can mean "clear it".
UNSET = object()
CHANGEABLE = {
    "date",
    "essence",
    "counterparty",
    "order",
    "deal",
    "reason",
    "culprit_department",
    "culprit_employee",
    "responsible",
    "result",
    "compensation",
}


def _clean(value) -> str:
    return str(value or "").strip()


def _staff_check(user, code: str, field: str, message) -> list[Violation]:
    if user is None:
        return []
    if not isinstance(user, User) or not user.is_active or user.role == Role.PORTAL:
        return [Violation(code, message, field)]
    return []


def _links_violations(
    *,
    partner: Partner,
    counterparty: Counterparty | None,
    order,
    deal,
    culprit_department: Department | None,
    culprit_employee: User | None,
    responsible: User | None,
    reason: ClaimReason | None,
) -> list[Violation]:
    violations: list[Violation] = []
    if counterparty is not None and counterparty.partner_id != partner.pk:
        violations.append(
            Violation(
                ClaimsCode.COUNTERPARTY_FOREIGN,
                _("The counterparty %(name)s does not belong to the partner.")
                % {"name": counterparty.short_name},
                "counterparty",
            )
        )
    if order is not None and links.order_partner_id(order) != partner.pk:
        violations.append(
            Violation(
                ClaimsCode.ORDER_FOREIGN,
                _("The order %(number)s is not an order of this partner.")
                % {"number": links.order_number(order)},
                "order",
            )
        )
    if deal is not None and deal.partner_id != partner.pk:
        violations.append(
            Violation(
                ClaimsCode.DEAL_FOREIGN,
                _("The deal %(number)s is not a deal with this partner.") % {"number": deal.number},
                "deal",
            )
        )
    if reason is not None and not reason.is_active:
        violations.append(
            Violation(
                ClaimsCode.REASON_UNKNOWN,
                _("The reason %(name)s is no longer in use.") % {"name": reason.name},
                "reason",
            )
        )
    violations += _staff_check(
        culprit_employee,
        ClaimsCode.EMPLOYEE_INVALID,
        "culprit_employee",
        _("The culprit employee must be an active member of staff."),
    )
    violations += _staff_check(
        responsible,
        ClaimsCode.RESPONSIBLE_INVALID,
        "responsible",
        _("The responsible person must be an active member of staff."),
    )
    return violations


def _essence_violations(essence: str) -> list[Violation]:
    if not essence:
        return [
            Violation(
                ClaimsCode.ESSENCE_REQUIRED,
                _("Describe what the claim is about."),
                "essence",
            )
        ]
    return []


@transaction.atomic
def claim_create(
    *,
    partner: Partner,
    essence: str,
    by: User | None,
    date: datetime.date | None = None,
    counterparty: Counterparty | None = None,
    order=None,
    deal=None,
    reason: ClaimReason | None = None,
    culprit_department: Department | None = None,
    culprit_employee: User | None = None,
    responsible: User | None = UNSET,
    compensation: Decimal | str | int = Decimal("0"),
    source: str = ClaimSource.STAFF,
    interaction=None,
) -> Claim:
    """Register a claim of any partner (client, supplier, competitor…) and give it a number.

    The responsible person defaults to the staff member registering it. A linked
    counterparty, order or deal must be the partner's own; the compensation is checked
    against the order's total. The first history row (∅ → registered) is written too.
    Based on an `interaction` (I3), the claim keeps the link and the interaction, when it
    has no other subject, becomes one about the claim. A claim filed on the portal is
    announced to the staff who handle claims.
    """
    essence = _clean(essence)
    if responsible is UNSET:
        responsible = by if by is not None and by.role != Role.PORTAL else None
    violations = _essence_violations(essence)
    if partner is None:
        violations.append(
            Violation(ClaimsCode.PARTNER_REQUIRED, _("Choose the partner."), "partner")
        )
    else:
        if partner.status != "active":
            violations.append(
                Violation(
                    ClaimsCode.PARTNER_ARCHIVED,
                    _("The partner %(name)s is archived.") % {"name": partner.name},
                    "partner",
                )
            )
        violations += _links_violations(
            partner=partner,
            counterparty=counterparty,
            order=order,
            deal=deal,
            culprit_department=culprit_department,
            culprit_employee=culprit_employee,
            responsible=responsible,
            reason=reason,
        )
    if (
        interaction is not None
        and partner is not None
        and interaction.partner_id not in (None, partner.pk)
    ):
        violations.append(
            Violation(
                ClaimsCode.INTERACTION_UNKNOWN,
                _("The interaction is with another partner."),
                "interaction",
            )
        )
    violations += flow.compensation_violations(
        compensation, order_total=links.order_total(order) if order is not None else None
    )
    if violations:
        raise ValidationFailed(violations)
    date = date or timezone.localdate()
    claim = Claim.objects.create(
        number=number_next(kind=NUMBER_KIND, on=date),
        date=date,
        partner=partner,
        counterparty=counterparty,
        order=order,
        deal=deal,
        essence=essence,
        reason=reason,
        culprit_department=culprit_department,
        culprit_employee=culprit_employee,
        responsible=responsible,
        compensation=flow.money(compensation),
        currency=links.order_currency(order) if order is not None else "RUB",
        source=ClaimSource.INTERACTION if interaction is not None else source,
        interaction=interaction,
        created_by=by,
    )
    ClaimTransition.objects.create(
        claim=claim, from_status="", to_status=ClaimStatus.REGISTERED, by=by
    )
    if interaction is not None:
        integrations.interaction_subject_set(interaction=interaction, claim=claim, by=by)
    if source == ClaimSource.PORTAL:
        integrations.notify_new_portal_claim(claim)
    event_announce(Event.CLAIM_REGISTERED, obj=claim)
    return claim


def _locked(claim: Claim, expected_version: int | None) -> Claim:
    fresh = Claim.objects.select_for_update().get(pk=claim.pk)
    if expected_version is not None:
        version_check(record=fresh, expected=expected_version)
    return fresh


def _closed_check(claim: Claim) -> None:
    if claim.status == ClaimStatus.CLOSED:
        raise Conflict.single(
            ClaimsCode.CLAIM_CLOSED,
            _("Claim %(number)s is closed and can no longer be changed.")
            % {"number": claim.number},
        )


@transaction.atomic
def claim_update(
    *, claim: Claim, expected_version: int | None, by: User | None, **changes
) -> Claim:
    """Change a claim's details (not its partner, number or status: those have their own
    commands or never change). A closed claim is not changed any more."""
    claim = _locked(claim, expected_version)
    _closed_check(claim)
    unknown = sorted(set(changes) - CHANGEABLE)
    if unknown:
        raise ValidationFailed(
            [
                Violation(
                    ClaimsCode.FIELD_NOT_CHANGEABLE,
                    _("The field %(field)s cannot be changed here.") % {"field": name},
                    name,
                )
                for name in unknown
            ]
        )
    for name, value in changes.items():
        setattr(claim, name, _clean(value) if name in ("essence", "result") else value)
    violations = _essence_violations(claim.essence)
    if claim.date is None:
        violations.append(Violation(ClaimsCode.DATE_REQUIRED, _("Give the claim's date."), "date"))
    violations += _links_violations(
        partner=claim.partner,
        counterparty=claim.counterparty,
        order=claim.order,
        deal=claim.deal,
        culprit_department=claim.culprit_department,
        culprit_employee=claim.culprit_employee,
        responsible=claim.responsible,
        reason=claim.reason if "reason" in changes else None,
    )
    if claim.status == ClaimStatus.RESOLVED and "result" in changes and not claim.result:
        violations += flow.resolution_violations(claim.resolution, claim.result)
    violations += flow.compensation_violations(
        claim.compensation,
        order_total=links.order_total(claim.order) if claim.order is not None else None,
        resolution=claim.resolution or None,
    )
    if violations:
        raise ValidationFailed(violations)
    claim.compensation = flow.money(claim.compensation)
    if "order" in changes and claim.order is not None:
        claim.currency = links.order_currency(claim.order)
    claim._change_reason = "update"
    claim.save()
    return claim


@transaction.atomic
def claim_transition(
    *,
    claim: Claim,
    status: str,
    by: User | None,
    expected_version: int | None = None,
    resolution: str | None = None,
    result: str | None = None,
    compensation=None,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> Claim:
    """Move a claim one step along registered → under investigation → resolved → closed.

    Resolving needs a resolution (satisfied / partly / rejected) and a result; the
    compensation given with it is checked like any other. Each step is a history row.
    `at` is when it happened (now by default; imports and demo data give past moments).
    """
    at = at or timezone.now()
    claim = _locked(claim, expected_version)
    violations = flow.transition_violations(claim.status, status)
    if violations:
        raise DomainError(violations)
    if status == ClaimStatus.RESOLVED:
        result = _clean(result) if result is not None else claim.result
        violations = flow.resolution_violations(resolution, result)
        amount = claim.compensation if compensation is None else compensation
        if not violations:
            violations = flow.compensation_violations(
                amount,
                order_total=links.order_total(claim.order) if claim.order is not None else None,
                resolution=resolution,
            )
        if violations:
            raise ValidationFailed(violations)
        claim.resolution = resolution
        claim.result = result
        claim.compensation = flow.money(amount)
        claim.resolved_on = timezone.localdate(at)
    ClaimTransition.objects.create(
        claim=claim,
        from_status=claim.status,
        to_status=status,
        resolution=claim.resolution if status == ClaimStatus.RESOLVED else "",
        comment=_clean(comment),
        at=at,
        by=by,
    )
    claim.status = status
    claim.save()
    if status == ClaimStatus.RESOLVED:
        event_announce(Event.CLAIM_RESOLVED, obj=claim)
    return claim


def _comment_text_check(text: str) -> str:
    text = str(text or "").strip()
    if not text:
        raise ValidationFailed.single(
            ClaimsCode.COMMENT_REQUIRED, _("Write the comment first."), "text"
        )
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationFailed.single(
            ClaimsCode.COMMENT_TOO_LONG,
            _("A comment is at most %(limit)d characters.") % {"limit": COMMENT_MAX_LENGTH},
            "text",
        )
    return text


@transaction.atomic
def claim_comment_add(
    *, claim: Claim, text: str, by: User, is_public: bool = False
) -> ClaimComment:
    """Add a comment. Portal clients' comments are always public; staff choose. The text
    is kept exactly as written and always shown escaped: it is never markup."""
    text = _comment_text_check(text)
    from_client = by.role == Role.PORTAL
    return ClaimComment.objects.create(
        claim=claim,
        author=by,
        text=text,
        is_public=is_public or from_client,
        from_client=from_client,
    )


@transaction.atomic
def claim_reason_create(*, name: str, description: str = "", by: User | None = None) -> ClaimReason:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationFailed.single(
            ClaimsCode.REASON_NAME_REQUIRED, _("A reason needs a name."), "name"
        )
    if ClaimReason.objects.filter(name__iexact=name).exists():
        raise Conflict.single(
            ClaimsCode.REASON_NAME_TAKEN,
            _("A reason named %(name)s already exists.") % {"name": name},
            "name",
        )
    return ClaimReason.objects.create(name=name, description=description, created_by=by)


__all__ = [
    "UNSET",
    "ClaimResolution",
    "claim_comment_add",
    "claim_create",
    "claim_reason_create",
    "claim_transition",
    "claim_update",
]
