"""Request and response shapes of the sales API. Money, quantities and percentages are
decimal strings; dates ISO 8601."""

import datetime
from decimal import Decimal

from ninja import Field, Schema

from ladoga.core.api import FreeText, Money

DEAL_ID = (
    "The deal the document is made for: a deal that exists and the caller may see "
    "(422 `not_found` on `deal_id` otherwise)"
)


class ProductGroupIn(Schema):
    name: str = Field(max_length=150)
    parent_id: int | None = None


class ProductGroupOut(Schema):
    id: int
    name: str
    parent_id: int | None


class ProductIn(Schema):
    code: str = Field(max_length=50)
    name: str = Field(max_length=255)
    unit: str = Field("pcs", max_length=20)
    vat_rate: Decimal = Decimal("20")
    group_id: int | None = None
    description: FreeText = ""


class ProductPatch(Schema):
    code: str | None = Field(None, max_length=50)
    name: str | None = Field(None, max_length=255)
    unit: str | None = Field(None, max_length=20)
    vat_rate: Decimal | None = None
    group_id: int | None = None
    description: FreeText | None = None
    is_archived: bool | None = None


class ProductOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    vat_rate: Decimal
    group_id: int | None
    description: str
    is_archived: bool
    version: int


class PriceTypeIn(Schema):
    name: str = Field(max_length=150)
    currency: str = Field("RUB", max_length=3)
    base_id: int | None = None
    percent: Decimal = Decimal("0")


class PriceTypePatch(Schema):
    name: str | None = Field(None, max_length=150)
    base_id: int | None = None
    percent: Decimal | None = None
    is_archived: bool | None = None


class PriceTypeOut(Schema):
    id: int
    name: str
    currency: str
    base_id: int | None
    percent: Decimal
    is_archived: bool
    version: int


class PriceIn(Schema):
    product_id: int
    price_type_id: int
    effective_from: datetime.date
    amount: Decimal


class PriceOut(Schema):
    id: int
    product_id: int
    price_type_id: int
    effective_from: datetime.date
    amount: Money


class PriceOnDateOut(Schema):
    product_id: int
    price_type_id: int
    on: datetime.date
    price: Money | None


class SegmentRuleIn(Schema):
    """At least one condition; all of those given must hold."""

    segment_id: int
    role: str = ""
    group_id: int | None = None
    property_id: int | None = None
    property_value: str = Field("", max_length=1000)
    region: str = Field(
        "",
        max_length=200,
        description="Text found, in any case, in a counterparty's legal address or in an "
        "address of the partner's contact information (e.g. Москва)",
    )
    abc_class: str = Field(
        "",
        description="A, B or C by revenue over the last twelve months: A the first 80 %, "
        "B the next 15 %, C the rest and partners without revenue",
    )


class SegmentRuleOut(Schema):
    id: int
    segment_id: int
    segment_name: str = Field(alias="segment.name")
    role: str
    group_id: int | None
    property_id: int | None
    property_value: str
    region: str
    abc_class: str
    recomputed_at: datetime.datetime | None
    member_count: int


class PaymentStageIn(Schema):
    basis: str = Field(description="prepayment (days after the order) or credit (after shipment)")
    percent: Decimal
    days: int = 0


class PaymentStageOut(Schema):
    basis: str
    percent: Decimal
    days: int


class AgreementIn(Schema):
    """A typical agreement; with `typical_id` and `partner_id`, an individual one made from
    that typical agreement (conditions not given are copied from it)."""

    name: str | None = Field(None, max_length=255)
    typical_id: int | None = None
    partner_id: int | None = None
    price_type_id: int | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    stages: list[PaymentStageIn] | None = None
    delivery_days: int | None = None
    tax_regime: str | None = None
    discount_percent: Decimal | None = None
    max_manual_discount: Decimal | None = None
    segment_ids: list[int] | None = None
    contract_required: bool | None = None
    returnable_packaging: bool | None = None
    comment: FreeText | None = None


class AgreementPatch(Schema):
    name: str | None = Field(None, max_length=255)
    price_type_id: int | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    stages: list[PaymentStageIn] | None = None
    delivery_days: int | None = None
    tax_regime: str | None = None
    discount_percent: Decimal | None = None
    max_manual_discount: Decimal | None = None
    segment_ids: list[int] | None = None
    contract_required: bool | None = None
    returnable_packaging: bool | None = None
    comment: FreeText | None = None


class AgreementOut(Schema):
    id: int
    number: str
    kind: str
    name: str
    status: str
    typical_id: int | None
    partner_id: int | None
    price_type_id: int
    valid_from: datetime.date
    valid_to: datetime.date | None
    delivery_days: int
    tax_regime: str
    discount_percent: Decimal
    max_manual_discount: Decimal
    contract_required: bool
    returnable_packaging: bool
    comment: str
    approved_by_id: int | None
    approved_at: datetime.datetime | None
    version: int


class AgreementDetailOut(AgreementOut):
    stages: list[PaymentStageOut]
    segment_ids: list[int]


class AgreementTransitionIn(Schema):
    status: str


class ContractIn(Schema):
    counterparty_id: int
    number: str = Field(max_length=50)
    date: datetime.date
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    agreement_id: int | None = None
    subject: str = Field("", max_length=255)


class ContractPatch(Schema):
    number: str | None = Field(None, max_length=50)
    date: datetime.date | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    agreement_id: int | None = None
    subject: str | None = Field(None, max_length=255)


class ContractOut(Schema):
    id: int
    number: str
    date: datetime.date
    partner_id: int
    counterparty_id: int
    agreement_id: int | None
    valid_from: datetime.date
    valid_to: datetime.date | None
    subject: str
    version: int


class LineIn(Schema):
    product_id: int
    quantity: Decimal
    price: Decimal | None = Field(None, description="leave out to take the agreement's price")
    discount_percent: Decimal = Decimal("0")


class LineOut(Schema):
    id: int
    position: int
    product_id: int
    quantity: Decimal
    price: Money
    discount_percent: Decimal
    vat_rate: Decimal
    amount: Money
    vat_amount: Money
    total: Money


class SalesDocumentOut(Schema):
    id: int
    number: str
    date: datetime.date
    status: str
    partner_id: int
    counterparty_id: int | None
    agreement_id: int | None
    deal_id: int | None
    manager_id: int | None
    tax_regime: str
    currency: str
    amount: Money
    vat_total: Money
    total: Money
    comment: str
    version: int


class ProposalIn(Schema):
    partner_id: int
    lines: list[LineIn]
    agreement_id: int | None = None
    counterparty_id: int | None = None
    date: datetime.date | None = None
    valid_until: datetime.date | None = None
    deal_id: int | None = Field(None, description=DEAL_ID)
    tax_regime: str | None = None
    comment: FreeText = ""


class ProposalPatch(Schema):
    status: str | None = None
    lines: list[LineIn] | None = None
    agreement_id: int | None = None
    counterparty_id: int | None = None
    date: datetime.date | None = None
    valid_until: datetime.date | None = None
    deal_id: int | None = Field(None, description=DEAL_ID)
    tax_regime: str | None = None
    comment: FreeText | None = None


class ProposalOut(SalesDocumentOut):
    valid_until: datetime.date | None


class ProposalDetailOut(ProposalOut):
    lines: list[LineOut]


class OrderIn(Schema):
    partner_id: int
    counterparty_id: int
    lines: list[LineIn] = []
    agreement_id: int | None = None
    contract_id: int | None = None
    date: datetime.date | None = None
    delivery_date: datetime.date | None = None
    stages: list[PaymentStageIn] | None = Field(
        None, description="leave out to take the agreement's"
    )
    tax_regime: str | None = None
    deal_id: int | None = Field(None, description=DEAL_ID)
    comment: FreeText = ""
    loyalty_card_id: int | None = Field(
        None, description="a loyalty card of the client: its discount goes into the prices"
    )


class OrderPatch(Schema):
    counterparty_id: int | None = None
    lines: list[LineIn] | None = None
    agreement_id: int | None = None
    contract_id: int | None = None
    date: datetime.date | None = None
    delivery_date: datetime.date | None = None
    stages: list[PaymentStageIn] | None = None
    tax_regime: str | None = None
    deal_id: int | None = Field(None, description=DEAL_ID)
    comment: FreeText | None = None
    loyalty_card_id: int | None = None


class OrderOut(SalesDocumentOut):
    contract_id: int | None
    loyalty_card_id: int | None
    delivery_date: datetime.date
    posted_at: datetime.datetime | None


class OrderEventOut(Schema):
    action: str
    reason: str
    by_id: int | None
    at: datetime.datetime


class OrderDetailOut(OrderOut):
    lines: list[LineOut]
    stages: list[PaymentStageOut]
    events: list[OrderEventOut]


class UnpostIn(Schema):
    reason: str = Field("", max_length=500)


class InvoiceIn(Schema):
    order_id: int
    date: datetime.date | None = None


class InvoiceStageOut(PaymentStageOut):
    amount: Money
    due_date: datetime.date
    paid: Money


class InvoiceOut(Schema):
    id: int
    number: str
    date: datetime.date
    order_id: int
    partner_id: int
    counterparty_id: int
    currency: str
    total: Money
    vat_total: Money
    paid: Money
    balance: Money
    version: int


class InvoiceDetailOut(InvoiceOut):
    stages: list[InvoiceStageOut]


class ShipmentLineIn(Schema):
    order_line_id: int
    quantity: Decimal


class ShipmentIn(Schema):
    order_id: int
    date: datetime.date | None = None
    lines: list[ShipmentLineIn] | None = Field(None, description="leave out to ship the rest")


class ShipmentLineOut(Schema):
    order_line_id: int
    product_id: int
    quantity: Decimal
    vat_amount: Money
    total: Money


class ShipmentOut(Schema):
    id: int
    number: str
    date: datetime.date
    order_id: int
    partner_id: int
    counterparty_id: int
    currency: str
    total: Money
    vat_total: Money
    version: int


class ShipmentDetailOut(ShipmentOut):
    lines: list[ShipmentLineOut]


class PaymentIn(Schema):
    invoice_id: int
    amount: Decimal
    date: datetime.date | None = None


class PaymentOut(Schema):
    id: int
    number: str
    date: datetime.date
    invoice_id: int
    partner_id: int
    amount: Money
    due_date: datetime.date
    days_late: int
    version: int


class SupplierOrderLineIn(Schema):
    product_id: int
    quantity: Decimal
    price: Decimal = Decimal("0")


class SupplierOrderIn(Schema):
    """Lines, or `order_id` alone to order everything a customer order holds."""

    supplier_id: int
    order_id: int | None = None
    deal_id: int | None = Field(None, description=DEAL_ID)
    lines: list[SupplierOrderLineIn] | None = None
    date: datetime.date | None = None
    comment: FreeText = ""


class SupplierOrderLineOut(Schema):
    product_id: int
    quantity: Decimal
    price: Money
    amount: Money


class SupplierOrderOut(Schema):
    id: int
    number: str
    date: datetime.date
    status: str
    partner_id: int
    customer_order_id: int | None
    deal_id: int | None
    currency: str
    total: Money
    comment: str
    version: int


class SupplierOrderDetailOut(SupplierOrderOut):
    lines: list[SupplierOrderLineOut]


class CompanyPatch(Schema):
    name: str | None = Field(None, max_length=255)
    full_name: str | None = Field(None, max_length=500)
    inn: str | None = Field(None, max_length=12)
    kpp: str | None = Field(None, max_length=9)
    ogrn: str | None = Field(None, max_length=15)
    address: str | None = Field(None, max_length=500)
    phone: str | None = Field(None, max_length=50)
    email: str | None = Field(None, max_length=254)
    bank_name: str | None = Field(None, max_length=255)
    bik: str | None = Field(None, max_length=9)
    account: str | None = Field(None, max_length=20)
    correspondent_account: str | None = Field(None, max_length=20)
    director: str | None = Field(None, max_length=255)
    accountant: str | None = Field(None, max_length=255)


class CompanyOut(Schema):
    name: str
    full_name: str
    inn: str
    kpp: str
    ogrn: str
    address: str
    phone: str
    email: str
    bank_name: str
    bik: str
    account: str
    correspondent_account: str
    director: str
    accountant: str
    version: int
