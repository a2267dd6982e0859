"""CSV and XLSX export of a report's table, safe to open in a spreadsheet program.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run
as a formula by Excel or LibreOffice (CSV injection): CSV cells get a leading apostrophe,
and XLSX cells are written as plain strings, never as formulas.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed

from .errors import ClaimsCode

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_safe(value):
    """A cell's value, with text that a spreadsheet would run as a formula neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def format_check(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationFailed.single(
            ClaimsCode.REPORT_FORMAT_UNKNOWN,
            _("Unknown export format %(format)s; choose csv or xlsx.") % {"format": fmt},
            "format",
        )
    return fmt


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell_safe(str(h)) for h in headers])
    for row in rows:
        writer.writerow([cell_safe(v if isinstance(v, str) else str(v)) for v in row])
    # A byte-order mark makes Excel read the file as UTF-8 (Cyrillic names).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, headers: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    for row in [[str(h) for h in headers], *rows]:
        values = []
        for value in row:
            if isinstance(value, Decimal):
                value = float(value) if value == value.quantize(Decimal("0.01")) else str(value)
            elif not isinstance(value, int | float | datetime.date):
                value = str(value)
            values.append(value)
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            # openpyxl takes any string starting with "=" for a formula; say it is text.
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(*, name: str, title: str, headers: list[str], rows: list[list], fmt: str):
    """An HTTP download of the table in `fmt` (csv or xlsx), named `name`.<fmt>."""
    fmt = format_check(fmt)
    if fmt == "csv":
        response = HttpResponse(csv_bytes(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(title, headers, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
