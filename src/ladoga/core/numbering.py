"""Readable document numbers, unique per kind and year: DL-2026-000123."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import DocumentSequence


def number_next(*, kind: str, on: datetime.date | None = None) -> str:
    """Give the next number of `kind` for the year of `on` (today by default).

    Call it inside the transaction that saves the document: the counter row stays locked
    until that transaction ends, so parallel creates wait for each other and a rolled-back
    document gives its number back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_next must run inside the transaction that saves the document")
    year = (on or timezone.localdate()).year
    sequence = DocumentSequence.objects.filter(kind=kind, year=year)
    # UPDATE ... SET last = last + 1 takes the row lock before reading, so no two
    # transactions can read the same value (PostgreSQL); SQLite serialises writers anyway.
    if not sequence.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                DocumentSequence.objects.create(kind=kind, year=year, last=1)
        except IntegrityError:
            # Another transaction created the row first: wait for its lock, then count on.
            sequence.update(last=F("last") + 1)
    last = sequence.values_list("last", flat=True).get()
    return f"{kind}-{year}-{last:06d}"
