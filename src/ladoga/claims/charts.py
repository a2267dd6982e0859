"""Chart geometry for the claim reports, drawn as server-side SVG (no script, no inline
style: the Content Security Policy forbids both). Colours come from classes in
claims.css; sizes are SVG attributes, which the policy allows."""

import math
from dataclasses import dataclass

from django.utils.formats import date_format

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 36


def nice_ceiling(value: int) -> int:
    """The smallest 1/2/5×10ⁿ at or above `value` (at least 1): a readable axis maximum."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def n(value: float) -> str:
    """An SVG coordinate. A string, so the template's number localisation (a decimal
    comma in Russian) never reaches an attribute that must hold a dot."""
    return f"{value:.1f}"


@dataclass
class Bar:
    x: str
    y: str
    width: str
    height: str
    css: str
    label: str


def dynamics_chart(totals) -> dict:
    """Bars of registered and resolved claims per month, and a line of open claims."""
    count = max(len(totals), 1)
    top = nice_ceiling(max([0, *(max(r.registered, r.resolved, r.open) for r in totals)]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / count
    bar_w = max(min(slot * 0.35, 28), 2)

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * value / top

    bars, points, labels = [], [], []
    for index, row in enumerate(totals):
        left = LEFT + slot * index
        middle = left + slot / 2
        month = date_format(row.month, "M Y")
        for x, value, css in (
            (middle - bar_w, row.registered, "registered"),
            (middle, row.resolved, "resolved"),
        ):
            bars.append(
                Bar(
                    n(x),
                    n(y(value)),
                    n(bar_w),
                    n(TOP + plot_h - y(value)),
                    css,
                    f"{month}: {value}",
                )
            )
        points.append(f"{n(middle)},{n(y(row.open))}")
        # Every month's label would overlap on a long period: show about a dozen.
        if index % max(1, math.ceil(count / 12)) == 0:
            labels.append({"x": n(middle), "text": date_format(row.month, "M y")})
    ticks = [{"y": n(y(top * i / 4)), "text": f"{top * i / 4:g}"} for i in range(5)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "axis_x": LEFT - 6,
        "right": WIDTH - RIGHT,
        "bottom": TOP + plot_h,
        "label_y": HEIGHT - 12,
        "bars": bars,
        "open_points": " ".join(points),
        "labels": labels,
        "ticks": ticks,
    }


def satisfaction_chart(rows) -> dict:
    """One 100 % bar per reason, split into satisfied, partly satisfied and rejected."""
    label_w, bar_h, gap = 200, 22, 10
    plot_w = WIDTH - label_w - RIGHT
    lines = []
    for index, row in enumerate(rows):
        y = TOP + index * (bar_h + gap)
        x = float(label_w)
        segments = []
        for css, part in (
            ("satisfied", row.satisfied),
            ("partly", row.partly),
            ("rejected", row.rejected),
        ):
            width = plot_w * part / row.total if row.total else 0
            if width:
                segments.append({"x": n(x), "width": n(width), "css": css, "count": part})
            x += width
        lines.append(
            {
                "y": y,
                "text_y": n(y + bar_h * 0.7),
                "name": row.reason,
                "segments": segments,
                "row": row,
            }
        )
    return {
        "width": WIDTH,
        "height": TOP + len(rows) * (bar_h + gap) + 4,
        "label_x": label_w - 8,
        "bar_h": bar_h,
        "lines": lines,
    }


def heat_level(count: int, maximum: int) -> int:
    """A cell's shade, 0 (none) to 5 (the largest count), for the structure matrix."""
    if count <= 0 or maximum <= 0:
        return 0
    return max(1, math.ceil(5 * count / maximum))
