"""The unpacked size of an XLSX workbook, checked before anything in it is read.

An XLSX file is a zip archive: 101 KiB can hold a 100 MiB string, which openpyxl would
unpack into memory. Every member's uncompressed size (as the archive declares it, and
Python's zipfile never reads past that) is checked first, for the CLI and the web alike.
"""

import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed, Violation

MIB = 1024 * 1024
MEMBER_MAX = 64 * MIB  # a sheet of a few hundred thousand partners is well below
TOTAL_MAX = 256 * MIB
RATIO_MAX = 100  # spreadsheet XML packs 5-20 times; a bomb, thousands of times
RATIO_FROM = 4 * MIB  # small members may pack as tight as they like


class WorkbookTooLarge(ValidationFailed):
    """A workbook that unpacks to more than the import reads."""


def _refused(message) -> WorkbookTooLarge:
    return WorkbookTooLarge([Violation("import_workbook_too_large", message, "file")])


def workbook_size_check(path: Path) -> None:
    """Refuse an archive whose members unpack beyond the limits, before reading any."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: openpyxl's own message says the file is not a workbook
    total = 0
    for member in members:
        total += member.file_size
        packed = max(member.compress_size, 1)
        bomb = member.file_size > RATIO_FROM and member.file_size / packed > RATIO_MAX
        if member.file_size > MEMBER_MAX or bomb:
            raise _refused(
                _(
                    "The workbook cannot be read: its part %(name)s unpacks to %(size)d MiB "
                    "from %(packed)d KiB. Save the sheet as CSV and import that."
                )
                % {
                    "name": member.filename,
                    "size": member.file_size // MIB,
                    "packed": member.compress_size // 1024,
                }
            )
    if total > TOTAL_MAX:
        raise _refused(
            _("The workbook unpacks to more than %(limit)d MiB. Save the sheet as CSV.")
            % {"limit": TOTAL_MAX // MIB}
        )
