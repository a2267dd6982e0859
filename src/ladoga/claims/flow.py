"""The claim's rules as pure functions of plain values, tested without a database.

The flow is registered → under investigation → resolved → closed, one step at a time and
forward only: a resolved claim the client disputes is a new claim, so the reports count
each decision once. Resolving needs a resolution and a result; the compensation is never
negative, never above the linked order's total, and zero when the claim is rejected.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ladoga.core import numbers
from ladoga.core.errors import Violation

from .errors import ClaimsCode
from .models import ClaimResolution, ClaimStatus

NEXT_STATUS: dict[str, str] = {
    ClaimStatus.REGISTERED: ClaimStatus.INVESTIGATING,
    ClaimStatus.INVESTIGATING: ClaimStatus.RESOLVED,
    ClaimStatus.RESOLVED: ClaimStatus.CLOSED,
}


def transition_violations(current: str, target: str) -> list[Violation]:
    """Why a claim in `current` cannot move to `target` (empty when it can)."""
    if target not in ClaimStatus.values:
        return [
            Violation(
                ClaimsCode.STATUS_UNKNOWN,
                _("Unknown status %(status)s; choose one of: %(known)s.")
                % {"status": target, "known": ", ".join(ClaimStatus.values)},
                "status",
            )
        ]
    if NEXT_STATUS.get(current) != target:
        allowed = NEXT_STATUS.get(current)
        return [
            Violation(
                ClaimsCode.TRANSITION_NOT_ALLOWED,
                (
                    _("A claim that is %(current)s can only become %(allowed)s, not %(target)s.")
                    if allowed
                    else _("A claim that is %(current)s cannot change its status any more.")
                )
                % {
                    "current": ClaimStatus(current).label.lower(),
                    "allowed": ClaimStatus(allowed).label.lower() if allowed else "",
                    "target": ClaimStatus(target).label.lower(),
                },
                "status",
            )
        ]
    return []


def resolution_violations(resolution: str | None, result: str | None) -> list[Violation]:
    """A claim is resolved only with a resolution and a written result."""
    violations = []
    if not resolution:
        violations.append(
            Violation(
                ClaimsCode.RESOLUTION_REQUIRED,
                _("Choose how the claim is resolved: satisfied, partly satisfied or rejected."),
                "resolution",
            )
        )
    elif resolution not in ClaimResolution.values:
        violations.append(
            Violation(
                ClaimsCode.RESOLUTION_UNKNOWN,
                _("Unknown resolution %(resolution)s.") % {"resolution": resolution},
                "resolution",
            )
        )
    if not (result or "").strip():
        violations.append(
            Violation(
                ClaimsCode.RESULT_REQUIRED,
                _("Describe the result before resolving the claim."),
                "result",
            )
        )
    return violations


def compensation_parse(value) -> Decimal:
    """A money amount from a string or number; raises ValueError when it is not one."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not amount.is_finite():
        raise ValueError(value)
    return amount


def money(value) -> Decimal:
    """A checked compensation as stored: two decimal places."""
    return numbers.money(compensation_parse(value))


def compensation_violations(
    amount, *, order_total: Decimal | None = None, resolution: str | None = None
) -> list[Violation]:
    """The compensation is a non-negative amount, at most the linked order's total, and
    zero for a rejected claim."""
    try:
        amount = compensation_parse(amount)
    except ValueError:
        return [
            Violation(
                ClaimsCode.COMPENSATION_INVALID,
                _("The compensation must be an amount of money."),
                "compensation",
            )
        ]
    if amount.as_tuple().exponent < -2 or abs(amount) >= Decimal("1e12"):
        return [
            Violation(
                ClaimsCode.COMPENSATION_INVALID,
                _("The compensation has at most 12 digits before the point and 2 after it."),
                "compensation",
            )
        ]
    if amount < 0:
        return [
            Violation(
                ClaimsCode.COMPENSATION_NEGATIVE,
                _("The compensation cannot be negative."),
                "compensation",
            )
        ]
    if order_total is not None and amount > order_total:
        return [
            Violation(
                ClaimsCode.COMPENSATION_ABOVE_ORDER,
                _("The compensation %(amount)s is larger than the linked order's total %(total)s.")
                % {"amount": amount, "total": order_total},
                "compensation",
            )
        ]
    if resolution == ClaimResolution.REJECTED and amount > 0:
        return [
            Violation(
                ClaimsCode.COMPENSATION_WHEN_REJECTED,
                _("A rejected claim carries no compensation."),
                "compensation",
            )
        ]
    return []


def plan_progress(done: int, total: int) -> int:
    """The investigation plan's progress in whole percent (0 for an empty plan)."""
    if total <= 0:
        return 0
    return int(numbers.half_up(Decimal(100 * done) / total, 0))
