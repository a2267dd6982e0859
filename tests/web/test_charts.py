"""The shared chart component: spec builders (scales, ceilings, empty data) and the SVG
the template draws from them."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from ladoga.web.charts import chart_drawing, heat_level, nice_ceiling, short, shown

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(spec):
    html = render_to_string("web/chart.html", {"chart": chart_drawing(spec)})
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    return (
        ET.fromstring(  # noqa: S314 -- our own template's output
            html[start:end].replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        ),
        html,
    )


@pytest.mark.parametrize(
    "value, ceiling",
    [(0, 1), (0.5, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (180, 200), (501, 1000)],
)
def test_nice_ceiling_is_the_next_1_2_5_step(value, ceiling):
    assert nice_ceiling(value) == ceiling


def test_heat_levels_run_from_none_to_five():
    assert [heat_level(v, 10) for v in (0, 1, 2, 5, 10)] == [0, 1, 1, 3, 5]
    assert heat_level(3, 0) == 0


def test_money_in_tooltips_has_two_decimals_grouped_in_the_readers_language():
    with translation.override("ru"):
        assert shown(Decimal("1234567.5"), "money") == "1\u00a0234\u00a0567,50"
        assert shown(Decimal("6.25"), "percent") == "6,3"  # half-up, as everywhere
        assert short(1500) == "1,5\u00a0тыс."
    with translation.override("en"):
        assert shown(Decimal("1234567.5"), "money") == "1,234,567.50"
        assert shown(Decimal("6.25"), "percent") == "6.3"
        assert short(1500) == "1.5k"


@pytest.mark.parametrize(
    "spec",
    [
        None,
        {"kind": "bars", "title": "t", "labels": [], "series": []},
        {"kind": "bubble", "title": "t", "points": []},
        {"kind": "heat", "title": "t", "rows": [], "columns": [], "values": []},
    ],
)
def test_an_empty_chart_draws_nothing(spec):
    assert chart_drawing(spec) is None
    assert render_to_string("web/chart.html", {"chart": chart_drawing(spec)}).strip() == ""


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        chart_drawing({"kind": "pie", "labels": ["a"], "series": [{"name": "x", "values": [1]}]})


def test_vertical_bars_scale_to_a_nice_ceiling():
    spec = {
        "kind": "bars",
        "title": "Revenue",
        "labels": ["Jan", "Feb", "Mar"],
        "series": [{"name": "Revenue", "values": [40, 80, 0]}],
        "unit": "money",
    }
    drawing = chart_drawing(spec)
    # Top 80 → axis 100: the 80 bar is 0.8 of the plot height (260 - 12 - 34 = 214).
    heights = [float(bar["height"]) for bar in drawing["bars"]]
    assert heights == [pytest.approx(85.6), pytest.approx(171.2), 0.0]
    assert [t["text"] for t in drawing["ticks"]] == ["0", "25", "50", "75", "100"]

    svg, _html = svg_of(spec)
    assert len(svg.findall(f"{SVG}rect")) == 3
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Revenue"
    assert svg.find(f"{SVG}desc") is not None


def test_two_series_side_by_side_and_a_hidden_table_fallback():
    spec = {
        "kind": "bars",
        "title": "Forecast",
        "labels": ["Jan", "Feb"],
        "series": [{"name": "Amount", "values": [10, 20]}, {"name": "Weighted", "values": [5, 8]}],
        "unit": "money",
    }
    svg, html = svg_of(spec)
    assert len(svg.findall(f"{SVG}rect")) == 4
    assert 'class="visually-hidden"' in html
    assert "<td>20.00</td>" in html and "<th>Weighted</th>" in html


def test_lines_draw_a_polyline_per_series_and_a_dot_per_value():
    spec = {
        "kind": "lines",
        "title": "Claims",
        "labels": ["Jan", "Feb", "Mar"],
        "series": [{"name": "A", "values": [1, 2, 3]}, {"name": "B", "values": [3, 2, 1]}],
    }
    svg, _html = svg_of(spec)
    assert len(svg.findall(f"{SVG}polyline")) == 2
    assert len(svg.findall(f"{SVG}circle")) == 6


def test_stacked_bars_put_the_segments_end_to_end():
    spec = {
        "kind": "stacked",
        "title": "Deals",
        "labels": ["Ann", "Bob"],
        "series": [{"name": "Won", "values": [2, 1]}, {"name": "Lost", "values": [2, 0]}],
    }
    drawing = chart_drawing(spec)
    ann = [b for b in drawing["bars"] if b["tip"].startswith("Ann")]
    assert float(ann[0]["x"]) + float(ann[0]["width"]) == pytest.approx(float(ann[1]["x"]))
    assert float(ann[0]["width"]) == pytest.approx(float(ann[1]["width"]))
    svg, _html = svg_of(spec)
    assert len(svg.findall(f"{SVG}rect")) == 3  # Bob's zero "lost" draws nothing


def test_horizontal_bars_are_as_long_as_their_share_of_the_largest():
    drawing = chart_drawing(
        {
            "kind": "hbars",
            "title": "t",
            "labels": ["a", "b"],
            "series": [{"name": "n", "values": [4, 2]}],
        }
    )
    widths = [float(b["width"]) for b in drawing["bars"]]
    assert widths[0] == pytest.approx(2 * widths[1])


def test_bubbles_stand_in_their_quadrants_with_links():
    spec = {
        "kind": "bubble",
        "title": "BCG",
        "x_label": "Share",
        "y_label": "Growth",
        "x_split": 1,
        "y_split": 10,
        "quadrants": ["Question marks", "Stars", "Dogs", "Cash cows"],
        "points": [
            {"label": "A", "x": 2, "y": 20, "size": 100, "url": "/a/"},
            {"label": "B", "x": 0.5, "y": 5, "size": 25, "url": ""},
        ],
    }
    drawing = chart_drawing(spec)
    a, b = drawing["points"]
    split_x, split_y = float(drawing["split_x"]), float(drawing["split_y"])
    assert float(a["cx"]) > split_x and float(a["cy"]) < split_y  # top right: a star
    assert float(b["cx"]) < split_x and float(b["cy"]) > split_y  # bottom left
    assert float(a["r"]) > float(b["r"])
    svg, html = svg_of(spec)
    assert len(svg.findall(f".//{SVG}circle")) == 2
    assert len(svg.findall(f"{SVG}a")) == 1
    assert "Cash cows" in html


def test_a_heat_table_shades_cells_by_value():
    spec = {
        "kind": "heat",
        "title": "Structure",
        "rows": ["Sales", "Stock"],
        "columns": ["Late", "Broken"],
        "values": [[0, 5], [10, 1]],
    }
    drawing = chart_drawing(spec)
    assert [[c["level"] for c in row["cells"]] for row in drawing["rows"]] == [[0, 3], [5, 1]]
    html = render_to_string("web/chart.html", {"chart": drawing})
    assert html.count("heat-5") == 1 and "<caption" in html
