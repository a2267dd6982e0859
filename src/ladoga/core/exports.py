"""CSV and XLSX export of any list, streamed, and safe to open in a spreadsheet program.

Every list page and report exports through here (DESIGN.md: "CSV/XLSX export of every
list, with formula-injection neutralised"):

    COLUMNS = [
        Column(_("Name"), "name"),
        Column(_("Manager"), "manager.get_full_name"),
        Column(_("Roles"), lambda partner: ", ".join(partner.roles)),
    ]

    def partner_list(request):
        found = partners_filter(...)
        if request.GET.get("format"):
            return export_response(
                request, rows=found, columns=COLUMNS, filename="partners", title=_("Partners")
            )

* **CSV** is UTF-8 with a byte-order mark (so Excel reads Cyrillic right), streamed row by
  row: memory stays flat whatever the number of rows. In Russian the delimiter is ";" and
  decimals have a comma ("1234,5"), as Russian Excel expects; in English "," and a dot.
* **XLSX** is written with openpyxl's write-only mode into an anonymous temporary file,
  which is then streamed; memory stays flat too.
* **Formula injection (CSV injection)**: a text cell starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return would be run as a formula. In CSV such a cell gets a
  leading apostrophe; in XLSX it is stored as a string with Excel's "quote prefix" style,
  so the value reads exactly as stored and stays text when the cell is edited.
* **Control characters** a spreadsheet refuses (NUL, ESC…; stored before the input checks
  existed) become U+FFFD, so one bad name never fails the whole export.
* A queryset is read with ``.iterator()`` in chunks (prefetches still apply per chunk).
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from .errors import ValidationFailed
from .formats import language_of
from .numbers import half_up
from .text import printable

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000
EXPORT_FORMAT_UNKNOWN = "export_format_unknown"


@dataclass(frozen=True)
class Column:
    """One column of an export: its title and how to read the value from a row.

    `value` is a dotted attribute path ("manager.username"; a callable met on the way is
    called, so "get_status_display" works) or a function of the row.
    """

    title: Any
    value: str | Callable[[Any], Any]

    def read(self, row) -> Any:
        if callable(self.value):
            return self.value(row)
        current = row
        for part in self.value.split("."):
            if current is None:
                return None
            current = current.get(part) if isinstance(current, dict) else getattr(current, part)
            if callable(current):
                current = current()
        return current


def formula_like(value) -> bool:
    """Whether a spreadsheet program would take this text for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def cell_safe(value: str) -> str:
    """Text for a CSV cell: a leading apostrophe stops a formula from running."""
    return "'" + value if formula_like(value) else value


def format_check(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationFailed.single(
            EXPORT_FORMAT_UNKNOWN,
            _("Unknown export format %(format)s; choose csv or xlsx.") % {"format": fmt},
            "format",
        )
    return fmt


def _plain(value) -> Any:
    """A cell value a spreadsheet understands: text, number, date, or empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, float):
        # a float is a computed figure: two decimals, half-up, like everything shown
        return half_up(value, 2)
    if isinstance(value, int | Decimal | datetime.date):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return printable(", ".join(str(v) for v in value))
    return printable(str(value))


def _rows(rows: Iterable) -> Iterator:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return iter(rows)


def _values(row, columns: Sequence[Column]) -> list:
    return [_plain(column.read(row)) for column in columns]


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_dialect(language: str | None = None) -> dict:
    """How a CSV file is written for a reader of `language`: Russian Excel splits columns
    on ";" (the comma is its decimal separator), English Excel on ","."""
    lang = language_of(language)
    return {"delimiter": ";" if lang == "ru" else ",", "decimal": "," if lang == "ru" else "."}


def _csv_cell(value, decimal: str):
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # no thousands grouping: a spreadsheet reads "1234,5" as a number, not "1 234,5"
        return format(value, "f").replace(".", decimal)
    if isinstance(value, str):
        return cell_safe(value)
    return value


def csv_lines(
    rows: Iterable, columns: Sequence[Column], *, language: str | None = None
) -> Iterator[bytes]:
    """The CSV file as a stream of encoded lines: the BOM and header first.

    The BOM is written in every language: without it Excel reads UTF-8 as the system's
    ANSI code page in any locale, and an English reader's file holds Cyrillic names too;
    programs that read CSV by hand accept it (Python's "utf-8-sig", LibreOffice, pandas).
    The delimiter and decimal separator follow the language (`csv_dialect`); the language
    is fixed when the export starts, since the stream is written after the view returns.
    """
    language = language_of(language)
    dialect = csv_dialect(language)
    writer = csv.writer(_Echo(), delimiter=dialect["delimiter"])
    with translation.override(language):
        header = writer.writerow([cell_safe(str(c.title)) for c in columns])
        yield "\ufeff".encode() + header.encode()
        for row in _rows(rows):
            values = [_csv_cell(value, dialect["decimal"]) for value in _values(row, columns)]
            yield writer.writerow(values).encode()


def xlsx_file(rows: Iterable, columns: Sequence[Column], *, title: str = "") -> Any:
    """The XLSX workbook in an anonymous temporary file (deleted when closed), at 0."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    bold = Font(bold=True)

    def cell(value, header=False):
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            # openpyxl takes a string starting with "=" for a formula: say it is text, and
            # give formula-like text Excel's quote prefix so it stays text when edited.
            made.data_type = "s"
            if formula_like(value):
                made.quotePrefix = True
        if header:
            made.font = bold
        return made

    sheet.append([cell(str(c.title), header=True) for c in columns])
    for row in _rows(rows):
        sheet.append([cell(value) for value in _values(row, columns)])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 -- the response closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in str(title or "") if ch not in "[]:*?/\\").strip()
    return (cleaned or "Export")[:31]


def export_response(
    request: HttpRequest | None = None,
    *,
    rows: Iterable,
    columns: Sequence[Column],
    filename: str,
    title: str = "",
    fmt: str | None = None,
):
    """A download of `rows` in the format asked for by `?format=csv|xlsx` (or `fmt`).

    Raises ValidationFailed (export_format_unknown) for another format.
    """
    if fmt is None:
        fmt = request.GET.get("format", "csv") if request is not None else "csv"
    fmt = format_check(fmt)
    name = f"{get_valid_filename(filename) or 'export'}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(rows, columns, language=language_of()), content_type=CSV_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        response = FileResponse(
            xlsx_file(rows, columns, title=title or filename),
            as_attachment=True,
            filename=name,
            content_type=XLSX_TYPE,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def table_response(*, name: str, title: str, headers: Sequence, rows: Iterable[Sequence], fmt: str):
    """A download of a report's table (a header row and rows of values) as csv or xlsx."""
    columns = [
        Column(str(header), lambda row, index=index: row[index])
        for index, header in enumerate(headers)
    ]
    return export_response(rows=rows, columns=columns, filename=name, title=title, fmt=fmt)
