"""Reading a partner import file (CSV or XLSX) as a stream of rows, and its column mapping.

Nothing here touches the database. A file-level problem (not a CSV or XLSX file, an
encoding other than the one chosen, no header, required columns missing) raises
ImportFileError; a row that cannot be read (more or fewer cells than the header, a broken
quote) comes out as a BrokenRow, so the importer can report it with its number and go on.

CSV: the encoding is chosen by the user (UTF-8 by default; Windows-1251 is what Excel
writes for "CSV" on Russian Windows); a byte-order mark wins over the choice. The
separator (comma, semicolon or tab) is the one the header line uses most. The file is
decoded and parsed line by line, so memory stays flat whatever its size.

XLSX: the first sheet, read with openpyxl's read-only mode (row by row); the first
non-empty row is the header.
"""

import codecs
import csv
import datetime
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ladoga.core.errors import ValidationFailed, Violation

from .archive import workbook_size_check

ENCODINGS = {
    "utf-8": gettext_lazy("UTF-8 (recommended)"),
    "cp1251": gettext_lazy("Windows-1251 (Excel on Russian Windows)"),
}
MAX_CELL = 10_000  # characters; a longer "cell" is a broken file, not a partner's name

# The fields a column can be mapped to, in the order the mapping form shows them.
FIELDS = {
    "id": gettext_lazy("Ladoga ID (to update a partner)"),
    "name": gettext_lazy("Name"),
    "kind": gettext_lazy("Kind (company or person)"),
    "roles": gettext_lazy("Roles"),
    "counterparty_kind": gettext_lazy("Counterparty kind"),
    "full_name": gettext_lazy("Full legal name"),
    "inn": gettext_lazy("INN"),
    "kpp": gettext_lazy("KPP"),
    "ogrn": gettext_lazy("OGRN / OGRNIP"),
    "country": gettext_lazy("Country"),
    "legal_address": gettext_lazy("Legal address"),
    "address": gettext_lazy("Actual address"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "website": gettext_lazy("Web site"),
    "manager": gettext_lazy("Responsible manager (user name)"),
    "comment": gettext_lazy("Comment"),
}
REQUIRED = ("name",)

# Header spellings recognised without the user mapping them (compared case-folded, with
# spaces, dots, dashes and underscores removed).
ALIASES = {
    "id": ["id", "ladogaid", "код", "идентификатор"],
    "name": ["name", "partner", "partnername", "наименование", "название", "партнер", "партнёр"],
    "kind": ["kind", "type", "вид", "тип"],
    "roles": ["roles", "role", "роли", "роль"],
    "counterparty_kind": ["counterpartykind", "legalform", "видконтрагента"],
    "full_name": ["fullname", "legalname", "полноенаименование"],
    "inn": ["inn", "taxid", "инн"],
    "kpp": ["kpp", "кпп"],
    "ogrn": ["ogrn", "ogrnip", "огрн", "огрнип"],
    "country": ["country", "страна"],
    "legal_address": ["legaladdress", "юридическийадрес", "юрадрес"],
    "address": ["address", "actualaddress", "адрес", "фактическийадрес"],
    "phone": ["phone", "phones", "telephone", "tel", "телефон", "телефоны"],
    "email": ["email", "emails", "mail", "электроннаяпочта", "почта"],
    "website": ["website", "site", "web", "url", "сайт"],
    "manager": ["manager", "responsible", "менеджер", "ответственный"],
    "comment": ["comment", "comments", "note", "notes", "комментарий", "примечание"],
}
_ALIAS_FIELD = {alias: field for field, aliases in ALIASES.items() for alias in aliases}


class ImportFileError(ValidationFailed):
    """The file as a whole cannot be imported; nothing is read from it then."""

    title = gettext_lazy("The file cannot be imported")


def _file_error(code: str, message, field: str = "file") -> ImportFileError:
    return ImportFileError([Violation(code=code, message=message, field=field)])


@dataclass(frozen=True)
class BrokenRow:
    """A row that could not be read: its line (CSV) or row (XLSX) number and why."""

    number: int
    message: str


@dataclass(frozen=True)
class Row:
    number: int
    cells: list[str]


def header_key(header: str) -> str:
    return "".join(ch for ch in str(header).casefold() if ch not in " ._-/\\()").replace("ё", "е")


def mapping_guess(headers: list[str]) -> dict[int, str]:
    """Column index → field for the headers whose spelling is recognised (each field once)."""
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        field = key if key in FIELDS else _ALIAS_FIELD.get(key)
        if field and field not in found.values():
            found[index] = field
    return found


def mapping_check(mapping: dict[int, str], headers: list[str]) -> dict[int, str]:
    """The mapping without unmapped columns; ImportFileError when a field is mapped twice,
    a column does not exist, or a required field has no column."""
    cleaned = {int(i): f for i, f in mapping.items() if f}
    unknown = sorted({f for f in cleaned.values() if f not in FIELDS})
    if unknown or any(not 0 <= i < len(headers) for i in cleaned):
        raise _file_error(
            "import_mapping_invalid",
            _("The column mapping names a column or field that does not exist."),
            "mapping",
        )
    doubled = sorted({f for f in cleaned.values() if list(cleaned.values()).count(f) > 1})
    if doubled:
        raise _file_error(
            "import_mapping_invalid",
            _("Several columns are mapped to %(fields)s; map each field once.")
            % {"fields": ", ".join(str(FIELDS[f]) for f in doubled)},
            "mapping",
        )
    missing = [f for f in REQUIRED if f not in cleaned.values()]
    if missing:
        raise _file_error(
            "import_columns_missing",
            _("Required columns are missing: %(fields)s. Add them to the file or map a column.")
            % {"fields": ", ".join(str(FIELDS[f]) for f in missing)},
            "mapping",
        )
    return cleaned


def format_detect(path: Path, name: str = "") -> str:
    """ "csv" or "xlsx", from the content (the name only helps with the message)."""
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start.startswith(b"PK\x03\x04"):
        return "xlsx"
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            "import_format_unknown",
            _("Old Excel files (.xls) are not read; save the file as .xlsx or CSV."),
        )
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise _file_error(
            "import_format_unknown", _("The file is named .xlsx but is not an Excel workbook.")
        )
    return "csv"


class TableReader:
    """Opens a CSV or XLSX file and hands out its header and its rows, one at a time.

    Use as a context manager; `rows()` may be called again to read the file once more.
    """

    def __init__(self, path: Path, *, fmt: str, encoding: str = "utf-8"):
        if encoding not in ENCODINGS:
            raise _file_error(
                "import_encoding_unknown",
                _("Unknown encoding %(encoding)s.") % {"encoding": encoding},
                "encoding",
            )
        self.path, self.fmt, self.encoding = Path(path), fmt, encoding
        self.headers: list[str] = []
        self._workbook = None
        self._handle = None
        self.headers = self._header()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    # ---- CSV ----

    def _lines(self) -> Iterator[str]:
        """The file's lines, decoded one by one, so an undecodable byte is reported on its
        own line. A byte-order mark wins over the chosen encoding."""
        with open(self.path, "rb") as raw:
            start = raw.read(4)
            raw.seek(0)
            if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                # Two bytes a character: the byte lines would cut characters; decode whole.
                with io.TextIOWrapper(raw, encoding="utf-16", newline="") as text:
                    try:
                        yield from text
                    except UnicodeDecodeError:
                        raise self._encoding_error(1) from None
                return
            encoding = "utf-8" if self.encoding == "utf-8" else self.encoding
            for number, line in enumerate(raw, start=1):
                if number == 1 and line.startswith(codecs.BOM_UTF8):
                    line, encoding = line[len(codecs.BOM_UTF8) :], "utf-8"
                try:
                    yield line.decode(encoding)
                except UnicodeDecodeError:
                    raise self._encoding_error(number) from None

    def _encoding_error(self, line: int) -> ImportFileError:
        return _file_error(
            "import_encoding_wrong",
            _(
                "The file is not in %(encoding)s (line %(line)d cannot be read). Choose the "
                "encoding it was saved in, or save it again as CSV UTF-8."
            )
            % {"encoding": str(ENCODINGS[self.encoding]).split(" (")[0], "line": line},
            "encoding",
        )

    def _csv_header(self) -> list[str]:
        first = next(iter(self._lines()), "")
        if "\x00" in first:
            raise _file_error(
                "import_format_unknown", _("The file is not a CSV text file or an .xlsx workbook.")
            )
        self.delimiter = max((",", ";", "\t"), key=first.count)
        try:
            header = next(csv.reader([first], delimiter=self.delimiter), [])
        except csv.Error:
            header = []
        return [h.strip() for h in header]

    def _csv_rows(self) -> Iterator[Row | BrokenRow]:
        width = len(self.headers)
        reader = csv.reader(self._lines(), delimiter=self.delimiter, strict=True)
        next(reader, None)  # the header
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield BrokenRow(
                    start, _("the row cannot be read (%(error)s)") % {"error": str(error)}
                )
                continue
            if not any(c.strip() for c in cells):
                continue
            yield self._checked(start, cells, width)

    # ---- XLSX ----

    def _sheet(self):
        from openpyxl import load_workbook

        self.close()
        workbook_size_check(self.path)
        # A file object, not the path: openpyxl refuses a name without .xlsx (the web
        # import stores its upload as "data").
        self._handle = open(self.path, "rb")  # noqa: SIM115 -- closed by close()
        try:
            self._workbook = load_workbook(self._handle, read_only=True, data_only=True)
        except Exception:  # a zip that is not a workbook, a damaged file…
            raise _file_error(
                "import_format_unknown", _("The file is not a readable .xlsx workbook.")
            ) from None
        if not self._workbook.worksheets:
            raise _file_error("import_header_missing", _("The workbook has no sheet."))
        return self._workbook.worksheets[0]

    def _xlsx_lines(self) -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(self._sheet().iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            yield number, cells

    def _xlsx_header(self) -> list[str]:
        for number, cells in self._xlsx_lines():
            if cells:
                self._header_row = number
                return [c.strip() for c in cells]
        return []

    def _xlsx_rows(self) -> Iterator[Row | BrokenRow]:
        width = len(self.headers)
        for number, cells in self._xlsx_lines():
            if number <= self._header_row or not cells:
                continue
            yield self._checked(number, cells + [""] * (width - len(cells)), width)

    # ---- both ----

    def _header(self) -> list[str]:
        headers = self._xlsx_header() if self.fmt == "xlsx" else self._csv_header()
        if not any(headers):
            raise _file_error(
                "import_header_missing",
                _("The first row must name the columns (Name, INN, Phone…); it is empty."),
            )
        return headers

    def _checked(self, number: int, cells: list[str], width: int) -> Row | BrokenRow:
        if len(cells) != width:
            return BrokenRow(
                number,
                _("the row has %(cells)d cells, the header has %(width)d")
                % {"cells": len(cells), "width": width},
            )
        if any(len(c) > MAX_CELL for c in cells):
            return BrokenRow(
                number, _("a cell is longer than %(max)d characters") % {"max": MAX_CELL}
            )
        return Row(number, cells)

    def rows(self) -> Iterator[Row | BrokenRow]:
        """Every data row after the header, as a Row or a BrokenRow; empty rows left out."""
        return self._xlsx_rows() if self.fmt == "xlsx" else self._csv_rows()

    def count(self) -> int:
        """How many data rows the file has (a quick pass, for progress bars)."""
        return sum(1 for _row in self.rows())

    def sample(self, size: int = 5) -> list[Row | BrokenRow]:
        return list(itertools.islice(self.rows(), size))


def _cell_text(value) -> str:
    """An XLSX cell as the text a person typed: 7707083893 not 7707083893.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
