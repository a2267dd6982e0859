"""Stable codes of the deals domain's rule errors (D1–D10, A1, A2, A4), and its errors.

The codes are part of the API: integrators act on them, so they never change meaning. The
messages are translated; the codes are not. The guard codes (`deal_agreement_missing`…)
live in `guards.py` with their rules.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ladoga.core.errors import Conflict, DomainError


class DealsCode(StrEnum):
    # kinds and stages
    KIND_NAME_REQUIRED = "deal_kind_name_required"
    KIND_NAME_TAKEN = "deal_kind_name_taken"
    KIND_PROCESS_UNKNOWN = "deal_kind_process_unknown"
    KIND_PROCESS_LOCKED = "deal_kind_process_locked"
    KIND_INACTIVE = "deal_kind_inactive"
    KIND_STAGES_REQUIRED = "deal_kind_stages_required"
    KIND_STAGES_FORBIDDEN = "deal_kind_stages_forbidden"
    KIND_OUTCOME_STAGES = "deal_kind_outcome_stages"
    STAGE_CODE_INVALID = "deal_stage_code_invalid"
    STAGE_CODE_DUPLICATE = "deal_stage_code_duplicate"
    STAGE_NAME_REQUIRED = "deal_stage_name_required"
    STAGE_OUTCOME_UNKNOWN = "deal_stage_outcome_unknown"
    STAGE_IN_USE = "deal_stage_in_use"
    GUARD_UNKNOWN = "deal_guard_unknown"
    TEMPLATE_TITLE_REQUIRED = "deal_task_template_title_required"
    TEMPLATE_ASSIGNEE_INVALID = "deal_task_template_assignee_invalid"
    LINK_INVALID = "deal_kind_link_invalid"
    PROBABILITY_INVALID = "deal_probability_invalid"
    NORM_DAYS_INVALID = "deal_norm_days_invalid"
    # deals
    NAME_REQUIRED = "deal_name_required"
    PARTNER_INVALID = "deal_partner_invalid"
    CONTACT_INVALID = "deal_contact_invalid"
    MANAGER_INVALID = "deal_manager_invalid"
    AMOUNT_INVALID = "deal_amount_invalid"
    CURRENCY_INVALID = "deal_currency_invalid"
    AGREEMENT_INVALID = "deal_agreement_invalid"
    SOURCE_UNKNOWN = "deal_source_unknown"
    INTERACTION_INVALID = "deal_interaction_invalid"
    FIELD_NOT_CHANGEABLE = "deal_field_not_changeable"
    CLOSED = "deal_closed"
    NOT_CLOSED = "deal_not_closed"
    # moving and closing
    STAGE_OTHER_KIND = "deal_stage_other_kind"
    STAGE_SAME = "deal_stage_same"
    STAGE_SKIPPED = "deal_stage_skipped"
    STAGE_BLOCKED = "deal_stage_blocked"
    STAGE_IS_OUTCOME = "deal_stage_is_outcome"
    NO_STAGES = "deal_kind_has_no_stages"
    WIN_NOT_REACHABLE = "deal_win_not_reachable"
    LOSS_REASON_REQUIRED = "deal_loss_reason_required"
    LOSS_REASON_UNKNOWN = "deal_loss_reason_unknown"
    COMPETITOR_INVALID = "deal_competitor_invalid"
    REOPEN_FORBIDDEN = "deal_reopen_forbidden"
    # catalogue, environment, documents
    REASON_NAME_REQUIRED = "deal_loss_reason_name_required"
    REASON_NAME_TAKEN = "deal_loss_reason_name_taken"
    PARTY_REQUIRED = "deal_party_required"
    PARTY_ROLE_UNKNOWN = "deal_party_role_unknown"
    PARTY_DUPLICATE = "deal_party_duplicate"
    PARTY_IS_CLIENT = "deal_party_is_the_client"
    TASK_TITLE_REQUIRED = "deal_task_title_required"
    TASK_ASSIGNEE_INVALID = "deal_task_assignee_invalid"
    DOCUMENT_INVALID = "deal_document_invalid"
    # reports
    REPORT_PERIOD_INVALID = "deal_report_period_invalid"
    REPORT_KIND_REQUIRED = "deal_report_kind_required"
    REPORT_GROUP_UNKNOWN = "deal_report_group_unknown"


class DealStageBlocked(DomainError):
    """A move refused by the stage's guards; `violations` lists every unmet guard."""

    title = _("The deal cannot move to this stage yet")


class DealClosed(Conflict):
    """A won or lost deal is not changed; a head reopens it first."""

    title = _("The deal is closed")


class DealForbidden(DomainError):
    """The user's role may not do this to a deal (reopening is for heads)."""

    status = 403
    title = _("Your role may not do this")
