"""The deal environment graph, drawn as server-side SVG: no script and no inline style
(the Content Security Policy forbids both). Colours come from classes in deals.css; sizes
are SVG attributes. Numbers are formatted here with a dot, so the template's localisation
never puts a decimal comma into an attribute. Report charts are the shared component
(web/charts.py)."""

import math

WIDTH = 760


def n(value: float) -> str:
    return f"{value:.1f}"


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
