"""Stable codes of the loyalty domain's rule errors. Integrators act on the codes; the
messages are translated, the codes never change meaning."""

from enum import StrEnum


class LoyaltyCode(StrEnum):
    # Card kinds (L1)
    KIND_NAME_REQUIRED = "loyalty_kind_name_required"
    KIND_NAME_TAKEN = "loyalty_kind_name_taken"
    KIND_PERCENT_INVALID = "loyalty_kind_percent_invalid"
    KIND_THRESHOLDS_INVALID = "loyalty_kind_thresholds_invalid"
    KIND_PERIOD_INVALID = "loyalty_kind_period_invalid"
    KIND_VALIDITY_INVALID = "loyalty_kind_validity_invalid"
    KIND_FORMAT_INVALID = "loyalty_kind_format_invalid"
    KIND_VALUE_UNKNOWN = "loyalty_kind_value_unknown"
    # Cards (L2)
    CARD_NUMBER_INVALID = "loyalty_card_number_invalid"
    CARD_CHECK_DIGIT_INVALID = "loyalty_card_check_digit_invalid"
    CARD_NUMBER_TAKEN = "loyalty_card_number_taken"
    CARD_KIND_BLOCKED = "loyalty_card_kind_blocked"
    CARD_HOLDER_REQUIRED = "loyalty_card_holder_required"
    CARD_HOLDER_ARCHIVED = "loyalty_card_holder_archived"
    CARD_HOLDER_NOT_PERSON = "loyalty_card_holder_not_person"
    CARD_VALIDITY_INVALID = "loyalty_card_validity_invalid"
    CARD_NOT_ACTIVE = "loyalty_card_not_active"
    CARD_REPLACED = "loyalty_card_replaced"
    PERMISSION_DENIED = "loyalty_permission_denied"
    # A card on an order (posting control, S7)
    CARD_EXPIRED = "loyalty_card_expired"
    CARD_BLOCKED = "loyalty_card_blocked"
    CARD_NOT_HOLDERS = "loyalty_card_not_holders"
