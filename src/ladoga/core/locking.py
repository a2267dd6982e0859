"""Row locks (X5) taken on the rows alone, their relations read after the lock is held.

PostgreSQL re-reads a row that changed while a statement waited for its lock, but keeps the
rows it had joined to it before: a foreign key changed meanwhile (a deal's stage, an order's
agreement) then comes back empty, or the row drops out of an inner join. So the lock is taken
by a plain read of the rows' keys, and the caller's read, with whatever it joins, comes after
it and sees the committed state."""

from django.db.models import QuerySet


def locked_rows(queryset: QuerySet) -> QuerySet:
    """`queryset` narrowed to its rows, locked for the rest of the transaction (in key order,
    so two lockers never wait for each other crosswise). Evaluate the result to read them."""
    keys = list(
        queryset.order_by("pk").select_for_update(of=("self",)).values_list("pk", flat=True)
    )
    return queryset.filter(pk__in=keys)
