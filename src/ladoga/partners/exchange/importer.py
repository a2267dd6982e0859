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
"""

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.core.errors import DomainError

from .. import keys, queries, services
from ..duplicates import duplicates_find
from ..models import (
    ContactInfoKind,
    Counterparty,
    CounterpartyKind,
    Partner,
    PartnerKind,
    PartnerRole,
    PartnerStatus,
)
from .jobs import JobStatus, job_load
from .tabular import FIELDS, BrokenRow, Row, TableReader, mapping_check

logger = logging.getLogger("ladoga.partners.import")

BATCH = 200
REPORT_ROWS = 200
ACTIONS = ("create", "update", "duplicate", "error")

KIND_WORDS = {
    PartnerKind.COMPANY: {"company", "компания", "организация", "юрлицо"},
    PartnerKind.PERSON: {"person", "private person", "частное лицо", "физлицо", "физическое лицо"},
}
ROLE_WORDS = {
    PartnerRole.CLIENT: {"client", "customer", "клиент", "покупатель"},
    PartnerRole.SUPPLIER: {"supplier", "vendor", "поставщик"},
    PartnerRole.COMPETITOR: {"competitor", "конкурент"},
    PartnerRole.CARRIER: {"carrier", "перевозчик"},
    PartnerRole.OTHER: {"other", "other relations", "прочие", "прочие отношения", "другое"},
}
COUNTERPARTY_KIND_WORDS = {
    CounterpartyKind.LEGAL_ENTITY: {"legal_entity", "legal entity", "юрлицо", "юридическое лицо"},
    CounterpartyKind.SOLE_PROPRIETOR: {
        "sole_proprietor", "sole proprietor", "ип", "индивидуальный предприниматель",
    },
    CounterpartyKind.PERSON: {"person", "private person", "физлицо", "физическое лицо"},
    CounterpartyKind.FOREIGN: {"foreign", "foreign organisation", "иностранная организация"},
}  # fmt: skip
COUNTERPARTY_FIELDS = ("counterparty_kind", "full_name", "inn", "kpp", "ogrn", "legal_address")
INFO_FIELDS = {
    "phone": ContactInfoKind.PHONE,
    "email": ContactInfoKind.EMAIL,
    "website": ContactInfoKind.WEBSITE,
    "address": ContactInfoKind.ACTUAL_ADDRESS,
}
SPLIT_FIELDS = ("phone", "email", "website")


def _word(value: str) -> str:
    return " ".join(value.casefold().replace("ё", "е").split())


def _lookup(words: dict, value: str):
    wanted = _word(value)
    return next((key for key, spellings in words.items() if wanted in spellings), None)


@dataclass
class RowResult:
    number: int
    action: str
    name: str = ""
    messages: list[str] = field(default_factory=list)
    partner_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "row": self.number,
            "action": self.action,
            "name": self.name,
            "messages": self.messages,
            "partner_id": self.partner_id,
        }


@dataclass
class Report:
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    rows: list[RowResult] = field(default_factory=list)
    refused: bool = False  # errors found and skip_invalid not chosen: nothing written
    _kept: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))

    def add(self, result: RowResult) -> None:
        self.counts[result.action] += 1
        if self._kept[result.action] < REPORT_ROWS:
            self._kept[result.action] += 1
            self.rows.append(result)

    @property
    def written(self) -> int:
        return 0 if self.dry_run or self.refused else self.counts["create"] + self.counts["update"]

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "refused": self.refused,
            "total": self.total,
            "counts": dict(self.counts),
            "rows": [r.as_dict() for r in sorted(self.rows, key=lambda r: r.number)],
        }


@dataclass
class Parsed:
    """A row's values checked and shaped as the services take them."""

    name: str
    partner: dict
    changes: dict  # the partner fields the row gives (for an update)
    counterparty: dict | None
    contact_info: list[dict]
    partner_id: int | None = None


class RowParser:
    """Turns a row's cells into service arguments; collects every problem of the row."""

    def __init__(self, *, mapping: dict[int, str], user: User):
        self.mapping, self.user = mapping, user
        self._managers: dict[str, User | None] = {}

    def cells(self, row: Row) -> dict[str, str]:
        return {f: " ".join(row.cells[i].split()) for i, f in self.mapping.items()}

    def _manager(self, value: str) -> User | None:
        key = value.casefold()
        if key not in self._managers:
            self._managers[key] = (
                User.objects.filter(username__iexact=value, is_active=True)
                .exclude(role=Role.PORTAL)
                .first()
            )
        return self._managers[key]

    def parse(self, row: Row) -> tuple[Parsed | None, list[str]]:
        values = self.cells(row)
        problems: list[str] = []

        def problem(field_name: str, message) -> None:
            problems.append(f"{FIELDS[field_name]}: {message}")

        name = values.get("name", "")
        if not name:
            problem("name", _("a partner needs a name"))
        elif len(name) > 255:
            problem("name", _("at most 255 characters"))
        changes: dict = {"name": name}
        kind = PartnerKind.COMPANY
        if values.get("kind"):
            kind = _lookup(KIND_WORDS, values["kind"])
            if kind is None:
                problem("kind", _("write company or person"))
                kind = PartnerKind.COMPANY
            changes["kind"] = kind
        roles = [PartnerRole.CLIENT.value]
        if values.get("roles"):
            roles = []
            for word in values["roles"].replace(";", ",").replace("/", ",").split(","):
                if not word.strip():
                    continue
                role = _lookup(ROLE_WORDS, word)
                if role is None:
                    problem("roles", _("unknown role %(role)s") % {"role": word.strip()})
                elif role.value not in roles:
                    roles.append(role.value)
            changes["roles"] = roles
        manager = self.user
        if values.get("manager"):
            manager = self._manager(values["manager"])
            if manager is None:
                problem("manager", _("no active user named %(name)s") % {"name": values["manager"]})
            changes["manager"] = manager
        if values.get("comment"):
            changes["comment"] = values["comment"]
        partner_id = None
        if values.get("id"):
            if not values["id"].isdigit():
                problem("id", _("an ID is a whole number"))
            else:
                partner_id = int(values["id"])

        counterparty = None
        if any(values.get(f) for f in COUNTERPARTY_FIELDS):
            counterparty, found = self._counterparty(values, name, kind)
            problems.extend(found)

        contact_info = []
        for field_name, info_kind in INFO_FIELDS.items():
            raw = values.get(field_name, "")
            parts = raw.replace(";", ",").split(",") if field_name in SPLIT_FIELDS else [raw]
            for part in (p.strip() for p in parts):
                if not part:
                    continue
                try:
                    value, _key = services.contact_info_normalise(info_kind, part)
                except DomainError as error:
                    problem(field_name, error.detail)
                    continue
                contact_info.append({"kind": info_kind, "value": value})
        if problems:
            return None, problems
        partner = {
            "name": name,
            "kind": kind,
            "roles": roles,
            "manager": manager,
            "comment": values.get("comment", ""),
        }
        return Parsed(name, partner, changes, counterparty, contact_info, partner_id), []

    def _counterparty(self, values: dict, name: str, kind: str) -> tuple[dict, list[str]]:
        problems = []
        country = (values.get("country") or "RU").upper()
        inn_digits = "".join(ch for ch in values.get("inn", "") if ch.isdigit())
        if values.get("counterparty_kind"):
            cp_kind = _lookup(COUNTERPARTY_KIND_WORDS, values["counterparty_kind"])
            if cp_kind is None:
                problems.append(
                    f"{FIELDS['counterparty_kind']}: "
                    + _("write legal entity, sole proprietor, person or foreign")
                )
                cp_kind = CounterpartyKind.LEGAL_ENTITY
        elif country != "RU":
            cp_kind = CounterpartyKind.FOREIGN
        elif len(inn_digits) == 12:
            cp_kind = (
                CounterpartyKind.PERSON
                if kind == PartnerKind.PERSON
                else CounterpartyKind.SOLE_PROPRIETOR
            )
        else:
            cp_kind = CounterpartyKind.LEGAL_ENTITY
        numbers, violations = services.requisites_check(
            kind=cp_kind,
            inn=values.get("inn", "") if cp_kind != CounterpartyKind.FOREIGN else "",
            kpp=values.get("kpp", ""),
            ogrn=values.get("ogrn", ""),
            country=country,
            foreign_tax_number=values.get("inn", "") if cp_kind == CounterpartyKind.FOREIGN else "",
        )
        labels = {"foreign_tax_number": "inn", "kind": "counterparty_kind"}
        for violation in violations:
            column = labels.get(violation.field, violation.field)
            label = FIELDS.get(column, column)
            problems.append(f"{label}: {violation.message}")
        counterparty = {
            "kind": cp_kind,
            "short_name": name,
            "full_name": values.get("full_name", ""),
            "legal_address": values.get("legal_address", ""),
            **numbers,
        }
        return counterparty, problems


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
            if self.dry_run:
                for row in batch:
                    report.add(self._row(row))
            else:
                with transaction.atomic():
                    for row in batch:
                        report.add(self._row(row))
            done += len(batch)
            self.progress(done, report.total)

    def _id_problems(self, partner_id: int) -> list[str]:
        if not self._visible().filter(pk=partner_id).exists():
            return [
                f"{FIELDS['id']}: "
                + _("no partner with ID %(id)d that you can see") % {"id": partner_id}
            ]
        return []

    def _visible(self):
        return queries.partners_visible_to(user=self.user)

    def _row(self, row: Row | BrokenRow) -> RowResult:
        if isinstance(row, BrokenRow):
            return RowResult(row.number, "error", messages=[row.message])
        parsed, problems = self.parser.parse(row)
        if parsed is None:
            return RowResult(row.number, "error", self.parser.cells(row).get("name", ""), problems)
        result = self._decide(row.number, parsed)
        if result.action in ("create", "update") and not self.dry_run:
            try:
                with transaction.atomic():
                    self._write(result, parsed)
            except DomainError as error:
                return RowResult(
                    row.number, "error", parsed.name, [str(v.message) for v in error.violations]
                )
        return result

    def _keys(self, parsed: Parsed) -> list[tuple[str, str]]:
        found = [("name", keys.name_key(parsed.name))]
        if parsed.counterparty and parsed.counterparty.get("inn"):
            found.append(("inn", parsed.counterparty["inn"]))
        for item in parsed.contact_info:
            if item["kind"] in (ContactInfoKind.PHONE, ContactInfoKind.EMAIL):
                _value, key = services.contact_info_normalise(item["kind"], item["value"])
                found.append((str(item["kind"]), key))
        return [k for k in found if k[1]]

    def _decide(self, number: int, parsed: Parsed) -> RowResult:
        result = RowResult(number, "create", parsed.name)
        inn = (parsed.counterparty or {}).get("inn", "")
        if parsed.partner_id is not None:
            problems = self._id_problems(parsed.partner_id)
            if problems:
                return RowResult(number, "error", parsed.name, problems)
            result.action, result.partner_id = "update", parsed.partner_id
        elif inn:
            same = Counterparty.objects.filter(
                inn=inn, status=PartnerStatus.ACTIVE, partner__status=PartnerStatus.ACTIVE
            ).order_by("pk")
            # The same KPP, else the one without a KPP (a branch has its own KPP).
            kpp = parsed.counterparty.get("kpp", "")
            partner_id = (
                same.filter(kpp=kpp).values_list("partner_id", flat=True).first()
                if kpp
                else same.values_list("partner_id", flat=True).first()
            )
            if partner_id is None and kpp:
                partner_id = same.filter(kpp="").values_list("partner_id", flat=True).first()
            if partner_id is not None:
                if self._visible().filter(pk=partner_id).exists():
                    result.action, result.partner_id = "update", partner_id
                else:
                    other = Partner.objects.select_related("manager").get(pk=partner_id)
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
            result = self._duplicates(result, parsed)
        if result.action in ("create", "update"):
            for key in row_keys:
                self.seen.setdefault(key, number)
        return result

    def _duplicates(self, result: RowResult, parsed: Parsed) -> RowResult:
        phones = [i["value"] for i in parsed.contact_info if i["kind"] == ContactInfoKind.PHONE]
        emails = [i["value"] for i in parsed.contact_info if i["kind"] == ContactInfoKind.EMAIL]
        candidates = duplicates_find(
            name=parsed.name,
            inn=(parsed.counterparty or {}).get("inn", ""),
            phone=phones,
            email=emails,
            limit=3,
        )
        if not candidates:
            return result
        return RowResult(
            result.number,
            "duplicate",
            parsed.name,
            [
                f"{c.partner.name} (#{c.partner.pk}): " + ", ".join(r.message for r in c.reasons)
                for c in candidates
            ],
            candidates[0].partner.pk,
        )

    def _write(self, result: RowResult, parsed: Parsed) -> None:
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
        partner = Partner.objects.get(pk=result.partner_id)
        services.partner_update(
            partner=partner, expected_version=None, by=self.user, **parsed.changes
        )
        if parsed.counterparty:
            data = parsed.counterparty
            existing = None
            if data.get("inn"):
                same = Counterparty.objects.filter(
                    partner=partner, inn=data["inn"], status=PartnerStatus.ACTIVE
                ).order_by("pk")
                existing = (
                    same.filter(kpp=data.get("kpp", "")).first()
                    or (same.filter(kpp="").first() if data.get("kpp") else None)
                    or (same.first() if not data.get("kpp") else None)
                )
            if existing is None:
                services.counterparty_create(partner=partner, by=self.user, **data)
            else:
                changes = {
                    k: v
                    for k, v in data.items()
                    if v and k in ("kpp", "ogrn", "full_name", "legal_address")
                }
                if changes:
                    services.counterparty_update(
                        counterparty=existing, expected_version=None, by=self.user, **changes
                    )
        for item in parsed.contact_info:
            services.contact_info_add(owner=partner, by=self.user, **item)


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
