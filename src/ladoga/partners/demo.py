"""Demo partners (`ladoga demo`): Russian and international partners with valid INNs, OGRNs
and bank accounts, counterparties, contact persons, contact information, relations,
properties and a sprinkling of near-duplicates, spread over the demo managers.

Everything is made with bulk_create in batches, so `ladoga demo --size 100000` (100 000
partners) takes a few minutes even on SQLite. The same seed always gives the same data.
"""

import datetime
import random
from collections.abc import Iterator

from faker import Faker

from ladoga.accounts.roles import Role

from . import services, taxnumbers
from .keys import name_key, name_search_keys
from .models import (
    BankAccount,
    ContactInfo,
    ContactPerson,
    ContactRelation,
    Counterparty,
    Partner,
    PartnerNameKey,
    PartnerRelation,
    PropertyChoice,
    PropertyValue,
)

BATCH = 2000
ROOTS = [
    "Альфа", "Бета", "Вега", "Гранит", "Дельта", "Енисей", "Зенит", "Импульс", "Кристалл",
    "Лидер", "Меридиан", "Нева", "Омега", "Прогресс", "Ресурс", "Сибирь", "Титан", "Урал",
    "Феникс", "Аврора", "Байкал", "Волга", "Восток", "Север", "Орион", "Атлант", "Ладога",
]  # fmt: skip
TRADES = [
    "Снаб", "Строй", "Торг", "Пром", "Тех", "Агро", "Мед", "Транс", "Лес", "Маш", "Хим",
    "Энерго", "Софт", "Металл", "Пласт", "Пищепром", "Логистик", "Сервис",
]  # fmt: skip
RU_FORMS = ["ООО", "ООО", "ООО", "АО", "ПАО", "ЗАО"]
CITIES = [
    ("Москва", "77", "495"), ("Санкт-Петербург", "78", "812"), ("Екатеринбург", "66", "343"),
    ("Новосибирск", "54", "383"), ("Казань", "16", "843"), ("Нижний Новгород", "52", "831"),
    ("Самара", "63", "846"), ("Краснодар", "23", "861"), ("Пермь", "59", "342"),
]  # fmt: skip
MOBILE_CODES = ["903", "905", "909", "915", "916", "917", "925", "926", "977", "985", "999"]
FOREIGN = [("de_DE", "DE", "+49 30"), ("en_US", "US", "+1 212"), ("en_GB", "GB", "+44 20")]
BANKS = [
    ("044525225", "30101810400000000225", "ПАО Сбербанк"),
    ("044525187", "30101810700000000187", "Банк ВТБ (ПАО)"),
    ("044525593", "30101810200000000593", "АО «Альфа-Банк»"),
    ("044030653", "30101810500000000653", "Северо-Западный банк ПАО Сбербанк"),
]
POSITIONS = [
    ("Генеральный директор", "decision_maker"), ("Коммерческий директор", "decision_maker"),
    ("Главный бухгалтер", "influencer"), ("Менеджер по закупкам", "evaluator"),
    ("Инженер", "user"), ("Секретарь", "gatekeeper"), ("Начальник отдела снабжения", "influencer"),
]  # fmt: skip
FULL_LLC = "Общество с ограниченной ответственностью"
REGISTRY_STATUSES = ["active"] * 30 + ["unknown"] * 3 + ["liquidating", "liquidated"]
INDUSTRIES = ["Производство", "Торговля", "Строительство", "Транспорт", "ИТ", "Медицина"]
TRANSLIT = str.maketrans(
    {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
     "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
     "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "ш": "sh",
     "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"}
)  # fmt: skip


def _batched(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk(model, rows: list) -> list:
    """bulk_create in batches; the rows get their primary keys (SQLite ≥ 3.35, PostgreSQL)."""
    for batch in _batched(rows):
        model.objects.bulk_create(batch, batch_size=BATCH)
    return rows


def _slug(text: str) -> str:
    latin = text.lower().translate(TRANSLIT)
    return "".join(ch for ch in latin if ch.isascii() and ch.isalnum())[:20] or "firma"


class _Numbers:
    """Unique, valid tax numbers and accounts from a counter (valid check digits)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serial = 0

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def inn10(self, region: str) -> str:
        base = f"{region}{self._next():07d}"
        return base + taxnumbers.inn_control_digits(base)

    def inn12(self, region: str) -> str:
        base = f"{region}{self._next():08d}"
        return base + taxnumbers.inn_control_digits(base)

    def ogrn(self, region: str) -> str:
        base = f"1{self.rng.randint(2, 23):02d}{region}{self.rng.randint(0, 10**7 - 1):07d}"
        return base + taxnumbers.ogrn_control_digit(base)

    def ogrnip(self, region: str) -> str:
        base = f"3{self.rng.randint(4, 23):02d}{region}{self.rng.randint(0, 10**9 - 1):09d}"
        return base + taxnumbers.ogrn_control_digit(base)

    def account(self, bik: str) -> str:
        raw = f"40702810{0}{self.rng.randint(0, 10**11 - 1):011d}"
        return raw[:8] + taxnumbers.account_control_digit(raw, bik=bik) + raw[9:]


def _catalogues():
    groups = {"clients": services.partner_group_create(name="Клиенты")}
    groups["moscow"] = services.partner_group_create(name="Москва", parent=groups["clients"])
    groups["regions"] = services.partner_group_create(name="Регионы", parent=groups["clients"])
    groups["suppliers"] = services.partner_group_create(name="Поставщики")
    groups["foreign"] = services.partner_group_create(name="Зарубежные")
    segments = [services.segment_create(name=n) for n in ("VIP", "Опт", "Розница", "Дилеры")]
    partner_types = [
        services.relation_type_create(
            name="дочерняя компания", inverse_name="материнская компания", applies_to="partner"
        ),
        services.relation_type_create(name="конкурент", applies_to="partner"),
        services.relation_type_create(name="агент", inverse_name="принципал", applies_to="partner"),
    ]
    contact_types = [
        services.relation_type_create(
            name="подчиняется", inverse_name="руководит", applies_to="contact"
        ),
        services.relation_type_create(name="знаком с", applies_to="contact"),
    ]
    industry = services.property_definition_create(
        name="Отрасль", applies_to="partner", value_type="choice", choices=INDUSTRIES
    )
    staff = services.property_definition_create(
        name="Численность сотрудников", applies_to="partner", value_type="number"
    )
    services.property_definition_create(
        name="Дата основания", applies_to="partner", value_type="date"
    )
    services.property_definition_create(name="Хобби", applies_to="contact", value_type="text")
    return groups, segments, partner_types, contact_types, industry, staff


def _phone(rng: random.Random, area: str | None = None) -> tuple[str, str]:
    """A valid Russian phone as people type it, and its E.164 key."""
    code = area or rng.choice(MOBILE_CODES)
    number = f"{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
    shown = rng.choice(
        [
            f"+7 {code} {number[:3]}-{number[3:5]}-{number[5:]}",
            f"8 ({code}) {number[:3]}-{number[3:5]}-{number[5:]}",
            f"+7{code}{number}",
        ]
    )
    return shown, f"+7{code}{number}"


def demo_partners(ctx) -> None:
    """The partners step of `ladoga demo` (ctx: ladoga.demo.DemoContext)."""
    rng: random.Random = ctx.rng
    fakers = {"ru_RU": Faker("ru_RU")}
    for locale, _cc, _phone_prefix in FOREIGN:
        fakers[locale] = Faker(locale)
    for index, faker in enumerate(fakers.values()):
        faker.seed_instance(rng.randint(0, 2**31) + index)
    ru = fakers["ru_RU"]
    numbers = _Numbers(rng)
    managers = list(ctx.users.get(Role.MANAGER, [])) or list(ctx.users.get(Role.HEAD, []))
    groups, segments, partner_types, contact_types, industry, staff = _catalogues()
    industry_choices = list(PropertyChoice.objects.filter(definition=industry))

    partners: list[Partner] = []
    plans: list[dict] = []  # what to hang off each partner, in the same order
    for index in range(ctx.size):
        manager = managers[index % len(managers)] if managers else None
        city, region, area = rng.choice(CITIES)
        draw = rng.random()
        plan: dict = {"city": city, "region": region, "area": area}
        if draw < 0.05 and partners:  # a near-duplicate of an earlier partner
            source_index = rng.randrange(len(partners))
            source, source_plan = partners[source_index], plans[source_index]
            name = rng.choice(
                [
                    source.name.replace("ООО ", "").replace("«", '"').replace("»", '"'),
                    source.name.upper(),
                    source.name.replace("ООО", "ООО").replace("«", "").replace("»", "") + " ",
                    source.name.translate(TRANSLIT).title(),
                ]
            ).strip()
            plan.update(kind="legal_entity", copy_of=source_plan)
            kind, roles = "company", {"is_client": True}
        elif draw < 0.12:  # an international partner
            locale, country, phone_prefix = rng.choice(FOREIGN)
            name = fakers[locale].company()
            plan.update(kind="foreign", locale=locale, country=country, phone_prefix=phone_prefix)
            kind, roles = "company", rng.choice([{"is_supplier": True}, {"is_client": True}])
        elif draw < 0.2:  # a private person
            female = rng.random() < 0.5
            last = ru.last_name_female() if female else ru.last_name_male()
            first = ru.first_name_female() if female else ru.first_name_male()
            middle = ru.middle_name_female() if female else ru.middle_name_male()
            name = f"{last} {first} {middle}"
            plan.update(kind="person")
            kind, roles = "person", {"is_client": True}
        elif draw < 0.3:  # a sole proprietor
            last, first, middle = ru.last_name_male(), ru.first_name_male(), ru.middle_name_male()
            name = f"ИП {last} {first[0]}. {middle[0]}."
            plan.update(kind="sole_proprietor")
            kind, roles = "company", {"is_client": True}
        else:
            root = (
                rng.choice(ROOTS) + rng.choice(TRADES).lower()
                if rng.random() < 0.6
                else ru.last_name_male()
            )
            if rng.random() < 0.3:
                root = f"{root}-{city}" if rng.random() < 0.5 else f"{root} {rng.choice(TRADES)}"
            name = f"{rng.choice(RU_FORMS)} «{root}»"
            plan.update(kind="legal_entity")
            roles = rng.choice(
                [{"is_client": True}] * 6
                + [{"is_supplier": True}, {"is_client": True, "is_supplier": True},
                   {"is_competitor": True}, {"is_carrier": True}, {"is_other": True}]
            )  # fmt: skip
            kind = "company"
        group = (
            groups["foreign"]
            if plan["kind"] == "foreign"
            else groups["suppliers"]
            if roles.get("is_supplier")
            else groups["moscow"]
            if region == "77"
            else groups["regions"]
        )
        partners.append(
            Partner(
                name=name[:255],
                kind=kind,
                name_key=name_key(name),
                manager=manager,
                group=group,
                is_potential_client=roles.get("is_client", False) and rng.random() < 0.15,
                created_by=manager,
                **roles,
            )
        )
        plans.append(plan)
    _bulk(Partner, partners)
    _bulk(
        PartnerNameKey,
        [
            PartnerNameKey(partner=p, key=k)
            for p in partners
            for k in sorted(name_search_keys(p.name))
        ],
    )
    Membership = Partner.segments.through
    _bulk(
        Membership,
        [
            Membership(partner_id=p.pk, segment_id=rng.choice(segments).pk)
            for p in partners
            if rng.random() < 0.3
        ],
    )

    counterparties: list[Counterparty] = []
    info: list[ContactInfo] = []
    for partner, plan in zip(partners, plans, strict=True):
        region, kind = plan["region"], plan["kind"]
        if kind == "legal_entity" and "copy_of" not in plan:
            inn = numbers.inn10(region)
            plan["inn"] = inn
            counterparties.append(
                Counterparty(
                    partner=partner, kind=kind, short_name=partner.name,
                    full_name=partner.name.replace("ООО", FULL_LLC),
                    inn=inn, kpp=f"{inn[:4]}01001", ogrn=numbers.ogrn(region),
                    legal_address=f"г. {plan['city']}, {ru.street_address()}",
                    registry_status=rng.choice(REGISTRY_STATUSES),
                    created_by=partner.manager,
                )
            )  # fmt: skip
        elif kind == "sole_proprietor":
            counterparties.append(
                Counterparty(
                    partner=partner, kind=kind, short_name=partner.name, full_name=partner.name,
                    inn=numbers.inn12(region), ogrn=numbers.ogrnip(region),
                    legal_address=f"г. {plan['city']}, {ru.street_address()}",
                    created_by=partner.manager,
                )
            )  # fmt: skip
        elif kind == "person":
            counterparties.append(
                Counterparty(
                    partner=partner, kind=kind, short_name=partner.name, full_name=partner.name,
                    inn=numbers.inn12(region) if rng.random() < 0.5 else "",
                    created_by=partner.manager,
                )
            )  # fmt: skip
        elif kind == "foreign":
            counterparties.append(
                Counterparty(
                    partner=partner, kind=kind, short_name=partner.name, full_name=partner.name,
                    country=plan["country"],
                    legal_address=fakers[plan["locale"]].address().replace("\n", ", ")[:500],
                    created_by=partner.manager,
                )
            )  # fmt: skip
        else:  # a near-duplicate: its own counterparty-less card, the same phone sometimes
            source = plan["copy_of"]
            if rng.random() < 0.5 and source.get("phone"):
                value, key = source["phone"]
                info.append(
                    ContactInfo(
                        partner=partner, kind="phone", value=value, key=key, is_primary=True
                    )
                )
            continue
        if kind == "foreign":
            number = f"{rng.randint(10**9, 10**10 - 1)}"
            value = f"{plan['phone_prefix']} {number[:4]} {number[4:]}"
            key = "+" + "".join(ch for ch in value if ch.isdigit())
        else:
            value, key = _phone(rng, plan["area"] if rng.random() < 0.6 else None)
        plan["phone"] = (value, key)
        info.append(
            ContactInfo(partner=partner, kind="phone", value=value, key=key, is_primary=True)
        )
        if kind != "person":
            domain = f"{_slug(name_key(partner.name) or partner.name)}{partner.pk % 97}.ru"
            info.append(
                ContactInfo(partner=partner, kind="email", value=f"info@{domain}",
                            key=f"info@{domain}", is_primary=True)
            )  # fmt: skip
            if rng.random() < 0.4:
                info.append(
                    ContactInfo(partner=partner, kind="website", value=f"https://www.{domain}/",
                                key=domain, is_primary=True)
                )  # fmt: skip
            address = f"г. {plan['city']}, {ru.street_address()}"
            info.append(
                ContactInfo(partner=partner, kind="actual_address", value=address,
                            key=" ".join(address.lower().split())[:255], is_primary=True)
            )  # fmt: skip
    _bulk(Counterparty, counterparties)

    accounts = []
    for counterparty in counterparties:
        if counterparty.kind in ("legal_entity", "sole_proprietor") and rng.random() < 0.6:
            bik, correspondent, bank = rng.choice(BANKS)
            accounts.append(
                BankAccount(
                    counterparty=counterparty, bik=bik, number=numbers.account(bik),
                    correspondent_account=correspondent, bank_name=bank, is_primary=True,
                )
            )  # fmt: skip
    _bulk(BankAccount, accounts)

    contacts: list[ContactPerson] = []
    for partner, plan in zip(partners, plans, strict=True):
        if plan["kind"] in ("person",) or "copy_of" in plan:
            continue
        for position, role in rng.sample(POSITIONS, k=rng.choice([1, 1, 2, 2, 3])):
            if plan["kind"] == "foreign":
                faker = fakers[plan["locale"]]
                last, first, middle = faker.last_name(), faker.first_name(), ""
            elif rng.random() < 0.5:
                last, first, middle = (
                    ru.last_name_female(),
                    ru.first_name_female(),
                    ru.middle_name_female(),
                )
            else:
                last, first, middle = (
                    ru.last_name_male(),
                    ru.first_name_male(),
                    ru.middle_name_male(),
                )
            birthday = (
                datetime.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
                if rng.random() < 0.3
                else None
            )
            contacts.append(
                ContactPerson(
                    partner=partner, last_name=last, first_name=first, middle_name=middle,
                    position=position, decision_role=role, birthday=birthday,
                    created_by=partner.manager,
                )
            )  # fmt: skip
    _bulk(ContactPerson, contacts)
    for contact in contacts:
        if rng.random() < 0.7:
            value, key = _phone(rng)
            info.append(
                ContactInfo(partner_id=contact.partner_id, contact=contact, kind="phone",
                            value=value, key=key, label="мобильный", is_primary=True)
            )  # fmt: skip
        if rng.random() < 0.6:
            local = _slug(contact.last_name) + str(contact.pk % 1000)
            email = f"{local}@example.{rng.choice(['ru', 'com', 'org'])}"
            info.append(
                ContactInfo(partner_id=contact.partner_id, contact=contact, kind="email",
                            value=email, key=email, is_primary=True)
            )  # fmt: skip
    _bulk(ContactInfo, info)

    values = []
    for partner in partners:
        if rng.random() < 0.5:
            values.append(
                PropertyValue(
                    definition=industry, partner=partner, value_choice=rng.choice(industry_choices)
                )
            )
        if partner.kind == "company" and rng.random() < 0.3:
            values.append(
                PropertyValue(definition=staff, partner=partner, value_number=rng.randint(3, 5000))
            )
    _bulk(PropertyValue, values)

    relations, seen = [], set()
    for _ in range(max(1, ctx.size // 20)):
        source, target = rng.sample(partners, 2) if len(partners) > 1 else (None, None)
        relation_type = rng.choice(partner_types)
        if source is None or (relation_type.pk, source.pk, target.pk) in seen:
            continue
        seen.add((relation_type.pk, source.pk, target.pk))
        relations.append(
            PartnerRelation(type=relation_type, source=source, target=target,
                            comment=rng.choice(["", "", "по данным ЕГРЮЛ", "со слов директора"]))
        )  # fmt: skip
    _bulk(PartnerRelation, relations)

    by_partner: dict[int, list[ContactPerson]] = {}
    for contact in contacts:
        by_partner.setdefault(contact.partner_id, []).append(contact)
    contact_relations = []
    for people in by_partner.values():
        if len(people) > 1:
            contact_relations.append(
                ContactRelation(type=contact_types[0], source=people[1], target=people[0])
            )
    _bulk(ContactRelation, contact_relations)
