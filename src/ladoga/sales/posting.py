"""Posting control of customer orders (S7): every way an order breaks its agreement.

`order_violations` reads the order, its lines, both payment schedules, the segments and
the prices in a fixed number of queries (about eight, however many lines), and lists
every violation with its stable code. `services.order_post` posts only when it is empty.
"""

from django.utils.translation import gettext as _

from ladoga.core.errors import Violation
from ladoga.loyalty.discounts import card_order_violations
from ladoga.partners.models import RegistryStatus

from . import rules
from .errors import SalesCode as C
from .models import AgreementStatus, CustomerOrder
from .pricing import agreement_prices


def order_violations(order: CustomerOrder) -> list[Violation]:
    """Every rule of the agreement that `order` breaks (empty when it may be posted).

    `order` must come with its agreement, counterparty, contract and partner loaded (the
    service reads it so, under a lock)."""
    violations: list[Violation] = []
    lines = list(order.lines.select_related("product").order_by("position", "id"))
    agreement = order.agreement

    if not lines:
        violations.append(Violation(C.ORDER_LINES_EMPTY, _("The order has no lines."), "lines"))
    if order.counterparty.registry_status == RegistryStatus.LIQUIDATED:
        violations.append(
            Violation(
                C.ORDER_COUNTERPARTY_LIQUIDATED,
                _("The state registry marks counterparty %(name)s as liquidated.")
                % {"name": order.counterparty.short_name},
                "counterparty_id",
            )
        )
    for index, line in enumerate(lines):
        if line.product.is_archived:
            violations.append(
                Violation(
                    C.ORDER_PRODUCT_ARCHIVED,
                    _("Product %(product)s is archived.") % {"product": line.product.name},
                    f"lines.{index}.product_id",
                )
            )
    if order.contract is not None and (
        order.contract.counterparty_id != order.counterparty_id
        or not rules.valid_on(order.date, order.contract.valid_from, order.contract.valid_to)
    ):
        violations.append(
            Violation(
                C.ORDER_CONTRACT_MISMATCH,
                _("Contract %(contract)s is not one of this counterparty's valid on %(date)s.")
                % {"contract": order.contract, "date": order.date.isoformat()},
                "contract_id",
            )
        )
    if order.loyalty_card_id is not None:
        # An expired, blocked or another client's card: each with its own code.
        violations += card_order_violations(
            order.loyalty_card, partner_id=order.partner_id, on=order.date
        )
    if agreement is None:
        violations.append(
            Violation(
                C.ORDER_AGREEMENT_MISSING,
                _("Choose the agreement the order is sold under."),
                "agreement_id",
            )
        )
        return violations

    if agreement.status != AgreementStatus.ACTIVE:
        violations.append(
            Violation(
                C.AGREEMENT_NOT_ACTIVE,
                _("Agreement %(agreement)s is not active (it is %(status)s).")
                % {"agreement": agreement.number, "status": agreement.get_status_display()},
                "agreement_id",
            )
        )
    if not rules.valid_on(order.date, agreement.valid_from, agreement.valid_to):
        violations.append(
            Violation(
                C.AGREEMENT_NOT_VALID_ON_DATE,
                _("Agreement %(agreement)s is not valid on %(date)s.")
                % {"agreement": agreement.number, "date": order.date.isoformat()},
                "agreement_id",
            )
        )
    agreement_segments = (
        list(agreement.segments.values_list("pk", flat=True)) if agreement.is_typical else []
    )
    applies = rules.agreement_applies(
        is_typical=agreement.is_typical,
        agreement_partner_id=agreement.partner_id,
        agreement_segment_ids=agreement_segments,
        partner_id=order.partner_id,
        # Read only when it matters: a typical agreement limited to segments.
        partner_segment_ids=(
            order.partner.segments.values_list("pk", flat=True) if agreement_segments else []
        ),
    )
    if not applies:
        violations.append(
            Violation(
                C.AGREEMENT_NOT_APPLICABLE,
                _("Agreement %(agreement)s does not apply to partner %(partner)s.")
                % {"agreement": agreement.number, "partner": order.partner.name},
                "agreement_id",
            )
        )

    expected = agreement_prices(
        agreement=agreement,
        product_ids=[line.product_id for line in lines],
        on=order.date,
        partner_id=order.partner_id,
        card=order.loyalty_card,
    )
    for index, line in enumerate(lines):
        price = expected.get(line.product_id)
        if price is None:
            violations.append(
                Violation(
                    C.AGREEMENT_PRICE_MISSING,
                    _("%(product)s has no price in price type %(type)s on %(date)s.")
                    % {
                        "product": line.product.name,
                        "type": agreement.price_type.name,
                        "date": order.date.isoformat(),
                    },
                    f"lines.{index}.price",
                )
            )
        elif not rules.price_within_agreement(
            expected=price,
            price=line.price,
            discount_percent=line.discount_percent,
            max_manual_discount=agreement.max_manual_discount,
        ):
            violations.append(
                Violation(
                    C.AGREEMENT_PRICE_MISMATCH,
                    _(
                        "%(product)s: the price %(price)s less %(discount)s%% differs from "
                        "the agreement's %(expected)s by more than the allowed manual "
                        "discount of %(allowed)s%%."
                    )
                    % {
                        "product": line.product.name,
                        "price": line.price,
                        "discount": line.discount_percent,
                        "expected": price,
                        "allowed": agreement.max_manual_discount,
                    },
                    f"lines.{index}.price",
                )
            )

    order_stages = [s.as_tuple() for s in order.stages.all()]
    agreement_stages = [s.as_tuple() for s in agreement.stages.all()]
    if not rules.schedules_match(order_stages, agreement_stages):
        violations.append(
            Violation(
                C.AGREEMENT_SCHEDULE_MISMATCH,
                _("The payment schedule differs from the agreement's."),
                "stages",
            )
        )
    if order.tax_regime != agreement.tax_regime:
        violations.append(
            Violation(
                C.AGREEMENT_TAX_REGIME_MISMATCH,
                _("The tax regime must be the agreement's: %(regime)s.")
                % {"regime": agreement.get_tax_regime_display()},
                "tax_regime",
            )
        )
    earliest = rules.earliest_delivery(order.date, agreement.delivery_days)
    if order.delivery_date < earliest:
        violations.append(
            Violation(
                C.ORDER_DELIVERY_TOO_EARLY,
                _("The agreement's delivery term allows delivery from %(date)s on.")
                % {"date": earliest.isoformat()},
                "delivery_date",
            )
        )
    if agreement.contract_required and order.contract is None:
        violations.append(
            Violation(
                C.ORDER_CONTRACT_MISSING,
                _("The agreement requires a contract on its orders."),
                "contract_id",
            )
        )
    return violations
