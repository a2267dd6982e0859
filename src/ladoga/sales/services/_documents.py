"""What the proposal and order commands share: lines priced from the agreement, totals,
payment schedules and the input checks of a document's head."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from ladoga.core.errors import Violation
from ladoga.partners.models import Counterparty, Partner

from .. import pricing
from ..errors import SalesCode as C
from ..models import Agreement, Contract, PaymentBasis, TaxRegime
from ._common import LineIn, line_values, rows_create


def head_check(
    *,
    partner: Partner,
    counterparty: Counterparty | None,
    tax_regime: str | None,
    date: datetime.date,
    delivery_date: datetime.date | None = None,
    stages: Sequence | None = None,
    contract: Contract | None = None,
) -> list[Violation]:
    violations = []
    if counterparty is not None and counterparty.partner_id != partner.pk:
        violations.append(
            Violation(
                C.COUNTERPARTY_OF_ANOTHER_PARTNER,
                _("Counterparty %(name)s belongs to another partner.")
                % {"name": counterparty.short_name},
                "counterparty_id",
            )
        )
    if contract is not None and contract.partner_id != partner.pk:
        # Which of the partner's counterparties and dates it fits is the posting control's
        # (order_contract_mismatch); another partner's contract is never right.
        violations.append(
            Violation(
                C.CONTRACT_OF_ANOTHER_PARTNER,
                _("Contract %(number)s belongs to another partner.") % {"number": contract.number},
                "contract_id",
            )
        )
    if tax_regime is not None and tax_regime not in TaxRegime.values:
        violations.append(Violation(C.TAX_REGIME_UNKNOWN, _("Unknown tax regime."), "tax_regime"))
    if delivery_date is not None and delivery_date < date:
        violations.append(
            Violation(
                C.DATE_INVALID,
                _("The delivery date cannot be before the order's date."),
                "delivery_date",
            )
        )
    for basis, percent, days in stages or ():
        if basis not in PaymentBasis.values or Decimal(str(percent)) <= 0 or int(days) < 0:
            violations.append(
                Violation(
                    C.AGREEMENT_SCHEDULE_INVALID,
                    _(
                        "A payment stage is a prepayment or a credit with a positive share, "
                        "due zero or more days on."
                    ),
                    "stages",
                )
            )
            break
    return violations


def lines_build(
    *,
    lines: Sequence[LineIn],
    agreement: Agreement | None,
    on: datetime.date,
    partner_id: int,
    tax_regime: str,
    card=None,
) -> tuple[list[dict], tuple[Decimal, Decimal, Decimal]]:
    """The stored values of each line, and the document's (amount, VAT, total). A line
    without a price takes the agreement's price on the document's date (0 when there is
    none: a draft may be incomplete), with the loyalty card's discount where one is given."""
    expected = {}
    missing = [line.product.pk for line in lines if line.price is None]
    if agreement is not None and missing:
        expected = pricing.agreement_prices(
            agreement=agreement, product_ids=missing, on=on, partner_id=partner_id, card=card
        )
    rows = []
    for position, line in enumerate(lines):
        price = line.price
        if price is None:
            price = expected.get(line.product.pk) or Decimal("0")
        rows.append(
            line_values(line, price=Decimal(str(price)), tax_regime=tax_regime, position=position)
        )
    zero = Decimal("0")
    totals = (
        sum((r["amount"] for r in rows), zero),
        sum((r["vat_amount"] for r in rows), zero),
        sum((r["total"] for r in rows), zero),
    )
    return rows, totals


def lines_store(
    *,
    line_model: type[models.Model],
    parent_field: str,
    parent: models.Model,
    rows: list[dict],
    by=None,
) -> None:
    """Replace the document's lines with `rows` (from lines_build)."""
    parent.lines.all().delete()
    rows_create(line_model, [line_model(**{parent_field: parent}, **row) for row in rows], by)


def lines_of(document) -> list[LineIn]:
    """The document's stored lines as input again (to recompute them)."""
    return [
        LineIn(
            product=line.product,
            quantity=line.quantity,
            price=line.price,
            discount_percent=line.discount_percent,
        )
        for line in document.lines.select_related("product").order_by("position", "id")
    ]
