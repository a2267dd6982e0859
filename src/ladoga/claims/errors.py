"""Stable codes of the claims domain's rule errors (C1–C5).

The codes are part of the API: integrators act on them, so they never change meaning. The
messages are translated; the codes are not.
"""

from enum import StrEnum


class ClaimsCode(StrEnum):
    ESSENCE_REQUIRED = "claim_essence_required"
    DATE_REQUIRED = "claim_date_required"
    PARTNER_REQUIRED = "claim_partner_required"
    PARTNER_ARCHIVED = "claim_partner_archived"
    COUNTERPARTY_FOREIGN = "claim_counterparty_not_of_partner"
    ORDER_FOREIGN = "claim_order_not_of_partner"
    ORDER_UNKNOWN = "claim_order_unknown"
    DEAL_UNKNOWN = "claim_deal_unknown"
    DEAL_FOREIGN = "claim_deal_not_of_partner"
    REASON_UNKNOWN = "claim_reason_unknown"
    REASON_NAME_REQUIRED = "claim_reason_name_required"
    REASON_NAME_TAKEN = "claim_reason_name_taken"
    EMPLOYEE_INVALID = "claim_employee_invalid"
    RESPONSIBLE_INVALID = "claim_responsible_invalid"
    DEPARTMENT_UNKNOWN = "claim_department_unknown"
    STATUS_UNKNOWN = "claim_status_unknown"
    TRANSITION_NOT_ALLOWED = "claim_transition_not_allowed"
    RESOLUTION_REQUIRED = "claim_resolution_required"
    RESOLUTION_UNKNOWN = "claim_resolution_unknown"
    RESULT_REQUIRED = "claim_result_required"
    COMPENSATION_NEGATIVE = "claim_compensation_negative"
    COMPENSATION_ABOVE_ORDER = "claim_compensation_above_order"
    COMPENSATION_WHEN_REJECTED = "claim_compensation_when_rejected"
    COMPENSATION_INVALID = "claim_compensation_invalid"
    CLAIM_CLOSED = "claim_closed"
    FIELD_NOT_CHANGEABLE = "claim_field_not_changeable"
    COMMENT_REQUIRED = "claim_comment_required"
    COMMENT_TOO_LONG = "claim_comment_too_long"
    TASK_TITLE_REQUIRED = "claim_task_title_required"
    TASK_ASSIGNEE_INVALID = "claim_task_assignee_invalid"
    INTERACTION_UNKNOWN = "claim_interaction_unknown"
    REPORT_PERIOD_INVALID = "claim_report_period_invalid"
