"""The History tab (X4): who changed a record, when, and which fields from what to what."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()

HIDDEN_FIELDS = {"version", "updated_at", "created_at", "password", "last_login"}


def history_entries(record, limit: int = 50) -> list[dict]:
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    records = list(
        record.history.select_related("history_user").order_by("-history_id")[: limit + 1]
    )
    entries = []
    for current, previous in zip(records, [*records[1:], None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if previous is not None and current.history_type == "~":
            delta = current.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                field = record._meta.get_field(change.field)
                changes.append({"field": field.verbose_name, "old": change.old, "new": change.new})
        entries.append(
            {
                "when": current.history_date,
                "who": current.history_user,
                "action": actions.get(current.history_type, current.history_type),
                "changes": changes,
            }
        )
    return entries


@register.inclusion_tag("web/history.html")
def history_tab(record, limit: int = 50):
    return {"entries": history_entries(record, limit)}
