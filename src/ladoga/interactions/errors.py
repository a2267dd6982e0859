"""Stable codes of the interactions domain's rule errors, and its error classes.

The codes are part of the API: integrators act on them, so they never change meaning. The
messages are translated; the codes are not.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ladoga.core.errors import DomainError


class InteractionsCode(StrEnum):
    KIND_UNKNOWN = "interaction_kind_unknown"
    DIRECTION_UNKNOWN = "interaction_direction_unknown"
    TITLE_REQUIRED = "interaction_title_required"
    START_REQUIRED = "interaction_start_required"
    END_BEFORE_START = "interaction_end_before_start"
    DURATION_INVALID = "interaction_duration_invalid"
    PHONE_INVALID = "interaction_phone_invalid"
    EMAIL_INVALID = "interaction_email_invalid"
    RECIPIENT_REQUIRED = "interaction_recipient_required"
    PARTICIPANT_EMPTY = "interaction_participant_empty"
    PARTICIPANT_ROLE_UNKNOWN = "interaction_participant_role_unknown"
    LINK_NOT_FOUND = "interaction_link_not_found"
    SUBJECT_UNKNOWN = "interaction_subject_unknown"
    SUBJECT_NOT_FOUND = "interaction_subject_not_found"
    SUBJECT_IS_ITSELF = "interaction_subject_is_itself"
    SUBJECT_OF_ANOTHER_PARTNER = "interaction_subject_of_another_partner"
    RESPONSIBLE_INVALID = "interaction_responsible_invalid"
    REVIEW_AFTER_PAST = "interaction_review_after_past"
    REMINDER_AFTER_EVENT = "interaction_reminder_after_event"
    REMINDER_WITHOUT_START = "interaction_reminder_without_start"
    NOT_EDITABLE = "interaction_not_editable"
    NOT_A_DRAFT = "email_not_a_draft"
    SEND_FAILED = "email_send_failed"
    SEND_IN_PROGRESS = "email_send_in_progress"
    EML_NOT_A_MESSAGE = "eml_not_a_message"
    EML_BROKEN = "eml_broken_mime"
    EML_DUPLICATE = "eml_duplicate"
    MAIL_ACCOUNT_FIELD_REQUIRED = "mail_account_field_required"
    MAIL_ACCOUNT_PORT_INVALID = "mail_account_port_invalid"
    MAIL_ACCOUNT_SECURITY_UNKNOWN = "mail_account_security_unknown"
    MAIL_ACCOUNT_DEPARTMENT_INVALID = "mail_account_department_invalid"
    MAIL_ACCOUNT_AUTH_FAILED = "mail_account_auth_failed"
    MAIL_ACCOUNT_CERTIFICATE_UNTRUSTED = "mail_account_certificate_untrusted"
    MAIL_ACCOUNT_UNREACHABLE = "mail_account_unreachable"
    MAIL_ACCOUNT_FOLDER_MISSING = "mail_account_folder_missing"
    MAIL_ACCOUNT_FORBIDDEN = "mail_account_forbidden"
    TASK_TITLE_REQUIRED = "task_title_required"
    TASK_ASSIGNEE_INVALID = "task_assignee_invalid"
    TASK_STATUS_UNKNOWN = "task_status_unknown"
    TASK_NOT_OPEN = "task_not_open"
    FEED_TOKEN_INVALID = "calendar_feed_token_invalid"
    NORM_NAME_REQUIRED = "contact_norm_name_required"
    NORM_DAYS_INVALID = "contact_norm_days_invalid"
    NORM_TARGET_REQUIRED = "contact_norm_target_required"
    NORM_SEGMENT_UNKNOWN = "contact_norm_segment_unknown"
    NORM_CLASS_UNKNOWN = "contact_norm_class_unknown"
    NORM_COUNTED_UNKNOWN = "contact_norm_counted_unknown"
    NORM_KINDS_INVALID = "contact_norm_kinds_invalid"
    NORM_FORBIDDEN = "contact_norm_forbidden"


class EmailSendFailed(DomainError):
    """The mail server refused the message or could not be reached; the draft is kept.

    A 4xx like every "clear error" (SPEC.md): the request was understood, the message stays
    a draft with the reason, and the user may send it again.
    """

    title = _("The e-mail could not be sent")


class NormForbidden(DomainError):
    """Only heads and administrators configure contact norms."""

    status = 403
    title = _("Your role may not do this")


class MailAccountForbidden(DomainError):
    """Only the owner of a mail account (and an administrator) change or delete it; the
    people it is shared with see it and fetch it."""

    status = 403
    title = _("Only the owner of the mail account may do this")
