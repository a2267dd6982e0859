"""Small template helpers of the deals pages."""

import datetime

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: datetime.timedelta | None) -> str:
    """A time span as people say it: "3 d 4 h", "5 h 10 min", "2 min"."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def blocked_from(blocked: dict, stage_id) -> str:
    """The board column's `data-blocked-from`: {stage a card comes from: why it may not
    come} as JSON (queries.board_blocked_moves)."""
    import json

    return json.dumps({str(k): v for k, v in blocked.get(stage_id, {}).items()}, ensure_ascii=False)


@register.filter
def next_from(next_of: dict, stage_id) -> str:
    """The stage whose next stage in order is `stage_id` ("" for none)."""
    return str(next_of.get(stage_id, ""))


@register.filter
def next_stage_of(next_stages: dict, stage_id):
    """The next stage of a card standing at `stage_id` (queries.board_next_stages), or
    None."""
    return (next_stages or {}).get(stage_id)
