"""The History tab (X4): who changed a record, when, and which fields from what to what
(core.history.history_entries says how values are shown)."""

from django import template

from ladoga.core.history import history_entries

register = template.Library()


@register.inclusion_tag("web/history.html")
def history_tab(record, limit: int = 50):
    return {"entries": history_entries(record, limit)}
