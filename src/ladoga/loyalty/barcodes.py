"""The EAN-13 barcode of a printable card, as SVG drawn by python-barcode.

The SVG goes into the page inline, so it is rewritten to presentation attributes: the
Content Security Policy allows no inline `style` attributes, and the XML prolog, doctype
and comment are dropped."""

import io
import re

import barcode
from barcode.writer import SVGWriter

_STYLE = re.compile(r'style="([^"]*)"')


def _attributes(match: re.Match) -> str:
    pairs = [part.split(":", 1) for part in match.group(1).split(";") if ":" in part]
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)


_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def ean13_svg(number: str) -> str:
    """The barcode of a 13-digit EAN number (check digit included) as an SVG element."""
    if len(number) != 13 or not number.isdigit():
        raise ValueError("an EAN-13 number is 13 digits")
    drawn = barcode.get("ean13", number[:12], writer=SVGWriter())
    if drawn.get_fullcode() != number:
        raise ValueError("wrong EAN-13 check digit")
    out = io.BytesIO()
    drawn.write(out, options={"module_height": 15, "font_size": 6, "text_distance": 3})
    svg = out.getvalue().decode()
    svg = _COMMENT.sub("", _PROLOG.sub("", svg, count=1))
    svg = _STYLE.sub(_attributes, svg)
    return svg.replace("<svg ", '<svg role="img" aria-label="EAN-13 ' + number + '" ', 1)
