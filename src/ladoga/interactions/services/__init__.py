"""Writes of the interactions domain: one function per business command (DESIGN.md).

Every command takes keyword arguments only, raises DomainError subclasses with
InteractionsCode codes and writes nothing when it fails. Commands that change an existing
record take `expected_version` (X5; None skips the check for internal use).
"""

from .feeds import calendar_feed_create, calendar_feed_revoke, calendar_feed_user
from .given_participants import ParticipantData
from .interactions import interaction_create, interaction_reschedule, interaction_update
from .mail import email_register, email_send
from .mailboxes import (
    FetchResult,
    mail_account_can_change,
    mail_account_connect,
    mail_account_delete,
    mail_account_fetch,
    mail_account_test,
    mail_account_update,
    mail_accounts_fetch_all,
    mail_sent_file,
)
from .norms import (
    contact_follow_up_plan,
    contact_norm_create,
    contact_norm_delete,
    contact_norm_update,
)
from .participants import (
    Suggestion,
    address_match,
    address_suggestions,
    contact_from_participant,
    participant_link,
    participant_suggestions,
)
from .reminders import (
    notification_read,
    notification_send,
    notifications_read_all,
    reminders_deliver,
    reminders_due,
    reminders_schedule,
)
from .review import interaction_review
from .tasks import task_cancel, task_complete, task_create, task_update

__all__ = [
    "FetchResult",
    "ParticipantData",
    "Suggestion",
    "address_match",
    "address_suggestions",
    "calendar_feed_create",
    "calendar_feed_revoke",
    "calendar_feed_user",
    "contact_follow_up_plan",
    "contact_from_participant",
    "contact_norm_create",
    "contact_norm_delete",
    "contact_norm_update",
    "email_register",
    "email_send",
    "interaction_create",
    "interaction_reschedule",
    "interaction_review",
    "interaction_update",
    "mail_account_can_change",
    "mail_account_connect",
    "mail_account_delete",
    "mail_account_fetch",
    "mail_account_test",
    "mail_account_update",
    "mail_accounts_fetch_all",
    "mail_sent_file",
    "notification_read",
    "notification_send",
    "notifications_read_all",
    "participant_link",
    "participant_suggestions",
    "reminders_deliver",
    "reminders_due",
    "reminders_schedule",
    "task_cancel",
    "task_complete",
    "task_create",
    "task_update",
]
