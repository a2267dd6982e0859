"""Every template keeps to the Content-Security-Policy (core/middleware.py): no inline
scripts, no style attributes or <style> blocks, no event-handler attributes, no javascript:
links. Behaviour lives in web/static/web/ladoga.js and is asked for with data- attributes."""

import re
from pathlib import Path

import pytest

import ladoga

TEMPLATES = sorted(Path(ladoga.__file__).resolve().parent.glob("**/templates/**/*.html"))
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "style block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "htmx eval (hx-on, js:)": re.compile(r"\shx-on|\shx-vals\s*=\s*['\"]js:", re.IGNORECASE),
}


def test_templates_are_found():
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: "/".join(p.parts[-3:]))
def test_template_keeps_to_the_csp(template):
    text = template.read_text(encoding="utf-8")

    found = [name for name, pattern in FORBIDDEN.items() if pattern.search(text)]

    assert found == []
