"""Helpers shared by the sales services (not part of their interface)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ladoga.core.errors import Violation
from ladoga.core.guards import input_check
from ladoga.core.versioning import version_check

from .. import rules
from ..errors import Forbidden
from ..errors import SalesCode as C
from ..models import Product

# A value meaning "not given" in update commands, so None can mean "clear it".
UNSET = object()

CATALOGUE = "sales.manage_catalogue"
APPROVE = "sales.approve_agreement"
DOCUMENTS = "sales.edit_documents"


def clean(value) -> str:
    return " ".join(str(value or "").split())


def permission_check(by, permission: str, code: str = C.PERMISSION_DENIED) -> None:
    """Refuse a user without `permission`. `by=None` is the system itself (demo, tasks)."""
    if by is not None and not by.has_perm(permission):
        raise Forbidden.single(code, _("Your role does not allow this."))


def locked(model: type[models.Model], record: models.Model) -> models.Model:
    """Re-read `record` under a row lock (PostgreSQL; SQLite serialises writers anyway)."""
    return model._default_manager.select_for_update().get(pk=record.pk)


def locked_checked(model, record, expected_version: int | None):
    fresh = locked(model, record)
    if expected_version is not None:
        version_check(record=fresh, expected=expected_version)
    return fresh


def unknown_changes_check(changes: dict, allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")


def stamp(record: models.Model, by) -> models.Model:
    """Name the user in the history row the next save writes."""
    if by is not None:
        record._history_user = by
    return record


def rows_create(model: type[models.Model], rows: list[models.Model], by=None) -> None:
    """Insert rows in one statement and record each in the model's history."""
    for row in rows:
        input_check(row)
    if rows:
        bulk_create_with_history(rows, model, default_user=by)


def decimal_of(value, default: Decimal | None = None) -> Decimal | None:
    if value is None or value == "":
        return default
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def percent_check(value, field: str, *, low=Decimal("0"), high=Decimal("100")) -> list[Violation]:
    number = decimal_of(value)
    if number is None or not (low <= number <= high):
        return [
            Violation(
                C.PERCENT_INVALID,
                _("Enter a percentage from %(low)s to %(high)s.") % {"low": low, "high": high},
                field,
            )
        ]
    return []


@dataclass(frozen=True)
class LineIn:
    """One line as given by a caller; `price=None` takes the agreement's price."""

    product: Product
    quantity: Decimal
    price: Decimal | None = None
    discount_percent: Decimal = Decimal("0")


def lines_check(lines: list[LineIn], *, required: bool = True) -> list[Violation]:
    """Input checks of document lines: positive quantities, prices not negative, a
    discount from 0 to 100 %."""
    violations: list[Violation] = []
    if required and not lines:
        violations.append(Violation(C.LINES_EMPTY, _("Add at least one line."), "lines"))
    for index, line in enumerate(lines):
        quantity = decimal_of(line.quantity)
        if quantity is None or quantity <= 0:
            violations.append(
                Violation(
                    C.QUANTITY_INVALID,
                    _("The quantity must be more than zero."),
                    f"lines.{index}.quantity",
                )
            )
        if line.price is not None:
            price = decimal_of(line.price)
            if price is None or price < 0:
                violations.append(
                    Violation(
                        C.PRICE_NEGATIVE,
                        _("A price cannot be negative."),
                        f"lines.{index}.price",
                    )
                )
        discount = decimal_of(line.discount_percent)
        if discount is None or not (0 <= discount <= 100):
            violations.append(
                Violation(
                    C.DISCOUNT_INVALID,
                    _("A discount is from 0 to 100 %."),
                    f"lines.{index}.discount_percent",
                )
            )
    return violations


def stages_check(stages, field: str = "stages") -> list[Violation]:
    problems = rules.schedule_problems(stages)
    if not problems:
        return []
    return [
        Violation(
            C.AGREEMENT_SCHEDULE_INVALID,
            _(
                "A payment schedule has at least one stage, each with a positive share, and "
                "the shares add up to 100 %."
            ),
            field,
        )
    ]


def line_values(line: LineIn, *, price: Decimal, tax_regime: str, position: int) -> dict:
    """The stored fields of a line: its price and the amounts computed under the tax regime."""
    discount = Decimal(str(line.discount_percent or 0))
    amount, vat, total = rules.line_amounts(
        quantity=Decimal(str(line.quantity)),
        price=price,
        discount_percent=discount,
        vat_rate=line.product.vat_rate,
        tax_regime=tax_regime,
    )
    return {
        "position": position,
        "product": line.product,
        "quantity": Decimal(str(line.quantity)),
        "price": price,
        "discount_percent": discount,
        "vat_rate": line.product.vat_rate,
        "amount": amount,
        "vat_amount": vat,
        "total": total,
    }
