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
from .reminder import CalendarFeed, Notification, Reminder, ReminderEmail
from .task import Task, TaskStatus

__all__ = [
    "EVENT_KINDS",
    "CalendarFeed",
    "Direction",
    "EmailStatus",
    "Interaction",
    "InteractionKind",
    "Notification",
    "Participant",
    "ParticipantRole",
    "Reminder",
    "ReminderEmail",
    "ReviewStatus",
    "Task",
    "TaskStatus",
]
