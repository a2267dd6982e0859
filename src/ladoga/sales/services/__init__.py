"""Writes of the sales domain: one function per business command (DESIGN.md).

Every command takes keyword arguments only, runs in one transaction, raises DomainError
subclasses with SalesCode codes and writes nothing when it fails. `by=None` is the system
itself (demo data, tasks) and skips the role checks.
"""

from ._common import LineIn
from .agreements import (
    agreement_approve,
    agreement_create,
    agreement_individual_create,
    agreement_transition,
    agreement_update,
    contract_create,
    contract_update,
)
from .catalogue import (
    price_set,
    price_type_create,
    price_type_update,
    product_create,
    product_group_create,
    product_update,
)
from .company import company_update, own_company
from .orders import (
    order_create,
    order_post,
    order_refill_from_agreement,
    order_unpost,
    order_update,
)
from .proposals import (
    proposal_create,
    proposal_edit_check,
    proposal_transition,
    proposal_update,
)
from .purchasing import supplier_order_create, supplier_order_from_order
from .segments import segment_recompute, segment_rule_set, segments_recompute
from .settlements import invoice_create, payment_create, shipment_create

__all__ = [
    "LineIn",
    "agreement_approve",
    "agreement_create",
    "agreement_individual_create",
    "agreement_transition",
    "agreement_update",
    "company_update",
    "contract_create",
    "contract_update",
    "invoice_create",
    "order_create",
    "order_post",
    "order_refill_from_agreement",
    "order_unpost",
    "order_update",
    "own_company",
    "payment_create",
    "price_set",
    "price_type_create",
    "price_type_update",
    "product_create",
    "product_group_create",
    "product_update",
    "proposal_create",
    "proposal_edit_check",
    "proposal_transition",
    "proposal_update",
    "segment_recompute",
    "segment_rule_set",
    "segments_recompute",
    "shipment_create",
    "supplier_order_create",
    "supplier_order_from_order",
]
