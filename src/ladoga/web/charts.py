"""The one chart component: a chart spec (a plain dict a report builds) becomes the
geometry that `web/chart.html` draws as inline SVG.

No script and no inline style (the Content Security Policy forbids both): colours come
from the `chart-*` classes in ladoga.css, sizes are SVG attributes. Coordinates are
formatted here with a dot, so the template's localisation never puts a decimal comma
into an attribute. `web` imports no domain: a spec is plain data.

Spec shapes (DESIGN.md "Conventions for report filters"):

* bars / hbars / lines / stacked: ``{"kind", "title", "labels": [str],
  "series": [{"name", "values": [number]}], "unit": "money"|"count"|"percent"|"days"}``;
  "stacked" draws horizontal bars made of one segment per series.
* bubble: ``{"kind": "bubble", "title", "x_label", "y_label", "x_split", "y_split",
  "quadrants": [top-left, top-right, bottom-left, bottom-right],
  "points": [{"label", "x", "y", "size", "url"}]}``.
* heat: ``{"kind": "heat", "title", "rows": [str], "columns": [str],
  "values": [[number]]}``.

Every drawing also carries `table` (headers and rows), the visually hidden data-table
fallback for screen readers.
"""

import math
from decimal import Decimal

from django.utils.translation import pgettext

from ladoga.core.formats import amount_format, number_format
from ladoga.core.numbers import half_up

WIDTH = 760
SERIES_CLASSES = 6
HEAT_LEVELS = 5
KINDS = ("bars", "hbars", "lines", "stacked", "bubble", "heat")


def n(value: float) -> str:
    """An SVG coordinate: a dot, one decimal."""
    return f"{float(value):.1f}"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1): a readable axis top."""
    value = float(value)
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def short(value: float) -> str:
    """An axis label in the reader's language: "1,5 тыс." / "1.5k", or a whole number."""
    value = float(value)
    for limit, suffix in (
        (1e9, pgettext("axis, billions", "G")),
        (1e6, pgettext("axis, millions", "M")),
        (1e3, pgettext("axis, thousands", "k")),
    ):
        if abs(value) >= limit:
            return f"{number_format(half_up(value / limit, 1), 1)}{suffix}"
    return number_format(value, None if value != int(value) else 0)


def shown(value, unit: str = "") -> str:
    """A value in a tooltip or the fallback table, as the report tables show it
    (`core.formats`): money with two decimals, percent and days with one, counts whole."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if unit == "money":
        return amount_format(value)
    if unit in ("percent", "days") or value != int(value):
        return number_format(value, 1)
    return number_format(value, 0)


def heat_level(value, maximum) -> int:
    """A heat cell's shade, 0 (nothing) to 5 (the largest value)."""
    value, maximum = float(value or 0), float(maximum or 0)
    if value <= 0 or maximum <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * value / maximum)))


def _number(value) -> float:
    return float(value) if value is not None else 0.0


def _series_css(index: int) -> str:
    return f"chart-s{index % SERIES_CLASSES + 1}"


def _legend(series: list[dict]) -> list[dict]:
    return [{"name": s["name"], "css": _series_css(i)} for i, s in enumerate(series)]


def _series_table(spec: dict) -> dict:
    unit = spec.get("unit", "")
    series = spec.get("series", [])
    return {
        "headers": ["", *(s["name"] for s in series)],
        "rows": [
            [label, *(shown(s["values"][i], unit) for s in series)]
            for i, label in enumerate(spec.get("labels", []))
        ],
    }


def _ticks(top: float, y, unit: str) -> list[dict]:
    return [{"y": n(y(top * i / 4)), "text": short(top * i / 4)} for i in range(5)]


def vertical(spec: dict, *, lines: bool = False) -> dict:
    """Vertical bars side by side per label (several series), or one line per series."""
    height, left, right, top, bottom = 260, 56, 12, 12, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    labels, series = spec.get("labels", []), spec.get("series", [])
    unit = spec.get("unit", "")
    values = [_number(v) for s in series for v in s["values"]]
    ceiling = nice_ceiling(max([0, *values]))
    count = max(len(labels), 1)
    slot = plot_w / count
    group_w = max(min(slot * 0.7, 28 * max(len(series), 1)), 3)
    bar_w = group_w / max(len(series), 1)

    def y(value) -> float:
        return top + plot_h - plot_h * _number(value) / ceiling

    bars, paths, points, axis = [], [], [], []
    for s_index, s in enumerate(series):
        coords = []
        for index, value in enumerate(s["values"]):
            middle = left + slot * index + slot / 2
            tip = f"{labels[index]} · {s['name']}: {shown(value, unit)}"
            if lines:
                coords.append(f"{n(middle)},{n(y(value))}")
                points.append(
                    {"cx": n(middle), "cy": n(y(value)), "css": _series_css(s_index), "tip": tip}
                )
            else:
                x = middle - group_w / 2 + bar_w * s_index
                bars.append(
                    {
                        "x": n(x),
                        "y": n(y(value)),
                        "width": n(max(bar_w - 1, 1)),
                        "height": n(top + plot_h - y(value)),
                        "css": _series_css(s_index),
                        "tip": tip,
                    }
                )
        if lines:
            paths.append({"points": " ".join(coords), "css": _series_css(s_index)})
    every = max(1, math.ceil(count / 12))
    for index, label in enumerate(labels):
        if index % every == 0:
            axis.append({"x": n(left + slot * index + slot / 2), "text": label})
    return {
        "height": height,
        "left": left,
        "axis_x": left - 6,
        "right": WIDTH - right,
        "bottom": top + plot_h,
        "label_y": height - 12,
        "bars": bars,
        "paths": paths,
        "points": points,
        "axis": axis,
        "ticks": _ticks(ceiling, y, unit),
        "legend": _legend(series) if len(series) > 1 else [],
        "table": _series_table(spec),
    }


def horizontal(spec: dict, *, stacked: bool = False) -> dict:
    """A row per label: a bar per series side by side, or one bar made of a segment per
    series (stacked)."""
    label_w, bar_h, gap, top = 190, 22, 8, 6
    plot_w = WIDTH - label_w - 100
    labels, series = spec.get("labels", []), spec.get("series", [])
    unit = spec.get("unit", "")
    if stacked:
        sums = [sum(_number(s["values"][i]) for s in series) for i in range(len(labels))]
        biggest = max([0, *sums]) or 1
    else:
        biggest = max([0, *(_number(v) for s in series for v in s["values"])]) or 1
    per_row = 1 if stacked else max(len(series), 1)
    row_h = bar_h * per_row
    rows, bars = [], []
    for index, label in enumerate(labels):
        y = top + index * (row_h + gap)
        x = float(label_w)
        total = 0.0
        for s_index, s in enumerate(series):
            value = _number(s["values"][index])
            width = plot_w * value / biggest
            bar_y = y if stacked else y + bar_h * s_index
            if width > 0:
                bars.append(
                    {
                        "x": n(x),
                        "y": n(bar_y),
                        "width": n(width),
                        "height": n(bar_h - (0 if stacked else 2)),
                        "css": _series_css(s_index),
                        "tip": f"{label} · {s['name']}: {shown(value, unit)}",
                    }
                )
            if stacked:
                x += width
                total += value
        value_text = (
            shown(total, unit)
            if stacked
            else " / ".join(shown(s["values"][index], unit) for s in series)
        )
        rows.append(
            {
                "label": label if len(label) <= 30 else label[:29] + "…",
                "text_y": n(y + row_h * 0.5 + 4),
                "value_x": n(label_w + plot_w + 8),
                "value": value_text,
            }
        )
    return {
        "height": top + len(labels) * (row_h + gap) + 4,
        "label_x": label_w - 8,
        "rows": rows,
        "bars": bars,
        "legend": _legend(series) if len(series) > 1 else [],
        "table": _series_table(spec),
    }


def bubble(spec: dict) -> dict:
    """Points on two axes, their area the size; lines at the splits divide four quadrants."""
    height, left, right, top, bottom = 420, 56, 16, 16, 40
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    points = spec.get("points", [])
    xs = [_number(p["x"]) for p in points]
    ys = [_number(p["y"]) for p in points]
    x_split, y_split = _number(spec.get("x_split")), _number(spec.get("y_split"))
    x_min = min([0.0, *xs, x_split])
    y_min = min([0.0, *ys, y_split])
    x_max = nice_ceiling(max([*xs, x_split, 0]) - x_min) + x_min
    y_max = nice_ceiling(max([*ys, y_split, 0]) - y_min) + y_min
    sizes = [_number(p.get("size")) for p in points]
    biggest = max([0, *sizes]) or 1

    def px(value) -> float:
        return left + plot_w * (_number(value) - x_min) / (x_max - x_min)

    def py(value) -> float:
        return top + plot_h - plot_h * (_number(value) - y_min) / (y_max - y_min)

    drawn = []
    for index, point in enumerate(points):
        size = _number(point.get("size"))
        drawn.append(
            {
                "cx": n(px(point["x"])),
                "cy": n(py(point["y"])),
                "r": n(4 + 18 * math.sqrt(max(size, 0) / biggest)),
                "label": point["label"],
                "label_y": n(py(point["y"]) - 6),
                "url": point.get("url") or "",
                "css": _series_css(index),
                "tip": f"{point['label']}: {shown(point['x'])}; {shown(point['y'])}; "
                f"{shown(point.get('size'))}",
            }
        )
    quadrants = list(spec.get("quadrants") or [])
    corners = [
        (left + 6, top + 14, "start"),
        (WIDTH - right - 6, top + 14, "end"),
        (left + 6, top + plot_h - 6, "start"),
        (WIDTH - right - 6, top + plot_h - 6, "end"),
    ]
    return {
        "height": height,
        "left": left,
        "right": WIDTH - right,
        "top": top,
        "bottom": top + plot_h,
        "split_x": n(px(x_split)),
        "split_y": n(py(y_split)),
        "x_label": spec.get("x_label", ""),
        "y_label": spec.get("y_label", ""),
        "x_label_x": n(left + plot_w / 2),
        "x_label_y": height - 8,
        "quadrants": [
            {"x": x, "y": y, "anchor": anchor, "text": text}
            for (x, y, anchor), text in zip(corners, quadrants, strict=False)
        ],
        "points": drawn,
        "table": {
            "headers": ["", spec.get("x_label", ""), spec.get("y_label", ""), ""],
            "rows": [
                [p["label"], shown(p["x"]), shown(p["y"]), shown(p.get("size"))] for p in points
            ],
        },
    }


def heat(spec: dict) -> dict:
    """A table whose cells are shaded by their value, 0 to 5."""
    values = spec.get("values", [])
    maximum = max([0, *(_number(v) for row in values for v in row)])
    return {
        "columns": spec.get("columns", []),
        "rows": [
            {
                "label": label,
                "cells": [
                    {"value": shown(v), "level": heat_level(v, maximum)}
                    for v in (values[i] if i < len(values) else [])
                ],
            }
            for i, label in enumerate(spec.get("rows", []))
        ],
    }


def empty(spec: dict) -> bool:
    """Whether the chart would show nothing (no labels, points or cells)."""
    kind = spec.get("kind")
    if kind == "bubble":
        return not spec.get("points")
    if kind == "heat":
        return not spec.get("rows") or not spec.get("columns")
    return not spec.get("labels") or not spec.get("series")


def chart_drawing(spec: dict | None) -> dict | None:
    """The geometry `web/chart.html` draws for a chart spec; None for no or an empty
    chart. Raises ValueError for a kind the component does not draw."""
    if not spec or empty(spec):
        return None
    kind = spec["kind"]
    if kind == "bars":
        drawing = vertical(spec)
    elif kind == "lines":
        drawing = vertical(spec, lines=True)
    elif kind == "hbars":
        drawing = horizontal(spec)
    elif kind == "stacked":
        drawing = horizontal(spec, stacked=True)
    elif kind == "bubble":
        drawing = bubble(spec)
    elif kind == "heat":
        drawing = heat(spec)
    else:
        raise ValueError(f"unknown chart kind {kind!r}")
    return {
        "kind": kind,
        "title": str(spec.get("title", "")),
        "description": str(spec.get("description", "")),
        "width": WIDTH,
        **drawing,
    }
