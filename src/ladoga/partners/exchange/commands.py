"""`ladoga import partners FILE [--dry-run]`: the partner import on the command line, with a
progress bar (tqdm, on stderr) and the report on stdout.

Exit codes (as every `ladoga` command): 0 done, 1 failed, 2 refused because of bad input —
a file that cannot be read, a mapping without the required columns, or rows with errors
when --skip-invalid was not given (nothing is written then).
"""

import sys
from pathlib import Path

from django.utils.translation import gettext as _
from tqdm import tqdm

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.core.errors import DomainError

from .importer import Importer
from .tabular import FIELDS, TableReader, format_detect, header_key, mapping_guess

REPORT_LINES = 50


def _user(username: str | None) -> User | None:
    staff = User.objects.filter(is_active=True)
    if username:
        return staff.filter(username=username).exclude(role=Role.PORTAL).first()
    return staff.filter(role=Role.ADMIN).order_by("pk").first()


def _mapping(headers: list[str], overrides: list[str]) -> dict[int, str]:
    """The guessed mapping, changed by COLUMN=FIELD overrides (a header or a number from 1;
    FIELD empty to leave the column out)."""
    mapping = mapping_guess(headers)
    keys = [header_key(h) for h in headers]
    for item in overrides:
        column, sep, field = item.partition("=")
        field = field.strip()
        if not sep or (field and field not in FIELDS):
            raise ValueError(
                _("--map takes COLUMN=FIELD; fields: %(fields)s") % {"fields": ", ".join(FIELDS)}
            )
        if column.strip().isdigit():
            index = int(column) - 1
        elif header_key(column) in keys:
            index = keys.index(header_key(column))
        else:
            raise ValueError(_("The file has no column %(column)s.") % {"column": column})
        mapping = {i: f for i, f in mapping.items() if f != field or not field}
        if field:
            mapping[index] = field
        else:
            mapping.pop(index, None)
    return mapping


def import_partners(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(_("ladoga: no file %(path)s") % {"path": path}, file=sys.stderr)
        return 2
    user = _user(args.user)
    if user is None:
        print(
            _("ladoga: no active user to import as; create an administrator or pass --user."),
            file=sys.stderr,
        )
        return 2
    bar = tqdm(total=0, unit=_("rows"), file=sys.stderr, disable=args.quiet, dynamic_ncols=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        fmt = format_detect(path, path.name)
        with TableReader(path, fmt=fmt, encoding=args.encoding) as reader:
            headers = reader.headers
        mapping = _mapping(headers, args.map)
        report = Importer(
            path=path,
            fmt=fmt,
            encoding=args.encoding,
            mapping=mapping,
            user=user,
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            progress=progress,
        ).run()
    except (DomainError, ValueError) as error:
        bar.close()
        print(f"ladoga: {error}", file=sys.stderr)
        return 2
    bar.close()
    _print(report)
    return 2 if report.refused else 0


def _print(report) -> None:
    counts = report.counts
    if report.dry_run:
        print(_("Dry run: nothing was written."))
    elif report.refused:
        print(
            _(
                "%(count)d row(s) have errors: nothing was imported. Fix them, or run again "
                "with --skip-invalid to import the valid rows."
            )
            % {"count": counts["error"]}
        )
    verb = _("would be") if report.dry_run or report.refused else _("were")
    print(
        _(
            "%(total)d row(s): %(create)d %(verb)s created, %(update)d %(verb)s updated, "
            "%(duplicate)d skipped as duplicates, %(error)d with errors."
        )
        % {**counts, "total": report.total, "verb": verb}
    )
    shown = [r for r in sorted(report.rows, key=lambda r: r.number) if r.action != "create"]
    for row in shown[:REPORT_LINES]:
        label = {"update": _("update"), "duplicate": _("duplicate"), "error": _("error")}
        details = "; ".join(row.messages)
        print(f"  {_('row')} {row.number}: {label[row.action]}: {row.name} — {details}")
    if len(shown) > REPORT_LINES:
        print(_("  … and %(count)d more.") % {"count": len(shown) - REPORT_LINES})
