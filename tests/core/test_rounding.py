"""One rounding rule for every figure shown (issue 17, point 2): ordinary half-up, through
`ladoga.core.numbers`, in exports, chart labels and templates."""

import csv
import io
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from openpyxl import load_workbook

from ladoga.core.exports import Column, csv_lines, xlsx_file
from ladoga.core.numbers import half_up
from ladoga.web.charts import short

D = Decimal
COLUMNS = [Column("Figure", lambda row: row)]


def test_a_computed_float_in_a_csv_export_is_rounded_half_up():
    text = b"".join(csv_lines([0.125, 2.675, 1 / 3], COLUMNS)).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == ["0.13", "2.68", "0.33"]


def test_a_computed_float_in_an_xlsx_export_is_rounded_half_up():
    handle = xlsx_file([0.125, 2.675], COLUMNS)
    sheet = load_workbook(handle).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [0.13, 2.68]


def test_decimals_and_whole_numbers_are_exported_as_they_are():
    text = b"".join(csv_lines([D("6.25"), 7], COLUMNS)).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == ["6.25", "7"]


def test_a_chart_axis_label_rounds_half_up():
    assert short(1250) == "1.3k"
    assert short(2_250_000) == "2.3M"


@pytest.mark.parametrize(
    ("value", "places"),
    [
        (D("6.25"), 1),
        (D("0.125"), 2),
        (0.125, 2),
        (2.675, 2),
        (1.005, 2),
        (D("-6.25"), 1),
        (D("12.5"), 0),
        (D("1234.565"), 2),
    ],
)
def test_the_templates_floatformat_is_the_same_half_up_rule(value, places):
    """Django's floatformat reads a float through its shortest repr and a Decimal as it is,
    then quantizes with ROUND_HALF_UP — the rule of core.numbers — so templates need no
    filter of their own."""
    assert floatformat(value, f"{places}u") == str(half_up(value, places))
