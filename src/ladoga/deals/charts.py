"""Chart and graph geometry for the deals pages, drawn as server-side SVG: no script and no
inline style (the Content Security Policy forbids both). Colours come from classes in
deals.css; sizes are SVG attributes, which the policy allows. Numbers are formatted here
with a dot, so the template's localisation never puts a decimal comma into an attribute."""

import math
from decimal import Decimal

from django.utils.formats import date_format, number_format

WIDTH = 760


def n(value: float) -> str:
    return f"{value:.1f}"


def nice_ceiling(value: float) -> float:
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def money_short(value: Decimal | float) -> str:
    value = float(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:.0f}"


def funnel_chart(rows) -> dict:
    """A centred bar per stage, its width the share of the first stage's deals; the lost
    part of each stage drawn on its right end."""
    label_w, bar_h, gap, top = 190, 26, 8, 6
    plot_w = WIDTH - label_w - 90
    biggest = max([r.reached for r in rows] + [1])
    lines = []
    for index, row in enumerate(rows):
        y = top + index * (bar_h + gap)
        width = plot_w * row.reached / biggest
        x = label_w + (plot_w - width) / 2
        lost_w = width * row.lost / row.reached if row.reached else 0
        lines.append(
            {
                "name": row.name,
                "x": n(x),
                "y": n(y),
                "width": n(max(width, 1)),
                "lost_x": n(x + width - lost_w),
                "lost_width": n(lost_w),
                "text_y": n(y + bar_h * 0.68),
                "value_x": n(label_w + plot_w + 8),
                "row": row,
                "css": "won" if row.outcome == "won" else "reached",
            }
        )
    return {
        "width": WIDTH,
        "height": top + len(rows) * (bar_h + gap),
        "label_x": label_w - 8,
        "bar_h": bar_h,
        "lines": lines,
    }


def efficiency_chart(rows) -> dict:
    """Stacked horizontal bars per manager or kind: won, lost, in progress (counts)."""
    label_w, bar_h, gap, top = 190, 20, 8, 6
    plot_w = WIDTH - label_w - 60
    biggest = max([r.total for r in rows] + [1])
    lines = []
    for index, row in enumerate(rows):
        y = top + index * (bar_h + gap)
        x = float(label_w)
        parts = []
        for css, count in (("won", row.won), ("lost", row.lost), ("open", row.in_progress)):
            width = plot_w * count / biggest
            if width:
                parts.append({"x": n(x), "width": n(width), "css": css, "count": count})
            x += width
        lines.append(
            {
                "name": row.name,
                "y": n(y),
                "text_y": n(y + bar_h * 0.72),
                "parts": parts,
                "value_x": n(x + 6),
                "row": row,
            }
        )
    return {
        "width": WIDTH,
        "height": top + len(rows) * (bar_h + gap),
        "label_x": label_w - 8,
        "bar_h": bar_h,
        "lines": lines,
    }


def forecast_chart(rows) -> dict:
    """A bar per expected close month: the whole amount, and inside it the weighted one."""
    height, left, right, top, bottom = 260, 56, 12, 12, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    dated = [r for r in rows if r.month is not None]
    count = max(len(dated), 1)
    top_value = nice_ceiling(max([float(r.amount) for r in dated] + [1]))
    slot = plot_w / count
    bar_w = max(min(slot * 0.6, 40), 3)

    def y(value) -> float:
        return top + plot_h - plot_h * float(value) / top_value

    bars, labels = [], []
    for index, row in enumerate(dated):
        x = left + slot * index + (slot - bar_w) / 2
        month = date_format(row.month, "M Y")
        bars.append(
            {
                "x": n(x),
                "width": n(bar_w),
                "amount_y": n(y(row.amount)),
                "amount_h": n(top + plot_h - y(row.amount)),
                "weighted_y": n(y(row.weighted)),
                "weighted_h": n(top + plot_h - y(row.weighted)),
                "title": f"{month}: {number_format(row.weighted, 0, force_grouping=True)} / "
                f"{number_format(row.amount, 0, force_grouping=True)}",
            }
        )
        if index % max(1, math.ceil(count / 12)) == 0:
            labels.append({"x": n(x + bar_w / 2), "text": date_format(row.month, "M y")})
    ticks = [
        {"y": n(y(top_value * i / 4)), "text": money_short(top_value * i / 4)} for i in range(5)
    ]
    return {
        "width": WIDTH,
        "height": height,
        "left": left,
        "axis_x": left - 6,
        "right": WIDTH - right,
        "bottom": top + plot_h,
        "label_y": height - 12,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
    }


def environment_graph(nodes, edges) -> dict:
    """The client in the middle, everyone else on a circle around it; an edge per role or
    relation, labelled at its middle."""
    width, height = WIDTH, 420
    cx, cy = width / 2, height / 2
    others = [node for node in nodes if node.kind != "client"]
    radius = min(cx, cy) - 60
    for node in nodes:
        if node.kind == "client":
            node.x, node.y = cx, cy
    for index, node in enumerate(others):
        angle = -math.pi / 2 + 2 * math.pi * index / max(len(others), 1)
        node.x, node.y = cx + radius * math.cos(angle) * 1.5, cy + radius * math.sin(angle)
    where = {node.key: node for node in nodes}
    lines = []
    for edge in edges:
        a, b = where.get(edge.source), where.get(edge.target)
        if a is None or b is None:
            continue
        lines.append(
            {
                "x1": n(a.x),
                "y1": n(a.y),
                "x2": n(b.x),
                "y2": n(b.y),
                "mx": n((a.x + b.x) / 2),
                "my": n((a.y + b.y) / 2 - 4),
                "label": edge.label,
                "css": edge.kind,
            }
        )
    return {
        "width": width,
        "height": height,
        "nodes": [
            {
                "x": n(node.x),
                "y": n(node.y),
                "label_y": n(node.y + 30),
                "role_y": n(node.y + 44),
                "label": node.label if len(node.label) <= 32 else node.label[:31] + "…",
                "role": node.role,
                "css": node.kind,
                "r": 20 if node.kind == "client" else 14,
            }
            for node in nodes
        ],
        "edges": lines,
    }
