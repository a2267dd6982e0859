"""Contact persons (P3) and contact information (P4)."""

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.errors import DomainError, ValidationFailed, Violation

from .. import keys
from ..errors import PartnersCode
from ..models import (
    ContactInfo,
    ContactInfoKind,
    ContactPerson,
    Counterparty,
    DecisionRole,
    Partner,
    RecordStatus,
)
from ._common import clean, locked_checked, partner_active_check, prefixed, unknown_changes_check


def _contact_fields_check(fields: dict) -> list[Violation]:
    violations = []
    if not (fields.get("last_name") or fields.get("first_name")):
        violations.append(
            Violation(
                PartnersCode.CONTACT_NAME_REQUIRED,
                _("A contact person needs a last or a first name."),
                "last_name",
            )
        )
    if fields.get("decision_role", "") not in DecisionRole.values:
        violations.append(
            Violation(
                PartnersCode.CONTACT_ROLE_UNKNOWN,
                _("Unknown role in decisions; choose from: %(known)s.")
                % {"known": ", ".join(v for v in DecisionRole.values if v)},
                "decision_role",
            )
        )
    if fields.get("status", RecordStatus.ACTIVE) not in RecordStatus.values:
        violations.append(
            Violation(PartnersCode.CONTACT_ROLE_UNKNOWN, _("Unknown status."), "status")
        )
    birthday = fields.get("birthday")
    if birthday is not None and not isinstance(birthday, datetime.date):
        violations.append(
            Violation(PartnersCode.CONTACT_NAME_REQUIRED, _("A birthday is a date."), "birthday")
        )
    return violations


@transaction.atomic
def contact_create(
    *,
    partner: Partner,
    last_name: str = "",
    first_name: str = "",
    middle_name: str = "",
    position: str = "",
    decision_role: str = "",
    birthday: datetime.date | None = None,
    comment: str = "",
    by=None,
) -> ContactPerson:
    """Add a contact person to a partner; a last or first name is required."""
    partner_active_check(partner)
    fields = {
        "last_name": clean(last_name)[:100],
        "first_name": clean(first_name)[:100],
        "middle_name": clean(middle_name)[:100],
        "position": clean(position)[:150],
        "decision_role": decision_role or "",
        "birthday": birthday,
        "comment": comment or "",
    }
    violations = _contact_fields_check(fields)
    if violations:
        raise ValidationFailed(violations)
    return ContactPerson.objects.create(partner=partner, created_by=by, **fields)


CONTACT_CHANGEABLE = {
    "last_name", "first_name", "middle_name", "position", "decision_role", "birthday",
    "comment", "status",
}  # fmt: skip


@transaction.atomic
def contact_update(
    *, contact: ContactPerson, expected_version: int | None, by=None, **changes
) -> ContactPerson:
    """Change a contact person's name, position, role in decisions, birthday or status."""
    unknown_changes_check(changes, CONTACT_CHANGEABLE)
    contact = locked_checked(ContactPerson, contact, expected_version)
    for field in ("last_name", "first_name", "middle_name", "position"):
        if field in changes:
            changes[field] = clean(changes[field])[: 150 if field == "position" else 100]
    if "decision_role" in changes:
        changes["decision_role"] = changes["decision_role"] or ""
    merged = {f: changes.get(f, getattr(contact, f)) for f in CONTACT_CHANGEABLE}
    violations = _contact_fields_check(merged)
    if violations:
        raise ValidationFailed(violations)
    for field, value in changes.items():
        setattr(contact, field, value if field != "comment" else value or "")
    contact.save()
    return contact


@dataclass(frozen=True)
class ContactInfoItem:
    """One piece of contact information as given to contact_info_set/contact_info_add."""

    kind: str
    value: str
    label: str = ""
    is_primary: bool = False

    @classmethod
    def of(cls, item: "ContactInfoItem | Mapping") -> "ContactInfoItem":
        if isinstance(item, ContactInfoItem):
            return item
        return cls(
            kind=str(item.get("kind", "")),
            value=str(item.get("value", "") or ""),
            label=str(item.get("label", "") or ""),
            is_primary=bool(item.get("is_primary", False)),
        )


@functools.lru_cache(maxsize=16384)  # an import normalises each value several times
def contact_info_normalise(kind: str, value: str) -> tuple[str, str]:
    """The value as it will be stored and its normalised key; ValidationFailed if invalid.

    Phones must be valid numbers (default region RU) and are keyed in E.164; e-mails must
    be valid addresses, keyed in lower case; web sites keyed without scheme and "www.";
    addresses and messengers keyed trimmed and lower-case.
    """
    value = " ".join((value or "").split())
    if kind not in ContactInfoKind.values:
        raise ValidationFailed.single(
            PartnersCode.CONTACT_INFO_KIND_UNKNOWN,
            _("Unknown kind of contact information %(kind)s; choose from: %(known)s.")
            % {"kind": kind, "known": ", ".join(ContactInfoKind.values)},
            "kind",
        )
    if not value:
        raise ValidationFailed.single(
            PartnersCode.CONTACT_INFO_EMPTY, _("Contact information cannot be empty."), "value"
        )
    if len(value) > 500:
        raise ValidationFailed.single(
            PartnersCode.CONTACT_INFO_EMPTY, _("At most 500 characters."), "value"
        )
    if kind == ContactInfoKind.PHONE:
        try:
            return value, keys.phone_key(value)
        except ValueError:
            raise ValidationFailed.single(
                PartnersCode.PHONE_INVALID,
                _("%(value)s is not a phone number (write it as +7 912 345-67-89).")
                % {"value": value},
                "value",
            ) from None
    if kind == ContactInfoKind.EMAIL:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValidationFailed.single(
                PartnersCode.EMAIL_INVALID,
                _("%(value)s is not an e-mail address.") % {"value": value},
                "value",
            ) from None
        return value, keys.email_key(value)
    if kind == ContactInfoKind.WEBSITE:
        url = value if "://" in value else f"https://{value}"
        try:
            URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError:
            raise ValidationFailed.single(
                PartnersCode.WEBSITE_INVALID,
                _("%(value)s is not a web address.") % {"value": value},
                "value",
            ) from None
        return value, keys.website_key(value)
    return value, keys.text_key(value)


def _owner_fields(owner: Partner | Counterparty | ContactPerson) -> dict:
    if isinstance(owner, Partner):
        return {"partner": owner, "counterparty": None, "contact": None}
    if isinstance(owner, Counterparty):
        return {"partner": owner.partner, "counterparty": owner, "contact": None}
    if isinstance(owner, ContactPerson):
        return {"partner": owner.partner, "counterparty": None, "contact": owner}
    raise ValidationFailed.single(
        PartnersCode.CONTACT_INFO_OWNER_INVALID,
        _("Contact information belongs to a partner, a counterparty or a contact person."),
    )


def contact_info_of(owner: Partner | Counterparty | ContactPerson):
    """The contact information of exactly this owner (not of the partner's others)."""
    fields = _owner_fields(owner)
    return ContactInfo.objects.filter(
        partner=fields["partner"],
        counterparty=fields["counterparty"],
        contact=fields["contact"],
    )


def _items_check(items: Iterable) -> tuple[list[tuple[ContactInfoItem, str, str]], list]:
    checked, violations = [], []
    for index, raw in enumerate(items):
        item = ContactInfoItem.of(raw)
        try:
            value, key = contact_info_normalise(item.kind, item.value)
        except DomainError as error:
            violations += prefixed(error, f"{index}.")
            continue
        checked.append((item, value, key))
    return checked, violations


@dataclass(frozen=True)
class WantedInfo:
    kind: str
    key: str
    value: str
    label: str
    is_primary: bool


def contact_info_wanted(items: Iterable) -> tuple[dict[tuple[str, str], WantedInfo], list]:
    """Items given as an owner's complete contact information, checked and normalised:
    the same kind and key once, and one primary per kind (the first marked one, else the
    first given). Shared by contact_info_set and partners_create_many."""
    checked, violations = _items_check(items)
    first: dict[tuple[str, str], tuple[ContactInfoItem, str]] = {}
    for item, value, key in checked:
        first.setdefault((item.kind, key), (item, value))
    primary: dict[str, tuple[str, str]] = {}
    for (kind, key), (item, _value) in first.items():
        if item.is_primary and kind not in primary:
            primary[kind] = (kind, key)
    for kind, key in first:
        primary.setdefault(kind, (kind, key))
    wanted = {
        pair: WantedInfo(
            kind=pair[0],
            key=pair[1],
            value=value,
            label=clean(item.label)[:100],
            is_primary=primary[pair[0]] == pair,
        )
        for pair, (item, value) in first.items()
    }
    return wanted, violations


@transaction.atomic
def contact_info_add(
    *,
    owner: Partner | Counterparty | ContactPerson,
    kind: str,
    value: str,
    label: str = "",
    is_primary: bool = False,
    by=None,
) -> ContactInfo:
    """Add one piece of contact information; the same kind and key twice is kept once."""
    fields = _owner_fields(owner)
    partner_active_check(fields["partner"])
    value, key = contact_info_normalise(kind, value)
    existing = contact_info_of(owner).filter(kind=kind, key=key).first()
    if existing is not None:
        return existing
    siblings = contact_info_of(owner).filter(kind=kind)
    if is_primary:
        siblings.filter(is_primary=True).update(is_primary=False)
    return ContactInfo.objects.create(
        kind=kind,
        value=value,
        key=key,
        label=clean(label)[:100],
        is_primary=is_primary or not siblings.exists(),
        created_by=by,
        **fields,
    )


@transaction.atomic
def contact_info_set(
    *, owner: Partner | Counterparty | ContactPerson, items: Iterable, by=None
) -> list[ContactInfo]:
    """Make `items` the complete contact information of `owner` (P4).

    Rows whose kind and normalised key are given again are kept (value, label and primary
    flag updated); the others are deleted; new ones are added. Each invalid item is
    reported with its index ("2.value"); nothing changes then.
    """
    fields = _owner_fields(owner)
    partner_active_check(fields["partner"])
    wanted, violations = contact_info_wanted(items)
    if violations:
        raise ValidationFailed(violations)
    current = {(row.kind, row.key): row for row in contact_info_of(owner)}
    stale = [row.pk for pair, row in current.items() if pair not in wanted]
    if stale:
        ContactInfo.objects.filter(pk__in=stale).delete()
    result = []
    for pair, item in wanted.items():
        row = current.get(pair)
        if row is None:
            row = ContactInfo.objects.create(
                kind=item.kind, key=item.key, value=item.value, label=item.label,
                is_primary=item.is_primary, created_by=by, **fields,
            )  # fmt: skip
        elif (row.value, row.label, row.is_primary) != (item.value, item.label, item.is_primary):
            row.value, row.label, row.is_primary = item.value, item.label, item.is_primary
            row.save()
        result.append(row)
    return result


@transaction.atomic
def contact_info_delete(*, info: ContactInfo, by=None) -> None:
    info.delete()
