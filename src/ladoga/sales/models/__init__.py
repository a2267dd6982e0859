"""The sales domain's models, split by concept (see docs/sales.md)."""

from .agreements import (
    Agreement,
    AgreementKind,
    AgreementStage,
    AgreementStatus,
    AgreementTransition,
    Contract,
    PaymentBasis,
    TaxRegime,
)
from .catalogue import Price, PriceType, Product, ProductGroup
from .company import OwnCompany
from .documents import (
    CustomerOrder,
    OrderAction,
    OrderEvent,
    OrderLine,
    OrderStage,
    OrderStatus,
    Proposal,
    ProposalLine,
    ProposalStatus,
)
from .purchasing import SupplierOrder, SupplierOrderLine, SupplierOrderStatus
from .segments import SegmentRule
from .settlements import Invoice, InvoiceStage, Payment, Shipment, ShipmentLine

__all__ = [
    "Agreement",
    "AgreementKind",
    "AgreementStage",
    "AgreementStatus",
    "AgreementTransition",
    "Contract",
    "CustomerOrder",
    "Invoice",
    "InvoiceStage",
    "OrderAction",
    "OrderEvent",
    "OrderLine",
    "OrderStage",
    "OrderStatus",
    "OwnCompany",
    "Payment",
    "PaymentBasis",
    "Price",
    "PriceType",
    "Product",
    "ProductGroup",
    "Proposal",
    "ProposalLine",
    "ProposalStatus",
    "SegmentRule",
    "Shipment",
    "ShipmentLine",
    "SupplierOrder",
    "SupplierOrderLine",
    "SupplierOrderStatus",
    "TaxRegime",
]
