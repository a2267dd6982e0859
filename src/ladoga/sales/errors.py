"""Stable codes of the sales domain's rule errors, and its error classes.

The codes are part of the API: integrators act on them, so they never change meaning. The
messages are translated; the codes are not.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ladoga.core.errors import DomainError


class SalesCode(StrEnum):
    # Catalogue (S1)
    PRODUCT_CODE_REQUIRED = "product_code_required"
    PRODUCT_CODE_TAKEN = "product_code_taken"
    PRODUCT_NAME_REQUIRED = "product_name_required"
    PRODUCT_GROUP_NAME_TAKEN = "product_group_name_taken"
    VAT_RATE_INVALID = "vat_rate_invalid"
    PRICE_TYPE_NAME_REQUIRED = "price_type_name_required"
    PRICE_TYPE_NAME_TAKEN = "price_type_name_taken"
    PRICE_TYPE_CYCLE = "price_type_cycle"
    PRICE_TYPE_DERIVED = "price_type_derived"
    PRICE_NEGATIVE = "price_negative"
    PERCENT_INVALID = "percent_invalid"
    # Segments (S2)
    SEGMENT_RULE_EMPTY = "segment_rule_empty"
    SEGMENT_RULE_INVALID = "segment_rule_invalid"
    # Agreements and contracts (S3–S5)
    AGREEMENT_NAME_REQUIRED = "agreement_name_required"
    AGREEMENT_SCHEDULE_INVALID = "agreement_schedule_invalid"
    TAX_REGIME_UNKNOWN = "tax_regime_unknown"
    DELIVERY_DAYS_INVALID = "delivery_days_invalid"
    AGREEMENT_VALIDITY_INVALID = "agreement_validity_invalid"
    AGREEMENT_VALIDITY_OVERLAP = "agreement_validity_overlap"
    AGREEMENT_NOT_TYPICAL = "agreement_not_typical"
    AGREEMENT_NOT_EDITABLE = "agreement_not_editable"
    AGREEMENT_TRANSITION_INVALID = "agreement_transition_invalid"
    AGREEMENT_APPROVE_FORBIDDEN = "agreement_approve_forbidden"
    AGREEMENT_PARTNER_REQUIRED = "agreement_partner_required"
    CONTRACT_NUMBER_REQUIRED = "contract_number_required"
    CONTRACT_NUMBER_TAKEN = "contract_number_taken"
    # Documents: shared input checks
    PERMISSION_DENIED = "permission_denied"
    COUNTERPARTY_OF_ANOTHER_PARTNER = "counterparty_of_another_partner"
    CONTRACT_OF_ANOTHER_PARTNER = "contract_of_another_partner"
    PROPOSAL_DEAL_OF_ANOTHER_PARTNER = "proposal_deal_of_another_partner"
    ORDER_DEAL_OF_ANOTHER_PARTNER = "order_deal_of_another_partner"
    SUPPLIER_ORDER_DEAL_OF_ANOTHER_PARTNER = "supplier_order_deal_of_another_partner"
    LINES_EMPTY = "lines_empty"
    QUANTITY_INVALID = "quantity_invalid"
    DISCOUNT_INVALID = "discount_invalid"
    DATE_INVALID = "date_invalid"
    STATUS_UNKNOWN = "status_unknown"
    # Proposal life cycle (S6)
    PROPOSAL_NOT_DRAFT = "proposal_not_draft"
    PROPOSAL_TRANSITION_INVALID = "proposal_transition_invalid"
    # Customer order posting control (S7): every code names one rule
    ORDER_AGREEMENT_MISSING = "order_agreement_missing"
    AGREEMENT_NOT_ACTIVE = "agreement_not_active"
    AGREEMENT_NOT_VALID_ON_DATE = "agreement_not_valid_on_date"
    AGREEMENT_NOT_APPLICABLE = "agreement_not_applicable"
    AGREEMENT_PRICE_MISMATCH = "agreement_price_mismatch"
    AGREEMENT_PRICE_MISSING = "agreement_price_missing"
    AGREEMENT_SCHEDULE_MISMATCH = "agreement_schedule_mismatch"
    AGREEMENT_TAX_REGIME_MISMATCH = "agreement_tax_regime_mismatch"
    ORDER_DELIVERY_TOO_EARLY = "order_delivery_too_early"
    ORDER_CONTRACT_MISSING = "order_contract_missing"
    ORDER_CONTRACT_MISMATCH = "order_contract_mismatch"
    ORDER_PRODUCT_ARCHIVED = "order_product_archived"
    ORDER_COUNTERPARTY_LIQUIDATED = "order_counterparty_liquidated"
    ORDER_LINES_EMPTY = "order_lines_empty"
    # Order life cycle
    ORDER_POSTED = "order_posted"
    ORDER_NOT_POSTED = "order_not_posted"
    ORDER_HAS_DOCUMENTS = "order_has_documents"
    # Invoices, shipments, payments (S8)
    INVOICE_EXISTS = "invoice_exists"
    SHIPMENT_EXCEEDS_ORDER = "shipment_exceeds_order"
    SHIPMENT_LINE_UNKNOWN = "shipment_line_unknown"
    SHIPMENT_NOTHING_LEFT = "shipment_nothing_left"
    PAYMENT_AMOUNT_INVALID = "payment_amount_invalid"
    PAYMENT_EXCEEDS_BALANCE = "payment_exceeds_balance"
    # Supplier orders (S9)
    SUPPLIER_NOT_SUPPLIER = "supplier_not_supplier"


class PostingBlocked(DomainError):
    """The order breaks the agreed conditions; every violation is listed (S7)."""

    title = _("The order cannot be posted")


class Forbidden(DomainError):
    """The user may see the record but may not do this to it."""

    status = 403
    title = _("You may not do this")
