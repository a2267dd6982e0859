"""Indexes for the partner list at 100,000 partners, one set per database.

PostgreSQL: trigram (pg_trgm) GIN indexes on UPPER(name) and on name_key, which serve the
search's `name ILIKE`-style and `name_key LIKE '%…%'` comparisons (queries.name_search_q).
pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+): the database's
owner may create it. Where it cannot be created the indexes are left out and the search
still works, by a scan. No index on the name: it would tempt the planner to walk partners
in name order for a search with many matches (100 ms instead of 5).

SQLite: an index on (name, id), the list's order, so a page of the whole list reads 25
rows instead of sorting 100,000; the search itself uses PartnerNameKey there.

Neither is declared on the model (the trigram indexes exist only on PostgreSQL, the name
index only on SQLite). Django rebuilds an SQLite table for some field changes and then
recreates only declared indexes: a later migration that rebuilds partners_partner must
create partner_name_id again (tests/partners/test_search.py checks that it exists).
"""

from django.db import migrations

SQLITE_INDEXES = {
    "partner_name_id": 'CREATE INDEX IF NOT EXISTS partner_name_id ON "partners_partner" '
    '("name", "id")',
}
POSTGRES_INDEXES = {
    "partner_name_upper_trgm": "CREATE INDEX IF NOT EXISTS partner_name_upper_trgm "
    'ON "partners_partner" USING gin (UPPER("name") gin_trgm_ops)',
    "partner_name_key_trgm": "CREATE INDEX IF NOT EXISTS partner_name_key_trgm "
    'ON "partners_partner" USING gin ("name_key" gin_trgm_ops)',
}


def _trigrams_available(schema_editor) -> bool:
    """Create pg_trgm unless it is there; False when this database may not."""
    from django.db import DatabaseError, transaction

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            return True
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if not cursor.fetchone():
            return False
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:  # not permitted: the search scans instead
        return False
    return True


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_INDEXES.values():
            schema_editor.execute(sql)
    elif vendor == "postgresql" and _trigrams_available(schema_editor):
        for sql in POSTGRES_INDEXES.values():
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    names = {"sqlite": SQLITE_INDEXES, "postgresql": POSTGRES_INDEXES}.get(vendor, {})
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_partner_status_unindexed"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
