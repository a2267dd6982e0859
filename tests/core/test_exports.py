"""The product-wide export (core/exports.py): streamed CSV with a BOM, XLSX in write-only
mode, formula injection neutralised in both, any row source and column spec."""

import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from ladoga.core.errors import ValidationFailed
from ladoga.core.exports import (
    FORMULA_STARTS,
    Column,
    cell_safe,
    csv_lines,
    export_response,
    formula_like,
    xlsx_file,
)

ROWS = [
    SimpleNamespace(
        name="Ромашка",
        amount=Decimal("12.50"),
        day=datetime.date(2026, 3, 1),
        manager=SimpleNamespace(username="anna", label=lambda: "Anna"),
        tags=["a", "b"],
        active=True,
    ),
    SimpleNamespace(
        name="=cmd|' /C calc'!A0",
        amount=None,
        day=None,
        manager=None,
        tags=[],
        active=False,
    ),
]
COLUMNS = [
    Column("Name", "name"),
    Column("Amount", "amount"),
    Column("Day", "day"),
    Column("Manager", "manager.username"),
    Column("Label", "manager.label"),
    Column("Tags", "tags"),
    Column("Active", "active"),
    Column("Length", lambda row: len(row.name)),
]


def _csv(rows, columns=COLUMNS) -> list[list[str]]:
    data = b"".join(csv_lines(rows, columns)).decode("utf-8")
    assert data.startswith("\ufeff")
    return list(csv.reader(io.StringIO(data.removeprefix("\ufeff"))))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_neutralised_in_csv(start):
    assert formula_like(f"{start}1+1")
    assert cell_safe(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["Ромашка", "1+1", "a=b", "", "'quoted"])
def test_plain_text_is_left_as_it_is(value):
    assert not formula_like(value)
    assert cell_safe(value) == value


def test_csv_has_a_bom_a_header_and_the_values_read_through_the_columns():
    rows = _csv(ROWS)

    assert rows[0] == [c.title for c in COLUMNS]
    assert rows[1] == ["Ромашка", "12.50", "2026-03-01", "anna", "Anna", "a, b", "yes", "7"]
    assert rows[2][0] == "'=cmd|' /C calc'!A0"
    assert rows[2][1:6] == ["", "", "", "", ""]
    assert rows[2][6] == "no"


def test_csv_neutralises_formula_like_headers_too():
    assert _csv([], [Column("=SUM(A1)", "name")]) == [["'=SUM(A1)"]]


def test_csv_quotes_separators_quotes_and_line_breaks():
    row = SimpleNamespace(name='Ромашка, "и партнёры"\nвторая строка')
    assert _csv([row], [Column("Name", "name")])[1] == [row.name]


def test_csv_is_a_stream_that_reads_rows_lazily():
    seen = []

    def rows():
        for number in range(3):
            seen.append(number)
            yield SimpleNamespace(name=str(number))

    lines = csv_lines(rows(), [Column("Name", "name")])
    next(lines)  # the header
    assert seen == []
    next(lines)
    assert seen == [0]


def test_xlsx_keeps_values_typed_and_formula_like_text_as_quoted_text():
    handle = xlsx_file(ROWS, COLUMNS, title="Partners: [all]")
    sheet = load_workbook(handle).active

    assert sheet.title == "Partners all"
    assert [c.value for c in sheet[1]] == [c.title for c in COLUMNS]
    assert sheet[1][0].font.bold
    first = [c.value for c in sheet[2]]
    assert first[0] == "Ромашка"
    assert first[1] == Decimal("12.5") or first[1] == 12.5
    assert first[2].date() == datetime.date(2026, 3, 1)
    evil = sheet.cell(row=3, column=1)
    assert evil.value == "=cmd|' /C calc'!A0"
    assert evil.data_type == "s" and evil.quotePrefix
    assert not sheet.cell(row=2, column=1).quotePrefix


def test_xlsx_strips_time_zones_into_local_time(settings):
    settings.TIME_ZONE = "Europe/Moscow"
    moment = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
    sheet = load_workbook(xlsx_file([SimpleNamespace(at=moment)], [Column("At", "at")])).active
    assert sheet.cell(row=2, column=1).value == datetime.datetime(2026, 3, 1, 12, 0)


def test_export_response_picks_the_format_from_the_request():
    request = RequestFactory().get("/x", {"format": "xlsx"})
    response = export_response(request, rows=ROWS, columns=COLUMNS, filename="partners list")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="partners_list.xlsx"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    response = export_response(RequestFactory().get("/x"), rows=ROWS, columns=COLUMNS, filename="p")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="p.csv"' in response["Content-Disposition"]


def test_an_unknown_format_is_a_rule_error():
    with pytest.raises(ValidationFailed) as error:
        export_response(rows=[], columns=COLUMNS, filename="p", fmt="pdf")
    assert error.value.codes == ["export_format_unknown"]


def test_a_queryset_is_read_in_chunks(actors, django_assert_max_num_queries):
    from ladoga.accounts.models import User

    with django_assert_max_num_queries(1):
        rows = _csv(User.objects.order_by("username"), [Column("User", "username")])
    assert [r[0] for r in rows[1:]] == sorted(a.username for a in actors.values())
