"""Counterparty and bank-account commands (P2, P5, P10)."""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ladoga.core.errors import Conflict, ValidationFailed, Violation

from .. import taxnumbers
from ..errors import PartnersCode
from ..models import BankAccount, Counterparty, CounterpartyKind, Partner, RecordStatus
from ._common import clean, locked_checked, partner_active_check, unknown_changes_check

Kind = CounterpartyKind


def requisites_check(
    *,
    kind: str,
    inn: str = "",
    kpp: str = "",
    ogrn: str = "",
    country: str = "RU",
    foreign_tax_number: str = "",
) -> tuple[dict, list[Violation]]:
    """Check a counterparty's tax numbers against its kind (P10).

    Returns the cleaned numbers and every violation found: a legal entity has a 10-digit
    INN, a KPP and a 13-digit OGRN; a sole proprietor a 12-digit INN, a 15-digit OGRNIP and
    no KPP; a private person at most a 12-digit INN; a foreign organisation a country other
    than Russia and, where stdnum knows the country, a valid foreign tax number. Empty
    numbers are allowed (filled later, e.g. from the registry).
    """
    violations: list[Violation] = []
    cleaned = {
        "inn": taxnumbers.digits_clean(inn),
        "kpp": taxnumbers.digits_clean(kpp).upper(),
        "ogrn": taxnumbers.digits_clean(ogrn),
        "country": (country or "RU").strip().upper(),
        "foreign_tax_number": (foreign_tax_number or "").strip(),
    }
    if kind not in Kind.values:
        violations.append(
            Violation(
                PartnersCode.COUNTERPARTY_KIND_UNKNOWN,
                _("Unknown counterparty kind %(kind)s; choose from: %(known)s.")
                % {"kind": kind, "known": ", ".join(Kind.values)},
                "kind",
            )
        )
        return cleaned, violations
    inn_length = {Kind.LEGAL_ENTITY: 10, Kind.SOLE_PROPRIETOR: 12, Kind.PERSON: 12}.get(kind)
    if cleaned["inn"]:
        try:
            cleaned["inn"] = taxnumbers.inn_check(cleaned["inn"], length=inn_length)
        except taxnumbers.TaxNumberInvalid as error:
            violations.append(Violation(PartnersCode.INN_INVALID, error.reason, "inn"))
    if cleaned["kpp"]:
        if kind in (Kind.SOLE_PROPRIETOR, Kind.PERSON):
            violations.append(
                Violation(
                    PartnersCode.KPP_NOT_ALLOWED,
                    _("Only organisations have a KPP; a sole proprietor or a person has none."),
                    "kpp",
                )
            )
        else:
            try:
                cleaned["kpp"] = taxnumbers.kpp_check(cleaned["kpp"])
            except taxnumbers.TaxNumberInvalid as error:
                violations.append(Violation(PartnersCode.KPP_INVALID, error.reason, "kpp"))
    if cleaned["ogrn"]:
        if kind == Kind.PERSON:
            violations.append(
                Violation(PartnersCode.OGRN_INVALID, _("A private person has no OGRN."), "ogrn")
            )
        else:
            length = {Kind.LEGAL_ENTITY: 13, Kind.SOLE_PROPRIETOR: 15}.get(kind)
            try:
                cleaned["ogrn"] = taxnumbers.ogrn_check(cleaned["ogrn"], length=length)
            except taxnumbers.TaxNumberInvalid as error:
                violations.append(Violation(PartnersCode.OGRN_INVALID, error.reason, "ogrn"))
    if not re.fullmatch(r"[A-Z]{2}", cleaned["country"]):
        violations.append(
            Violation(
                PartnersCode.COUNTRY_INVALID,
                _("A country is its two-letter ISO code, such as RU or DE."),
                "country",
            )
        )
    elif kind == Kind.FOREIGN:
        if cleaned["country"] == "RU":
            violations.append(
                Violation(
                    PartnersCode.COUNTRY_INVALID,
                    _("A foreign organisation is registered in a country other than Russia."),
                    "country",
                )
            )
        elif cleaned["foreign_tax_number"]:
            try:
                cleaned["foreign_tax_number"] = taxnumbers.foreign_number_check(
                    cleaned["foreign_tax_number"], country=cleaned["country"]
                )
            except taxnumbers.TaxNumberInvalid as error:
                violations.append(
                    Violation(
                        PartnersCode.FOREIGN_TAX_NUMBER_INVALID, error.reason, "foreign_tax_number"
                    )
                )
    elif cleaned["country"] != "RU" and kind in (Kind.LEGAL_ENTITY, Kind.SOLE_PROPRIETOR):
        violations.append(
            Violation(
                PartnersCode.COUNTRY_INVALID,
                _("A Russian legal entity or sole proprietor is registered in RU."),
                "country",
            )
        )
    return cleaned, violations


def _inn_kpp_free_check(*, inn: str, kpp: str, exclude_pk: int | None = None) -> None:
    if not inn:
        return
    taken = Counterparty.objects.filter(inn=inn, kpp=kpp, status=RecordStatus.ACTIVE)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise Conflict.single(
            PartnersCode.COUNTERPARTY_INN_KPP_TAKEN, inn_kpp_taken_message(inn, kpp), "inn"
        )


def _inn_kpp_taken(error: IntegrityError, inn: str, kpp: str) -> Conflict:
    # Two transactions passed the check at once (PostgreSQL); the constraint caught it.
    return Conflict.single(
        PartnersCode.COUNTERPARTY_INN_KPP_TAKEN, inn_kpp_taken_message(inn, kpp), "inn"
    )


def _names_check(short_name: str, full_name: str) -> tuple[str, str, list[Violation]]:
    short_name, full_name = clean(short_name), clean(full_name)
    if not short_name:
        return (
            short_name,
            full_name,
            [
                Violation(
                    PartnersCode.COUNTERPARTY_NAME_REQUIRED,
                    _("A counterparty needs a short name."),
                    "short_name",
                )
            ],
        )
    return short_name[:255], full_name[:500], []


def counterparty_fields_check(
    *,
    short_name: str,
    kind: str = Kind.LEGAL_ENTITY,
    full_name: str = "",
    inn: str = "",
    kpp: str = "",
    ogrn: str = "",
    country: str = "RU",
    foreign_tax_number: str = "",
    legal_address: str = "",
    comment: str = "",
) -> tuple[dict, list[Violation]]:
    """A new counterparty's model fields, checked (names and numbers, P10): the rules of
    counterparty_create, shared with partners_create_many. The INN+KPP uniqueness is
    the caller's, since it needs the database."""
    short_name, full_name, violations = _names_check(short_name, full_name)
    numbers, found = requisites_check(
        kind=kind, inn=inn, kpp=kpp, ogrn=ogrn, country=country,
        foreign_tax_number=foreign_tax_number,
    )  # fmt: skip
    fields = {
        "kind": kind,
        "short_name": short_name,
        "full_name": full_name or short_name,
        "legal_address": clean(legal_address)[:500],
        "comment": comment or "",
        **numbers,
    }
    return fields, violations + found


def inn_kpp_taken_message(inn: str, kpp: str) -> str:
    return _("An active counterparty with INN %(inn)s and KPP %(kpp)s already exists.") % {
        "inn": inn,
        "kpp": kpp or "—",
    }


@transaction.atomic
def counterparty_create(
    *,
    partner: Partner,
    short_name: str,
    kind: str = Kind.LEGAL_ENTITY,
    full_name: str = "",
    inn: str = "",
    kpp: str = "",
    ogrn: str = "",
    country: str = "RU",
    foreign_tax_number: str = "",
    legal_address: str = "",
    comment: str = "",
    by=None,
) -> Counterparty:
    """Add a counterparty to a partner, checking its numbers (P10); an INN+KPP pair is
    unique among active counterparties."""
    partner_active_check(partner)
    fields, violations = counterparty_fields_check(
        kind=kind, short_name=short_name, full_name=full_name, inn=inn, kpp=kpp, ogrn=ogrn,
        country=country, foreign_tax_number=foreign_tax_number, legal_address=legal_address,
        comment=comment,
    )  # fmt: skip
    if violations:
        raise ValidationFailed(violations)
    _inn_kpp_free_check(inn=fields["inn"], kpp=fields["kpp"])
    try:
        with transaction.atomic():
            return Counterparty.objects.create(partner=partner, created_by=by, **fields)
    except IntegrityError as error:
        raise _inn_kpp_taken(error, fields["inn"], fields["kpp"]) from None


COUNTERPARTY_CHANGEABLE = {
    "kind", "short_name", "full_name", "inn", "kpp", "ogrn", "country",
    "foreign_tax_number", "legal_address", "comment", "status",
}  # fmt: skip


@transaction.atomic
def counterparty_update(
    *, counterparty: Counterparty, expected_version: int | None, by=None, **changes
) -> Counterparty:
    """Change a counterparty's kind, names, numbers, address, comment or status; the
    numbers are checked again as a whole against the (new) kind."""
    unknown_changes_check(changes, COUNTERPARTY_CHANGEABLE)
    counterparty = locked_checked(Counterparty, counterparty, expected_version)
    merged = {f: changes.get(f, getattr(counterparty, f)) for f in COUNTERPARTY_CHANGEABLE}
    short_name, full_name, violations = _names_check(merged["short_name"], merged["full_name"])
    numbers, found = requisites_check(
        kind=merged["kind"], inn=merged["inn"], kpp=merged["kpp"], ogrn=merged["ogrn"],
        country=merged["country"], foreign_tax_number=merged["foreign_tax_number"],
    )  # fmt: skip
    violations += found
    if merged["status"] not in RecordStatus.values:
        violations.append(
            Violation(PartnersCode.COUNTERPARTY_KIND_UNKNOWN, _("Unknown status."), "status")
        )
    if violations:
        raise ValidationFailed(violations)
    if merged["status"] == RecordStatus.ACTIVE:
        _inn_kpp_free_check(inn=numbers["inn"], kpp=numbers["kpp"], exclude_pk=counterparty.pk)
    if numbers["inn"] != counterparty.inn:
        # Another organisation's number: what the registry said no longer applies.
        counterparty.registry_status = "unknown"
        counterparty.registry_checked_at = None
    counterparty.kind = merged["kind"]
    counterparty.short_name = short_name
    counterparty.full_name = full_name or short_name
    counterparty.legal_address = clean(merged["legal_address"])[:500]
    counterparty.comment = merged["comment"] or ""
    counterparty.status = merged["status"]
    for field, value in numbers.items():
        setattr(counterparty, field, value)
    try:
        with transaction.atomic():
            counterparty.save()
    except IntegrityError as error:
        raise _inn_kpp_taken(error, numbers["inn"], numbers["kpp"]) from None
    return counterparty


def bank_requisites_check(
    *, bik: str, number: str, correspondent_account: str = ""
) -> tuple[dict, list[Violation]]:
    """Check a BIK, an account and a correspondent account by their control keys (P5)."""
    violations: list[Violation] = []
    cleaned = {
        "bik": taxnumbers.digits_clean(bik),
        "number": taxnumbers.digits_clean(number),
        "correspondent_account": taxnumbers.digits_clean(correspondent_account),
    }
    try:
        cleaned["bik"] = taxnumbers.bik_check(cleaned["bik"])
    except taxnumbers.TaxNumberInvalid as error:
        return cleaned, [Violation(PartnersCode.BIK_INVALID, error.reason, "bik")]
    try:
        taxnumbers.account_check(cleaned["number"], bik=cleaned["bik"])
    except taxnumbers.TaxNumberInvalid as error:
        violations.append(Violation(PartnersCode.ACCOUNT_INVALID, error.reason, "number"))
    if cleaned["correspondent_account"]:
        try:
            taxnumbers.correspondent_account_check(
                cleaned["correspondent_account"], bik=cleaned["bik"]
            )
        except taxnumbers.TaxNumberInvalid as error:
            violations.append(
                Violation(
                    PartnersCode.CORRESPONDENT_ACCOUNT_INVALID,
                    error.reason,
                    "correspondent_account",
                )
            )
    return cleaned, violations


@transaction.atomic
def bank_account_add(
    *,
    counterparty: Counterparty,
    bik: str,
    number: str,
    correspondent_account: str = "",
    bank_name: str = "",
    is_primary: bool = False,
    by=None,
) -> BankAccount:
    """Add a bank account to a counterparty; the first one becomes primary."""
    partner_active_check(counterparty.partner)
    cleaned, violations = bank_requisites_check(
        bik=bik, number=number, correspondent_account=correspondent_account
    )
    if violations:
        raise ValidationFailed(violations)
    existing = BankAccount.objects.filter(counterparty=counterparty)
    if existing.filter(bik=cleaned["bik"], number=cleaned["number"]).exists():
        raise Conflict.single(
            PartnersCode.BANK_ACCOUNT_TAKEN,
            _("This counterparty already has account %(number)s.") % {"number": cleaned["number"]},
            "number",
        )
    is_primary = is_primary or not existing.exists()
    if is_primary:
        existing.filter(is_primary=True).update(is_primary=False)
    return BankAccount.objects.create(
        counterparty=counterparty,
        bank_name=clean(bank_name)[:255],
        is_primary=is_primary,
        created_by=by,
        **cleaned,
    )


@transaction.atomic
def bank_account_delete(*, account: BankAccount, by=None) -> None:
    account.delete()
