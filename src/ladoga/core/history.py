"""History of records written in bulk.

simple-history writes a history row per saved record through the model layer. A batch
command (importing thousands of partners) writes its records with bulk_create/bulk_update
instead, and records their history here: one INSERT … SELECT copies the rows as the
database now holds them into the history table, so the history is what a record-by-record
save would have written, without building a historical object per record.
"""

from collections.abc import Iterable

from django.db import connections, router
from django.utils import timezone

CHUNK = 5_000  # ids per statement: SQLite takes at most 32,766 parameters

CREATED, CHANGED = "+", "~"


def history_copy(model, ids: Iterable[int], *, by=None, kind: str = CREATED) -> None:
    """Record the current state of `model`'s rows `ids` in its history, as created ("+")
    or changed ("~") by `by` now."""
    ids = sorted(set(ids))
    if not ids:
        return
    history = model.history.model
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    tracked = [(model._meta.get_field(f.name).column, f.column) for f in history.tracked_fields]
    target = ", ".join(quote(column) for _source, column in tracked)
    source = ", ".join(quote(column) for column, _target in tracked)
    date = history._meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({target}, history_date, "  # noqa: S608
                "history_change_reason, history_type, history_user_id) "
                f"SELECT {source}, %s, NULL, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(chunk))})",
                [date, kind, by.pk if by is not None else None, *chunk],
            )
