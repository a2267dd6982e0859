"""Importing partners from CSV or XLSX (P12) with the duplicate check, a dry run and a
per-row report.

Each data row becomes one of:

* **create** — a new partner, registered through `services.partner_register` (the
  wizard's command, so the rules are the same as everywhere else);
* **update** — an existing partner the importing user can see, found by its Ladoga ID
  (column "id") or by the INN (and KPP) of one of its active counterparties: the non-empty
  cells replace its name, kind, roles, manager, comment and requisites, and phones,
  e-mails, sites and addresses are added;
* **duplicate** — skipped: `duplicates_find` (or an earlier row of the same file) says
  the partner probably exists already; the reasons are reported;
* **error** — the row cannot be read or breaks a rule; every problem is reported.

A dry run decides every row and writes nothing. A real run first checks every row (a
quick pass without the duplicate search): if any row has an error and the user did not
choose `skip_invalid`, nothing is written and the report lists the errors. Otherwise the
rows are written in batches of BATCH rows per transaction, each row in its own savepoint,
so a row that fails takes back only its own writes.

Memory stays flat in the file's size: rows are read one at a time; what grows is the
set of keys already seen in the file (names, INNs, phones, e-mails: a few dozen bytes a
row) and the report, which keeps at most REPORT_ROWS rows of each outcome.

A row is read in `rows`, its outcome recorded in `report`; this module decides and writes.
"""

import itertools
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.core.errors import DomainError

from .. import keys, queries, services
from ..duplicates import NAME_THRESHOLD, DuplicateQuery, duplicates_find_many, key_similarity
from ..models import ContactInfoKind, Counterparty, Partner, PartnerStatus
from .jobs import JobStatus, job_load
from .report import WRITTEN, Report, RowResult
from .rows import Parsed, RowParser
from .tabular import FIELDS, BrokenRow, Row, TableReader, mapping_check

logger = logging.getLogger("ladoga.partners.import")

BATCH = 200


class Importer:
    """One import: `run()` reads the file and returns its Report."""

    def __init__(
        self,
        *,
        path: Path,
        fmt: str,
        mapping: dict[int, str],
        user: User,
        encoding: str = "utf-8",
        dry_run: bool = True,
        skip_invalid: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ):
        self.reader = TableReader(path, fmt=fmt, encoding=encoding)
        self.mapping = mapping_check(mapping, self.reader.headers)
        self.user, self.dry_run, self.skip_invalid = user, dry_run, skip_invalid
        self.progress = progress or (lambda done, total: None)
        self.parser = RowParser(mapping=self.mapping, user=user)
        self.seen: dict[tuple[str, str], int] = {}

    def run(self) -> Report:
        with self.reader:
            report = Report(dry_run=self.dry_run, total=self.reader.count())
            self.progress(0, report.total)
            if not self.dry_run and not self.skip_invalid:
                checked = self._check_only(report.total)
                if checked.counts["error"]:
                    checked.refused = True
                    return checked
            self._process(report)
        return report

    def _check_only(self, total: int) -> Report:
        """The quick pass of a real run: every row read and checked, nothing written."""
        report = Report(dry_run=False, total=total)
        for row in self.reader.rows():
            if isinstance(row, BrokenRow):
                report.add(RowResult(row.number, "error", messages=[row.message]))
                continue
            parsed, problems = self.parser.parse(row)
            if parsed is not None and parsed.partner_id is not None:
                problems = self._id_problems(parsed.partner_id)
            if problems:
                name = parsed.name if parsed else self.parser.cells(row).get("name", "")
                report.add(RowResult(row.number, "error", name, problems))
        return report

    def _process(self, report: Report) -> None:
        rows = self.reader.rows()
        done = 0
        while True:
            batch = list(itertools.islice(rows, BATCH))
            if not batch:
                break
            for result in sorted(self._batch(batch), key=lambda r: r.number):
                report.add(result)
            done += len(batch)
            self.progress(done, report.total)

    def _batch(self, rows: list[Row | BrokenRow]) -> list[RowResult]:
        """Decide a batch of rows and, in a real run, write them: the lookups of the whole
        batch in a fixed number of queries, the writes through the batch services."""
        results, parsed_rows = [], []
        for row in rows:
            if isinstance(row, BrokenRow):
                results.append(RowResult(row.number, "error", messages=[row.message]))
                continue
            parsed, problems = self.parser.parse(row)
            if parsed is None:
                name = self.parser.cells(row).get("name", "")
                results.append(RowResult(row.number, "error", name, problems))
            else:
                parsed_rows.append((row.number, parsed))
        lookup = BatchLookup(self, [parsed for _number, parsed in parsed_rows])
        decided = [(self._decide(number, parsed, lookup), parsed) for number, parsed in parsed_rows]
        results += [result for result, _parsed in decided if result.action not in WRITTEN]
        writes = [(result, parsed) for result, parsed in decided if result.action in WRITTEN]
        if self.dry_run or not writes:
            return results + [result for result, _parsed in writes]
        with transaction.atomic():
            try:
                with transaction.atomic():
                    self._write_batch(writes)
                return results + [result for result, _parsed in writes]
            except DomainError:
                pass  # some row breaks a rule after all: write row by row to find it
            for result, parsed in writes:
                try:
                    with transaction.atomic():
                        self._write(result, parsed)
                except DomainError as error:
                    result = RowResult(
                        result.number,
                        "error",
                        parsed.name,
                        [str(v.message) for v in error.violations],
                    )
                results.append(result)
        return results

    def _id_problems(self, partner_id: int) -> list[str]:
        if not self._visible().filter(pk=partner_id).exists():
            return [self._id_problem(partner_id)]
        return []

    def _id_problem(self, partner_id: int) -> str:
        return f"{FIELDS['id']}: " + _("no partner with ID %(id)d that you can see") % {
            "id": partner_id
        }

    def _visible(self):
        return queries.partners_visible_to(user=self.user)

    def _keys(self, parsed: Parsed) -> list[tuple[str, str]]:
        found = [("name", keys.name_key(parsed.name))]
        if parsed.counterparty and parsed.counterparty.get("inn"):
            found.append(("inn", parsed.counterparty["inn"]))
        for item in parsed.contact_info:
            if item["kind"] in (ContactInfoKind.PHONE, ContactInfoKind.EMAIL):
                _value, key = services.contact_info_normalise(item["kind"], item["value"])
                found.append((str(item["kind"]), key))
        return [k for k in found if k[1]]

    def _decide(self, number: int, parsed: Parsed, lookup: "BatchLookup") -> RowResult:
        result = RowResult(number, "create", parsed.name)
        inn = (parsed.counterparty or {}).get("inn", "")
        if parsed.partner_id is not None:
            if parsed.partner_id not in lookup.visible:
                return RowResult(
                    number, "error", parsed.name, [self._id_problem(parsed.partner_id)]
                )
            result.action, result.partner_id = "update", parsed.partner_id
        elif inn:
            partner_id = lookup.partner_by_inn(inn, parsed.counterparty.get("kpp", ""))
            if partner_id is not None:
                if partner_id in lookup.visible:
                    result.action, result.partner_id = "update", partner_id
                else:
                    other = lookup.invisible[partner_id]
                    return RowResult(
                        number,
                        "duplicate",
                        parsed.name,
                        [
                            _("same INN %(inn)s as %(name)s (responsible: %(manager)s)")
                            % {"inn": inn, "name": other.name, "manager": other.manager or "—"}
                        ],
                        partner_id,
                    )
        row_keys = self._keys(parsed)
        if result.action == "create":
            earlier = [(k, self.seen[k]) for k in row_keys if k in self.seen]
            if earlier:
                (_what, value), first = earlier[0]
                return RowResult(
                    number,
                    "duplicate",
                    parsed.name,
                    [_("the same as row %(row)d (%(what)s)") % {"row": first, "what": value}],
                )
            result = self._duplicates(result, parsed, lookup)
        if result.action in WRITTEN:
            for key in row_keys:
                self.seen.setdefault(key, number)
            if result.action == "create":
                lookup.created.append((number, keys.name_key(parsed.name)))
        return result

    def _duplicates(self, result: RowResult, parsed: Parsed, lookup: "BatchLookup") -> RowResult:
        candidates = lookup.candidates.get(id(parsed), [])
        if candidates:
            return RowResult(
                result.number,
                "duplicate",
                parsed.name,
                [
                    f"{c.partner.name} (#{c.partner.pk}): "
                    + ", ".join(r.message for r in c.reasons)
                    for c in candidates
                ],
                candidates[0].partner.pk,
            )
        # A row of this batch decided before it is not in the database yet: compare names.
        name = keys.name_key(parsed.name)
        for number, other in lookup.created:
            similarity = key_similarity(name, other)
            if similarity >= NAME_THRESHOLD:
                return RowResult(
                    result.number,
                    "duplicate",
                    parsed.name,
                    [
                        _("the same as row %(row)d (%(what)s)")
                        % {
                            "row": number,
                            "what": _("name %(percent)d %% similar") % {"percent": similarity},
                        }
                    ],
                )
        return result

    def _write_batch(self, writes: list[tuple[RowResult, Parsed]]) -> None:
        creates = [(r, p) for r, p in writes if r.action == "create"]
        created = services.partners_create_many(
            drafts=[
                services.PartnerDraft(
                    partner=p.partner, counterparty=p.counterparty, contact_info=p.contact_info
                )
                for _r, p in creates
            ],
            by=self.user,
        )
        for (result, _parsed), partner in zip(creates, created, strict=True):
            result.partner_id = partner.pk
        services.partners_update_many(
            changes=[_change(r, p) for r, p in writes if r.action == "update"], by=self.user
        )

    def _write(self, result: RowResult, parsed: Parsed) -> None:
        """One row's writes (when its batch failed as a whole)."""
        if result.action == "create":
            created = services.partner_register(
                partner=parsed.partner,
                counterparty=parsed.counterparty,
                contact_info=parsed.contact_info,
                confirm_duplicates=True,
                by=self.user,
            )
            result.partner_id = created.pk
            return
        services.partners_update_many(changes=[_change(result, parsed)], by=self.user)


def _change(result: RowResult, parsed: Parsed) -> services.PartnerChange:
    return services.PartnerChange(
        partner_id=result.partner_id,
        changes=parsed.changes,
        counterparty=parsed.counterparty,
        contact_info=parsed.contact_info,
    )


class BatchLookup:
    """What the rows of one batch need from the database, read in a few queries: the
    partners their IDs and INNs name, which of those the user sees, and the duplicate
    candidates of every row."""

    def __init__(self, importer: Importer, rows: list[Parsed]):
        inns = {(p.counterparty or {}).get("inn", "") for p in rows} - {""}
        self.by_inn: dict[str, list[tuple[str, int]]] = {}
        if inns:
            same = Counterparty.objects.filter(
                inn__in=sorted(inns),
                status=PartnerStatus.ACTIVE,
                partner__status=PartnerStatus.ACTIVE,
            ).order_by("pk")
            for inn, kpp, partner_id in same.values_list("inn", "kpp", "partner_id"):
                self.by_inn.setdefault(inn, []).append((kpp, partner_id))
        named = {p.partner_id for p in rows if p.partner_id is not None}
        named |= {pk for pairs in self.by_inn.values() for _kpp, pk in pairs}
        self.visible = set(importer._visible().filter(pk__in=named).values_list("pk", flat=True))
        self.invisible = Partner.objects.select_related("manager").in_bulk(named - self.visible)
        searched = [p for p in rows if p.partner_id is None and not self._updates(p)]
        found = duplicates_find_many(
            [
                DuplicateQuery.of(
                    name=p.name,
                    inn=(p.counterparty or {}).get("inn", ""),
                    phone=[
                        i["value"] for i in p.contact_info if i["kind"] == ContactInfoKind.PHONE
                    ],
                    email=[
                        i["value"] for i in p.contact_info if i["kind"] == ContactInfoKind.EMAIL
                    ],
                )
                for p in searched
            ],
            limit=3,
        )
        self.candidates = {id(p): c for p, c in zip(searched, found, strict=True)}
        self.created: list[tuple[int, str]] = []  # (row, name key) of this batch's creates

    def _updates(self, parsed: Parsed) -> bool:
        """Whether the row's INN names a partner the user sees (the row updates it)."""
        inn = (parsed.counterparty or {}).get("inn", "")
        return bool(inn) and self.partner_by_inn(inn, parsed.counterparty["kpp"]) in self.visible

    def partner_by_inn(self, inn: str, kpp: str) -> int | None:
        """The partner whose counterparty the INN and KPP name (services.counterparty_by_kpp)."""
        found = services.counterparty_by_kpp(self.by_inn.get(inn, []), kpp, kpp_of=lambda p: p[0])
        return found[1] if found else None


def job_run(job_id: str) -> None:
    """Run a queued import job (the background task's body). Idempotent: a job that is not
    queued any more (already run, or running in another worker) is left alone."""
    job = job_load(job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return
    user = User.objects.filter(pk=job.user_id, is_active=True).first()
    job.status, job.processed, job.report, job.error = JobStatus.RUNNING, 0, None, ""
    job.save()
    if user is None:
        job.status, job.error = JobStatus.FAILED, "inactive user"
        job.save()
        return

    def progress(done: int, total: int) -> None:
        job.processed, job.total = done, total
        job.save()

    with translation.override(user.language or settings.LANGUAGE_CODE):
        try:
            report = Importer(
                path=job.data_path,
                fmt=job.fmt,
                encoding=job.encoding,
                mapping=job.column_mapping,
                user=user,
                dry_run=job.dry_run,
                skip_invalid=job.skip_invalid,
                progress=progress,
            ).run()
        except DomainError as error:
            job.status, job.error = JobStatus.FAILED, error.detail
        except Exception:
            logger.exception("import job %s failed", job.id)
            job.status = JobStatus.FAILED
            job.error = _("The import stopped on an unexpected error; nothing more was written.")
        else:
            job.status, job.report = JobStatus.DONE, report.as_dict()
    job.save()
