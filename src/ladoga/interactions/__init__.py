"""Interactions (SPEC I1–I7, A5): calls, meetings, planned interactions and e-mails, their
participants and subjects, review status, the shared Task model, reminders, notifications,
iCalendar export and feeds, outgoing SMTP and incoming .eml mail."""
