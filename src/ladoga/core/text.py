"""Text comparison that ignores case in every alphabet, on both databases.

SQLite's LIKE and lower() fold Latin letters only, so "иванов" never meets "Иванов" there
through `icontains`. `UnicodeLower` is LOWER() on PostgreSQL and, on SQLite, Python's
str.lower, which CoreConfig registers on every new SQLite connection as ladoga_lower(). It
is computed per row read: use it where a search reads a bounded set (a partner's
contacts, a page of candidates), not as a way to scan large tables.
"""

from django.db.models import Func, Q, TextField
from django.db.models.lookups import Contains

SQLITE_FUNCTION = "ladoga_lower"


class UnicodeLower(Func):
    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def lower(value: str | None) -> str | None:
    """The SQLite function's body: NULL stays NULL."""
    return None if value is None else value.lower()


def text_contains_q(fields: tuple[str, ...], q: str) -> Q:
    """Rows whose text in any of `fields` contains `q`, ignoring case in every alphabet."""
    wanted = q.lower()  # a plain value: Django escapes its % and _
    match = Q()
    for name in fields:
        match |= Q(Contains(UnicodeLower(name), wanted))
    return match
