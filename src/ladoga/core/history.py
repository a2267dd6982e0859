"""History of records: written in bulk, and read for people (the History tab).

simple-history writes a history row per saved record through the model layer. A batch
command (importing thousands of partners) writes its records with bulk_create/bulk_update
instead, and records their history here: one INSERT … SELECT copies the rows as the
database now holds them into the history table, so the history is what a record-by-record
save would have written, without building a historical object per record.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.db import connections, router
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


# --- Reading a record's history for people (the History tab, X4) ---------------------------

HIDDEN_FIELDS = {"id", "version", "updated_at", "created_at", "password", "last_login"}


@dataclass(frozen=True)
class FieldChange:
    """One field of one history entry, as a person reads it: the field's verbose name and
    its old and new values as text (labels, record names), "" for an empty value."""

    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: object
    action: str
    changes: list[FieldChange] = dc_field(default_factory=list)


def history_entries(record, limit: int = 50) -> list[HistoryEntry]:
    """The latest `limit` history rows of `record`, newest first, each with the fields it
    changed against the row before it: every field once, under its verbose name; a
    choice as its label, a reference as the record's name ("#id (deleted)" when it is
    gone), a many-to-many field as the names of its records, a JSON value summarised —
    never a raw value or a Python repr. References are resolved in bulk: the queries do
    not grow with the number of rows (one for the rows, one per referenced model, one per
    many-to-many field)."""
    history = record.history.model
    rows = list(record.history.select_related("history_user").order_by("-history_id")[: limit + 1])
    fields = [f for f in history.tracked_fields if f.name not in HIDDEN_FIELDS]
    m2m = {f.name: f for f in getattr(history, "_history_m2m_fields", [])}
    pairs = list(zip(rows[:limit], [*rows[1:], None], strict=False))
    members = _m2m_members(rows, m2m)
    raw: list[list[tuple]] = []
    for current, previous in pairs:
        changed = []
        if previous is not None and current.history_type == CHANGED:
            for field in fields:
                old, new = getattr(previous, field.attname), getattr(current, field.attname)
                if old != new:
                    changed.append((field, old, new))
            for name, field in m2m.items():
                old = members.get((name, previous.history_id), ())
                new = members.get((name, current.history_id), ())
                if old != new:
                    changed.append((field, old, new))
        raw.append(changed)
    names = _names_of([c for changed in raw for c in changed])
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries = []
    for (current, _previous), changed in zip(pairs, raw, strict=True):
        seen: set[str] = set()
        changes = []
        for field, old, new in changed:
            if field.name in seen:
                continue
            seen.add(field.name)
            changes.append(
                FieldChange(
                    field=str(field.verbose_name),
                    old=_shown(field, old, names, other=new),
                    new=_shown(field, new, names, other=old),
                )
            )
        entries.append(
            HistoryEntry(
                when=current.history_date,
                who=current.history_user,
                action=str(actions.get(current.history_type, current.history_type)),
                changes=changes,
            )
        )
    return entries


def _m2m_members(rows, m2m: dict) -> dict[tuple[str, int], tuple[int, ...]]:
    """{(field, history id): the ids of the records it held then}, one query a field."""
    from simple_history.utils import get_m2m_reverse_field_name

    members: dict[tuple[str, int], list[int]] = {}
    if not rows:
        return {}
    ids = [row.history_id for row in rows]
    for name, field in m2m.items():
        through = getattr(rows[0], name).model
        target = get_m2m_reverse_field_name(field)
        column = through._meta.get_field(target).attname
        for history_id, member in through.objects.filter(history_id__in=ids).values_list(
            "history_id", column
        ):
            members.setdefault((name, history_id), []).append(member)
    return {key: tuple(sorted(value)) for key, value in members.items()}


def _names_of(changes: list[tuple]) -> dict:
    """{(model, pk): its name} for every record the changes refer to, one query a model."""
    wanted: dict = {}
    for field, old, new in changes:
        model = field.related_model if (field.many_to_one or field.one_to_one) else None
        if field.many_to_many:
            model = field.related_model
        if model is None:
            continue
        values = [*old, *new] if field.many_to_many else [old, new]
        wanted.setdefault(model, set()).update(v for v in values if v is not None)
    names = {}
    for model, pks in wanted.items():
        for found in model._base_manager.filter(pk__in=pks):
            names[(model, found.pk)] = str(found)
    return names


def _reference(model, pk, names: dict) -> str:
    name = names.get((model, pk))
    return name if name is not None else _("#%(id)s (deleted)") % {"id": pk}


def _shown(field, value, names: dict, *, other=None) -> str:
    """`value` of `field` as a person reads it ("" for none)."""
    if field.many_to_many:
        return ", ".join(_reference(field.related_model, pk, names) for pk in value)
    if value is None or value == "":
        return ""
    if field.many_to_one or field.one_to_one:
        return _reference(field.related_model, value, names)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, (list, dict)):
        return _summary(value, other)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.localize(value) if not isinstance(value, str) else value


def _summary(value, other) -> str:
    """A JSON value in words: a list of plain values as they are, a list of records (dicts)
    or a mapping as how many of its items differ from `other`."""
    if isinstance(value, list) and all(isinstance(item, (str, int, float)) for item in value):
        return ", ".join(str(item) for item in value)
    items = value if isinstance(value, list) else list(value.items())
    before = other if isinstance(other, list) else list((other or {}).items())
    differing = sum(1 for item in items if item not in before)
    return ngettext(
        "%(count)d item, %(changed)d changed", "%(count)d items, %(changed)d changed", len(items)
    ) % {
        "count": len(items),
        "changed": differing,
    }
