"""Reading one row of a partner import (P12): the spellings accepted for kinds, roles and
counterparty kinds in English and Russian, and `RowParser`, which turns a row's cells into
the arguments the partners services take and collects every problem of the row."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.core.errors import DomainError
from ladoga.core.text import control_characters_found, control_characters_message

from .. import services
from ..models import ContactInfoKind, CounterpartyKind, PartnerKind, PartnerRole
from .tabular import FIELDS, Row

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

        for index, field_name in self.mapping.items():
            if control_characters_found(row.cells[index]):
                problem(field_name, control_characters_message())
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
