"""Demo partners (`ladoga demo`): Russian and international partners with valid INNs, OGRNs
and bank accounts, counterparties, contact persons (about three per partner), contact
information, relations, properties and a sprinkling of near-duplicates, spread over the
demo managers.

Rows are written with multi-row INSERTs built here (`_insert`), not bulk_create: building a
model instance and compiling every value of every row cost most of the step. Faker is asked
once for pools of names and addresses that the rows then draw from. `ladoga demo --size
100000` (100,000 partners, 300,000 contact persons) so takes about a minute on either
database. The same seed always gives the same data.
"""

import datetime
import random
import sqlite3
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from faker import Faker

from ladoga.accounts.roles import Role
from ladoga.core.history import history_copy

from . import services, taxnumbers
from .keys import name_key, name_search_keys, phone_display, phone_key
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

ROOTS = [
    "Альфа", "Бета", "Вега", "Гранит", "Дельта", "Енисей", "Зенит", "Импульс", "Кристалл",
    "Лидер", "Меридиан", "Нева", "Омега", "Прогресс", "Ресурс", "Сибирь", "Титан", "Урал",
    "Феникс", "Аврора", "Байкал", "Волга", "Восток", "Север", "Орион", "Атлант", "Ладога",
    "Алмаз", "Арсенал", "Вектор", "Гарант", "Держава", "Исток", "Кедр", "Континент", "Магистраль",
    "Монолит", "Олимп", "Памир", "Пульсар", "Радуга", "Рубин", "Сатурн", "Спектр", "Стандарт",
    "Таврида", "Фортуна", "Эталон", "Янтарь", "Азимут", "Бастион", "Горизонт", "Зодиак", "Ока",
]  # fmt: skip
# What tells apart companies of the same root: a word after it, or a town.
SUFFIXES = [
    "Плюс", "Групп", "Про", "Трейд", "Инвест", "Холдинг", "Центр", "М", "Юг", "Запад", "НН",
    "Регион", "Профи", "Стиль", "Капитал", "Партнёр", "Эксперт", "Мастер", "Лайн", "Систем",
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


def _batched(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _params_limit() -> int:
    """How many parameters one statement may carry."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 999


def _insert(model, columns: tuple[str, ...], rows: list[tuple], *, ids: bool = False) -> list:
    """Write `rows` (values in the order of `columns`, attribute names) into the model's
    table — multi-row INSERTs on SQLite, INSERT … SELECT FROM UNNEST(arrays) on PostgreSQL;
    every other column gets its default and the timestamps now. With `ids`, the new
    primary keys in the order of the rows (RETURNING, as bulk_create reads them).

    Values go to the driver as they are, so they must be plain: str, int, bool, None — and
    dates or decimals, which are prepared by their field here."""
    meta = model._meta
    now = timezone.now()
    fields = [meta.get_field(name) for name in columns]
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in columns]
    constants = tuple(
        f.get_db_prep_save(
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default(),
            connection,
        )
        for f in rest
    )  # fmt: skip
    typed = (models.DateField, models.DecimalField)  # DateTimeField is a DateField
    prepared = [(i, f) for i, f in enumerate(fields) if isinstance(f, typed)]
    quote = connection.ops.quote_name
    table, names = quote(meta.db_table), ", ".join(quote(f.column) for f in [*fields, *rest])
    returning = f" RETURNING {quote(meta.pk.column)}" if ids else ""

    def ready(chunk: list[tuple]) -> list[tuple]:
        if not prepared:
            return chunk
        done = []
        for row in chunk:
            row = list(row)
            for i, field in prepared:
                row[i] = field.get_db_prep_save(row[i], connection)
            done.append(tuple(row))
        return done

    found = []
    if connection.vendor == "postgresql":
        # One array per column: a handful of parameters per statement (psycopg turns a
        # long VALUES list into placeholders in Python, slower than the insert itself),
        # bound by the server (with Django's client-side binding psycopg would quote
        # every element in Python), on Django's connection, so in its transaction.
        import psycopg

        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        scalars = "".join(f", %s::{f.db_type(connection)}" for f in rest)
        # Only quoted model names, types and placeholders are spliced in.
        into, source = f"INSERT INTO {table} ({names})", f"UNNEST({arrays})"
        sql = f"{into} SELECT *{scalars} FROM {source}{returning}"  # noqa: S608
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            for chunk in _batched(rows, 10_000):
                columns_of = [list(c) for c in zip(*ready(chunk), strict=True)]
                cursor.execute(sql, [*constants, *columns_of])
                if ids:
                    found.extend(r[0] for r in cursor.fetchall())
        return found
    with connection.cursor() as cursor:
        one = "(" + ", ".join(["%s"] * (len(fields) + len(rest))) + ")"
        per_statement = max(1, min(1000, _params_limit() // (len(fields) + len(rest))))
        for chunk in _batched(rows, per_statement):
            params = []
            for row in ready(chunk):
                params.extend(row)
                params.extend(constants)
            values = ", ".join([one] * len(chunk))
            # Only quoted model names and placeholders are spliced in; values are parameters.
            sql = f"INSERT INTO {table} ({names}) VALUES {values}{returning}"  # noqa: S608
            cursor.execute(sql, params)
            if ids:
                found.extend(r[0] for r in cursor.fetchall())
    return found


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
    """A valid Russian phone in the one format the app shows phones in (keys.phone_display:
    "+7 912 345-67-89"), and its E.164 key."""
    code = area or rng.choice(MOBILE_CODES)
    number = f"{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
    return f"+7 {code} {number[:3]}-{number[3:5]}-{number[5:]}", f"+7{code}{number}"


def _foreign_phone(rng: random.Random, prefix: str) -> tuple[str, str]:
    """A valid phone after a country and city code ("+49 30") as the app shows it, and its
    E.164 key: eight digits in Berlin and London, seven in New York."""
    digits = 7 if prefix.startswith("+1 ") else 8
    while True:
        number = f"{rng.randint(2, 9)}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"
        try:
            key = phone_key(f"{prefix} {number}")
        except ValueError:  # a range the country does not use: draw again
            continue
        return phone_display(key), key


# Partners have no time-zone field. The demo derives each partner's zone from the region
# its counterparty's INN was issued in (the first two digits, drawn from the partner's city
# in CITIES) or, abroad, from the counterparty's country; a partner with neither (a private
# person without an INN, a near-duplicate card) is in the company's zone, settings.TIME_ZONE.
ZONES_BY_REGION = {
    "77": "Europe/Moscow", "78": "Europe/Moscow", "66": "Asia/Yekaterinburg",
    "54": "Asia/Novosibirsk", "16": "Europe/Moscow", "52": "Europe/Moscow",
    "63": "Europe/Samara", "23": "Europe/Moscow", "59": "Asia/Yekaterinburg",
}  # fmt: skip
ZONES_BY_COUNTRY = {"DE": "Europe/Berlin", "US": "America/New_York", "GB": "Europe/London"}
WORKDAY_START, WORKDAY_END = datetime.time(9), datetime.time(18)


def demo_time_zones(partner_ids: Iterable[int]) -> dict[int, ZoneInfo]:
    """Each partner's time zone as the demo sees it (see ZONES_BY_REGION), in one query.
    Partners without a zone of their own are not in the answer: use demo_time_zone."""
    zones: dict[int, ZoneInfo] = {}
    rows = (
        Counterparty.objects.filter(partner_id__in=list(partner_ids))
        .order_by("pk")
        .values_list("partner_id", "inn", "country")
    )
    for partner_id, inn, country in rows:
        name = ZONES_BY_COUNTRY.get(country) or (inn and ZONES_BY_REGION.get(inn[:2]))
        if name and partner_id not in zones:
            zones[partner_id] = ZoneInfo(name)
    return zones


def demo_time_zone(zones: dict[int, ZoneInfo], partner_id: int | None) -> ZoneInfo:
    """The partner's zone from demo_time_zones, else the company's."""
    return zones.get(partner_id) or ZoneInfo(settings.TIME_ZONE)


def working_moment(
    rng: random.Random,
    day: datetime.date,
    zone: ZoneInfo,
    *,
    forward: bool = False,
    length: datetime.timedelta = datetime.timedelta(hours=1),
) -> datetime.datetime:
    """A moment on `day` in `zone`'s working hours (09:00–18:00, Monday to Friday) at which
    something `length` long starts and ends within them, on a quarter hour. A Saturday or
    Sunday becomes a working day of the week before (of the week after when `forward`),
    drawn so that Fridays and Mondays are not busier than the other days: at most six days
    away."""
    weekday = day.weekday()
    if weekday >= 5:
        if forward:
            day += datetime.timedelta(days=7 - weekday + rng.randint(0, 4))
        else:
            day -= datetime.timedelta(days=weekday - 4 + rng.randint(0, 4))
    opens = datetime.datetime.combine(day, WORKDAY_START)
    quarters = int(
        (datetime.datetime.combine(day, WORKDAY_END) - opens - length).total_seconds() // 900
    )
    start = opens + datetime.timedelta(minutes=15 * rng.randint(0, max(0, quarters)))
    return start.replace(tzinfo=zone)


class _Pools:
    """Names and addresses asked of Faker once; the rows draw from them. (Asking Faker for
    every row was the step's second cost after bulk_create.)"""

    SIZE = 400

    def __init__(self, fakers: dict[str, Faker]):
        ru, n = fakers["ru_RU"], range(self.SIZE)
        self.ru = {
            "male": (
                [ru.last_name_male() for _ in n],
                [ru.first_name_male() for _ in n],
                [ru.middle_name_male() for _ in n],
            ),
            "female": (
                [ru.last_name_female() for _ in n],
                [ru.first_name_female() for _ in n],
                [ru.middle_name_female() for _ in n],
            ),
        }
        self.streets = [ru.street_address() for _ in n]
        self.towns = sorted({ru.city_name() for _ in n})
        self.companies, self.people, self.addresses = {}, {}, {}
        for locale, _country, _prefix in FOREIGN:
            faker = fakers[locale]
            self.companies[locale] = [faker.company() for _ in range(5 * self.SIZE)]
            self.people[locale] = ([faker.last_name() for _ in n], [faker.first_name() for _ in n])
            self.addresses[locale] = [faker.address().replace("\n", ", ")[:500] for _ in n]

    def company_root(self, rng: random.Random) -> str:
        """A Russian company's name without its legal form: "Байкалснаб", "Антонов",
        "Исаева-Рыбаков", often told apart by a word or a town ("Вектор Плюс",
        "Гранитстрой-Тверь"). At 100,000 partners about four in five names are unique and
        none is shared by more than about forty, as in a real customer base."""
        draw = rng.random()
        if draw < 0.5:
            core = rng.choice(ROOTS) + rng.choice(TRADES).lower()
        elif draw < 0.7:
            core = rng.choice(self.ru[rng.choice(["male", "female"])][0])
        else:
            core = f"{rng.choice(self.ru['male'][0])}-{rng.choice(self.ru['female'][0])}"
        draw = rng.random()
        if draw < 0.3:
            return core
        if draw < 0.6:
            return f"{core} {rng.choice(SUFFIXES)}"
        if draw < 0.85:
            return f"{core}-{rng.choice(self.towns)}"
        return f"{core} {rng.choice(TRADES)}"

    def russian(self, rng: random.Random, sex: str) -> tuple[str, str, str]:
        """(last, first, middle) of the sex ("male" / "female")."""
        return tuple(rng.choice(names) for names in self.ru[sex])

    def foreign(self, rng: random.Random, locale: str) -> tuple[str, str, str]:
        last, first = self.people[locale]
        return rng.choice(last), rng.choice(first), ""


# How many contact persons a company has: 3.5 on average, so about three per partner
# over all partners (private persons and near-duplicate cards have none).
CONTACTS_PER_COMPANY = [1, 2, 3, 3, 4, 4, 5, 6]
PARTNER_COLUMNS = (
    "name", "kind", "name_key", "manager_id", "group_id", "is_potential_client",
    "created_by_id", "is_client", "is_supplier", "is_competitor", "is_carrier", "is_other",
)  # fmt: skip
ROLES = ("is_client", "is_supplier", "is_competitor", "is_carrier", "is_other")
COUNTERPARTY_COLUMNS = (
    "partner_id", "kind", "short_name", "full_name", "inn", "kpp", "ogrn", "country",
    "legal_address", "registry_status", "created_by_id",
)  # fmt: skip
INFO_COLUMNS = ("partner_id", "contact_id", "kind", "value", "key", "label", "is_primary")
CONTACT_COLUMNS = (
    "partner_id", "last_name", "first_name", "middle_name", "position", "decision_role",
    "birthday", "created_by_id",
)  # fmt: skip


def demo_partners(ctx) -> None:
    """The partners step of `ladoga demo` (ctx: ladoga.demo.DemoContext)."""
    rng: random.Random = ctx.rng
    fakers = {"ru_RU": Faker("ru_RU")}
    for locale, _cc, _phone_prefix in FOREIGN:
        fakers[locale] = Faker(locale)
    for index, faker in enumerate(fakers.values()):
        faker.seed_instance(rng.randint(0, 2**31) + index)
    pools = _Pools(fakers)
    numbers = _Numbers(rng)
    managers = list(ctx.users.get(Role.MANAGER, [])) or list(ctx.users.get(Role.HEAD, []))
    manager_ids = [m.pk for m in managers]
    groups, segments, partner_types, contact_types, industry, staff = _catalogues()
    industry_choices = list(
        PropertyChoice.objects.filter(definition=industry).values_list("pk", flat=True)
    )

    plans: list[dict] = []  # one per partner: its name, kind and what to hang off it
    rows = []
    for index in range(ctx.size):
        manager = manager_ids[index % len(manager_ids)] if manager_ids else None
        city, region, area = rng.choice(CITIES)
        draw = rng.random()
        plan: dict = {"city": city, "region": region, "area": area, "manager": manager}
        if draw < 0.05 and plans:  # a near-duplicate of an earlier partner
            source_plan = plans[rng.randrange(len(plans))]
            source = source_plan["name"]
            name = rng.choice(
                [
                    source.replace("ООО ", "").replace("«", '"').replace("»", '"'),
                    source.upper(),
                    source.replace("«", "").replace("»", "") + " ",
                    source.translate(TRANSLIT).title(),
                ]
            ).strip()
            plan.update(kind="legal_entity", copy_of=source_plan)
            kind, roles = "company", {"is_client": True}
        elif draw < 0.12:  # an international partner
            locale, country, phone_prefix = rng.choice(FOREIGN)
            name = rng.choice(pools.companies[locale])
            plan.update(kind="foreign", locale=locale, country=country, phone_prefix=phone_prefix)
            kind, roles = "company", rng.choice([{"is_supplier": True}, {"is_client": True}])
        elif draw < 0.2:  # a private person
            last, first, middle = pools.russian(rng, rng.choice(["male", "female"]))
            name = f"{last} {first} {middle}"
            plan.update(kind="person")
            kind, roles = "person", {"is_client": True}
        elif draw < 0.3:  # a sole proprietor
            last, first, middle = pools.russian(rng, "male")
            name = f"ИП {last} {first[0]}. {middle[0]}."
            plan.update(kind="sole_proprietor")
            kind, roles = "company", {"is_client": True}
        else:
            name = f"{rng.choice(RU_FORMS)} «{pools.company_root(rng)}»"
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
        name = name[:255]
        plan.update(name=name, key=name_key(name))
        potential = roles.get("is_client", False) and rng.random() < 0.15
        rows.append(
            (name, kind, plan["key"], manager, group.pk, potential, manager,
             *(roles.get(role, False) for role in ROLES))
        )  # fmt: skip
        plans.append(plan)
    for plan, pk in zip(plans, _insert(Partner, PARTNER_COLUMNS, rows, ids=True), strict=True):
        plan["pk"] = pk
    _insert(
        PartnerNameKey,
        ("partner_id", "key"),
        [(plan["pk"], key) for plan in plans for key in sorted(name_search_keys(plan["name"]))],
    )
    _insert(
        Partner.segments.through,
        ("partner_id", "segment_id"),
        [(plan["pk"], rng.choice(segments).pk) for plan in plans if rng.random() < 0.3],
    )

    counterparties: list[tuple] = []
    info: list[tuple] = []
    for plan in plans:
        pk, name, region, kind, manager = (
            plan["pk"], plan["name"], plan["region"], plan["kind"], plan["manager"]
        )  # fmt: skip
        if kind == "legal_entity" and "copy_of" not in plan:
            inn = numbers.inn10(region)
            plan["inn"] = inn
            counterparties.append(
                (pk, kind, name, name.replace("ООО", FULL_LLC), inn, f"{inn[:4]}01001",
                 numbers.ogrn(region), "RU", f"г. {plan['city']}, {rng.choice(pools.streets)}",
                 rng.choice(REGISTRY_STATUSES), manager)
            )  # fmt: skip
        elif kind == "sole_proprietor":
            counterparties.append(
                (pk, kind, name, name, numbers.inn12(region), "", numbers.ogrnip(region), "RU",
                 f"г. {plan['city']}, {rng.choice(pools.streets)}", "unknown", manager)
            )  # fmt: skip
        elif kind == "person":
            inn = numbers.inn12(region) if rng.random() < 0.5 else ""
            counterparties.append((pk, kind, name, name, inn, "", "", "RU", "", "unknown", manager))
        elif kind == "foreign":
            counterparties.append(
                (pk, kind, name, name, "", "", "", plan["country"],
                 rng.choice(pools.addresses[plan["locale"]]), "unknown", manager)
            )  # fmt: skip
        else:  # a near-duplicate: its own counterparty-less card, the same phone sometimes
            source = plan["copy_of"]
            if rng.random() < 0.5 and source.get("phone"):
                value, key = source["phone"]
                info.append((pk, None, "phone", value, key, "", True))
            continue
        if kind == "foreign":
            value, key = _foreign_phone(rng, plan["phone_prefix"])
        else:
            value, key = _phone(rng, plan["area"] if rng.random() < 0.6 else None)
        plan["phone"] = (value, key)
        info.append((pk, None, "phone", value, key, "", True))
        if kind != "person":
            domain = f"{_slug(plan['key'] or name)}{pk % 97}.ru"
            info.append((pk, None, "email", f"info@{domain}", f"info@{domain}", "", True))
            if rng.random() < 0.4:
                info.append((pk, None, "website", f"https://www.{domain}/", domain, "", True))
            address = f"г. {plan['city']}, {rng.choice(pools.streets)}"
            info.append(
                (pk, None, "actual_address", address, " ".join(address.lower().split())[:255],
                 "", True)
            )  # fmt: skip
    counterparty_ids = _insert(Counterparty, COUNTERPARTY_COLUMNS, counterparties, ids=True)

    accounts = []
    for pk, row in zip(counterparty_ids, counterparties, strict=True):
        if row[1] in ("legal_entity", "sole_proprietor") and rng.random() < 0.6:
            bik, correspondent, bank = rng.choice(BANKS)
            accounts.append((pk, bik, numbers.account(bik), correspondent, bank, True))
    _insert(
        BankAccount,
        ("counterparty_id", "bik", "number", "correspondent_account", "bank_name", "is_primary"),
        accounts,
    )

    contacts: list[tuple] = []
    for plan in plans:
        if plan["kind"] == "person" or "copy_of" in plan:
            continue
        for position, role in rng.sample(POSITIONS, k=rng.choice(CONTACTS_PER_COMPANY)):
            if plan["kind"] == "foreign":
                last, first, middle = pools.foreign(rng, plan["locale"])
            else:
                last, first, middle = pools.russian(rng, rng.choice(["male", "female"]))
            birthday = (
                datetime.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
                if rng.random() < 0.3
                else None
            )
            contacts.append(
                (plan["pk"], last, first, middle, position, role, birthday, plan["manager"])
            )
    contact_ids = _insert(ContactPerson, CONTACT_COLUMNS, contacts, ids=True)
    for pk, (partner_id, last, *_rest) in zip(contact_ids, contacts, strict=True):
        if rng.random() < 0.7:
            value, key = _phone(rng)
            info.append((partner_id, pk, "phone", value, key, "мобильный", True))
        if rng.random() < 0.6:
            email = f"{_slug(last)}{pk % 1000}@example.{rng.choice(['ru', 'com', 'org'])}"
            info.append((partner_id, pk, "email", email, email, "", True))
    _insert(ContactInfo, INFO_COLUMNS, info)
    # The cards' history tabs start with "created", as after the services.
    for model, ids in (
        (Partner, [plan["pk"] for plan in plans]),
        (Counterparty, counterparty_ids),
        (ContactPerson, contact_ids),
    ):
        history_copy(model, ids)  # fmt: skip

    choices, numbers_of_staff = [], []
    for plan in plans:
        if rng.random() < 0.5:
            choices.append((industry.pk, plan["pk"], rng.choice(industry_choices)))
        if plan["kind"] != "person" and rng.random() < 0.3:
            numbers_of_staff.append((staff.pk, plan["pk"], rng.randint(3, 5000)))
    _insert(PropertyValue, ("definition_id", "partner_id", "value_choice_id"), choices)
    _insert(PropertyValue, ("definition_id", "partner_id", "value_number"), numbers_of_staff)

    partner_ids = [plan["pk"] for plan in plans]
    relations, seen = [], set()
    for _ in range(max(1, ctx.size // 20)):
        if len(partner_ids) < 2:
            break
        source, target = rng.sample(partner_ids, 2)
        relation_type = rng.choice(partner_types)
        if (relation_type.pk, source, target) in seen:
            continue
        seen.add((relation_type.pk, source, target))
        comment = rng.choice(["", "", "по данным ЕГРЮЛ", "со слов директора"])
        relations.append((relation_type.pk, source, target, comment))
    _insert(PartnerRelation, ("type_id", "source_id", "target_id", "comment"), relations)

    by_partner: dict[int, list[int]] = {}
    for pk, (partner_id, *_rest) in zip(contact_ids, contacts, strict=True):
        by_partner.setdefault(partner_id, []).append(pk)
    _insert(
        ContactRelation,
        ("type_id", "source_id", "target_id"),
        [(contact_types[0].pk, people[1], people[0]) for people in by_partner.values()
         if len(people) > 1],
    )  # fmt: skip
    if connection.vendor == "postgresql":
        # Until autovacuum comes by, the planner would take the freshly filled tables for
        # empty and scan hundreds of thousands of rows on every lookup of the next steps.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
