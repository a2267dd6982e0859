"""Working days for task due dates (D4): Monday to Friday.

Public holidays differ by country and year and are not modelled yet; a template's "due in
N working days" skips weekends only. `add_working_days(friday, 1)` is the next Monday.
"""

import datetime


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (0: `start`, moved off a weekend)."""
    current = start
    while current.weekday() >= 5:
        current += datetime.timedelta(days=1)
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
