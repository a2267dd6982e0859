"""The interactions domain's models, split by concept."""

from .interaction import (
    EVENT_KINDS,
    Direction,
    EmailStatus,
    Interaction,
    InteractionKind,
    Participant,
    ParticipantRole,
    ReviewStatus,
)
from .mailbox import ImportedMessage, MailAccount, MailAccountStatus, MailSecurity
from .norm import (
    CONTACT_KINDS,
    NORM_DAYS_MAX,
    AbcClass,
    ContactFollowUp,
    ContactNorm,
    CountedContacts,
    XyzClass,
)
from .reminder import CalendarFeed, Notification, Reminder, ReminderEmail
from .task import Task, TaskStatus

__all__ = [
    "CONTACT_KINDS",
    "EVENT_KINDS",
    "NORM_DAYS_MAX",
    "AbcClass",
    "CalendarFeed",
    "ContactFollowUp",
    "ContactNorm",
    "CountedContacts",
    "Direction",
    "EmailStatus",
    "ImportedMessage",
    "Interaction",
    "InteractionKind",
    "MailAccount",
    "MailAccountStatus",
    "MailSecurity",
    "Notification",
    "Participant",
    "ParticipantRole",
    "Reminder",
    "ReminderEmail",
    "ReviewStatus",
    "Task",
    "TaskStatus",
    "XyzClass",
]
