"""The registration wizard (P8): a partner with everything that belongs to it, at once."""

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.errors import DomainError, ValidationFailed, Violation

from ..duplicates import duplicates_find
from ..errors import DuplicatesFound, PartnersCode
from ..models import ContactInfoKind, CounterpartyKind, Partner, PartnerKind
from ._common import prefixed
from .contacts import ContactInfoItem, contact_create, contact_info_normalise, contact_info_set
from .partners import partner_create
from .properties import property_values_set
from .requisites import bank_account_add, counterparty_create


def _register_duplicates(partner, counterparty, contacts, contact_info, by):
    phones, emails = [], []
    for item in [*contact_info, *(i for c in contacts for i in c.get("contact_info", ()))]:
        item = ContactInfoItem.of(item)
        if item.kind not in (ContactInfoKind.PHONE, ContactInfoKind.EMAIL):
            continue
        try:
            _value, key = contact_info_normalise(item.kind, item.value)
        except DomainError:
            continue  # reported by the step that stores it
        (phones if item.kind == ContactInfoKind.PHONE else emails).append(key)
    return duplicates_find(
        name=partner.get("name", ""),
        inn=(counterparty or {}).get("inn", ""),
        phone=phones,
        email=emails,
    )


@transaction.atomic
def partner_register(
    *,
    partner: Mapping,
    counterparty: Mapping | None = None,
    contacts: Sequence[Mapping] = (),
    contact_info: Sequence = (),
    bank_account: Mapping | None = None,
    properties: Mapping | None = None,
    confirm_duplicates: bool = False,
    by=None,
) -> Partner:
    """Register a partner with its counterparty, contact persons (each with their contact
    information and properties), its contact information, a bank account of the
    counterparty and its properties — all or nothing (P8).

    The duplicate check runs first: if it finds candidates and the caller has not
    confirmed, DuplicatesFound (409) carries them and nothing is written. Every invalid
    field of every step is reported at once, prefixed with where it is
    ("counterparty.inn", "contacts.1.contact_info.0.value").

    `partner` holds partner_create's arguments, `counterparty` counterparty_create's,
    each contact contact_create's plus "contact_info" and "properties", `bank_account`
    bank_account_add's.
    """
    contacts = list(contacts)
    if not confirm_duplicates:
        candidates = _register_duplicates(partner, counterparty, contacts, contact_info, by)
        if candidates:
            raise DuplicatesFound(
                [
                    Violation(
                        PartnersCode.DUPLICATES_FOUND,
                        _(
                            "%(count)d existing partner(s) look like this one; check them, "
                            "then confirm to register anyway."
                        )
                        % {"count": len(candidates)},
                    )
                ],
                candidates,
            )
    violations: list[Violation] = []

    def step(prefix: str, command, **kwargs):
        try:
            return command(by=by, **kwargs)
        except ValidationFailed as error:
            violations.extend(prefixed(error, prefix))
        except DomainError as error:
            if violations:  # report the field errors gathered so far along with it
                raise ValidationFailed([*violations, *prefixed(error, prefix)]) from None
            raise type(error)(prefixed(error, prefix)) from None
        return None

    created = step("partner.", partner_create, **partner)
    if created is None:
        raise ValidationFailed(violations)
    if counterparty:
        found = step("counterparty.", counterparty_create, partner=created, **counterparty)
        if found is not None and bank_account:
            step("bank_account.", bank_account_add, counterparty=found, **bank_account)
    elif bank_account:
        violations.append(
            Violation(
                PartnersCode.ACCOUNT_INVALID,
                _("A bank account belongs to a counterparty: fill the counterparty in."),
                "bank_account",
            )
        )
    if contact_info:
        step("contact_info.", contact_info_set, owner=created, items=contact_info)
    if properties:
        step("properties.", property_values_set, owner=created, values=properties)
    for index, data in enumerate(contacts):
        data = dict(data)
        info, values = data.pop("contact_info", ()), data.pop("properties", None)
        person = step(f"contacts.{index}.", contact_create, partner=created, **data)
        if person is None:
            continue
        if info:
            step(f"contacts.{index}.contact_info.", contact_info_set, owner=person, items=info)
        if values:
            step(f"contacts.{index}.properties.", property_values_set, owner=person, values=values)
    if violations:
        raise ValidationFailed(violations)
    return created


def quick_counterparty_kind(*, partner_kind: str, inn: str) -> str:
    """The counterparty a quick create's INN belongs to: a private person's own for a
    person; else a sole proprietor's for 12 digits, an organisation's for 10."""
    if partner_kind == PartnerKind.PERSON:
        return CounterpartyKind.PERSON
    digits = "".join(ch for ch in inn if ch.isdigit())
    return CounterpartyKind.SOLE_PROPRIETOR if len(digits) == 12 else CounterpartyKind.LEGAL_ENTITY


def partner_quick_create(
    *,
    partner: Mapping,
    inn: str = "",
    phone: str = "",
    confirm_duplicates: bool = False,
    by=None,
) -> Partner:
    """Quick create (issue 14): a partner with, when given, its INN (on a counterparty of
    the partner's name) and its phone — through partner_register, so the same duplicate
    check runs first: DuplicatesFound (409) until the caller confirms, nothing written.
    Errors name the quick form's fields: "partner.name", "counterparty.inn",
    "contact_info.0.value" (the phone)."""
    inn, phone = (inn or "").strip(), (phone or "").strip()
    counterparty = None
    if inn:
        counterparty = {
            "kind": quick_counterparty_kind(partner_kind=partner.get("kind", ""), inn=inn),
            "short_name": partner.get("name", ""),
            "inn": inn,
        }
    return partner_register(
        partner=partner,
        counterparty=counterparty,
        contact_info=[{"kind": ContactInfoKind.PHONE, "value": phone}] if phone else [],
        confirm_duplicates=confirm_duplicates,
        by=by,
    )
