"""Deterministic demo data (`ladoga demo --size N --seed S`).

Each domain adds its part through `DEMO_STEPS`; a step gets the shared random generator
and the size, so the same seed always gives the same data. The demo administrator's
password is generated once and kept in LADOGA_HOME/demo-admin.txt so it can be printed.
"""

import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from tqdm import tqdm

from ladoga.accounts.models import Department, User
from ladoga.accounts.roles import Role
from ladoga.accounts.services import department_create, department_head_set, user_create
from ladoga.analytics.demo import demo_classification, demo_manager_trends, demo_norms
from ladoga.claims.demo import demo_claims
from ladoga.deals.demo import demo_deals
from ladoga.interactions.demo import demo_interactions
from ladoga.loyalty.demo import demo_loyalty
from ladoga.partners.demo import demo_partners
from ladoga.partners.models import Partner, PartnerStatus
from ladoga.portal.demo import demo_portal
from ladoga.sales.demo import demo_sales

DEMO_ADMIN = "admin"
# Staff names by gender: a surname takes the first name's gender ("Илья Смирнов", "Анна
# Смирнова"); a first name's ending does not tell it (Илья, Никита).
FIRST_NAMES = {
    "male": ["Борис", "Глеб", "Егор", "Илья", "Лев", "Никита", "Павел", "Семён", "Фёдор"],
    "female": ["Анна", "Вера", "Дарья", "Жанна", "Ксения", "Мария", "Ольга", "Раиса", "Татьяна"],
}
LAST_NAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
]
DEPARTMENTS = [
    "Отдел продаж Москва",
    "Отдел продаж Санкт-Петербург",
    "Отдел по работе с претензиями",
]


# How many partners at most the demo brings to life with calls, orders, deals and claims.
# A directory of 100,000 partners gets the activity of a 500-partner company, spread over
# it: those steps write record by record through the services, and at one unit of work
# per partner `ladoga demo --size 100000` would take hours instead of minutes.
LIVELY_PARTNERS_MAX = 500


@dataclass
class DemoContext:
    rng: random.Random
    size: int
    users: dict[str, list[User]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step
    _lively_ids: list[int] | None = None

    @property
    def activity_size(self) -> int:
        """The size the activity steps (interactions, sales, deals, claims) scale with."""
        return min(self.size, LIVELY_PARTNERS_MAX)

    def lively(self, partners: QuerySet[Partner]) -> QuerySet[Partner]:
        """`partners` narrowed to the ones with activity: all of them up to
        LIVELY_PARTNERS_MAX, beyond it the same random sample of the active partners for
        every step, so that the companies with calls also have the orders and claims."""
        if self.size <= LIVELY_PARTNERS_MAX:
            return partners
        if self._lively_ids is None:
            active = Partner.objects.filter(status=PartnerStatus.ACTIVE).order_by("pk")
            ids = list(active.values_list("pk", flat=True))
            self._lively_ids = sorted(self.rng.sample(ids, min(len(ids), LIVELY_PARTNERS_MAX)))
        return partners.filter(pk__in=self._lively_ids)


def _password_path():
    return settings.HOME / "demo-admin.txt"


def demo_admin_credentials() -> tuple[str, str] | None:
    path = _password_path()
    if path.exists() and User.objects.filter(username=DEMO_ADMIN).exists():
        return DEMO_ADMIN, path.read_text().strip()
    return None


def demo_is_empty() -> bool:
    return not User.objects.exists()


def _last_first(rng: random.Random) -> tuple[str, str]:
    gender = rng.choice(["male", "female"])
    last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES[gender])
    return (last + "а" if gender == "female" else last), first


def demo_people(ctx: DemoContext) -> None:
    """Departments with a head and managers each, a claims officer and the administrator.

    Everyone signs in with the administrator's password. The team grows slowly with the
    size (a company with 100,000 partners still has dozens of managers, not thousands), and
    the password is hashed once, not once per person.
    """
    password = secrets.token_urlsafe(12)
    user_create(username=DEMO_ADMIN, role=Role.ADMIN, first_name="Администратор", language="ru")
    per_department = min(12, max(2, ctx.size // 25))
    for d_index, name in enumerate(DEPARTMENTS):
        department = Department.objects.filter(name=name).first() or department_create(name=name)
        role = Role.CLAIMS if "претенз" in name else Role.MANAGER
        head_last, head_first = _last_first(ctx.rng)
        head = user_create(
            username=f"head{d_index + 1}",
            role=Role.HEAD,
            first_name=head_first,
            last_name=head_last,
            department=department,
        )
        department_head_set(department=department, head=head)
        ctx.users.setdefault(Role.HEAD, []).append(head)
        for m_index in range(per_department if role == Role.MANAGER else 1):
            last, first = _last_first(ctx.rng)
            user = user_create(
                username=f"{role}{d_index + 1}{m_index + 1}",
                role=role,
                first_name=first,
                last_name=last,
                department=department,
            )
            ctx.users.setdefault(role, []).append(user)
    User.objects.update(password=make_password(password))
    path = _password_path()
    path.touch(mode=0o600)
    path.write_text(password)


# Later domains append their steps: (title, function). They run in this order.
DEMO_STEPS: list[tuple[str, Callable[[DemoContext], None]]] = [
    ("people", demo_people),
    ("partners", demo_partners),
    ("interactions", demo_interactions),
    ("loyalty", demo_loyalty),
    ("sales", demo_sales),
    ("deals", demo_deals),
    ("claims", demo_claims),
    ("classification", demo_classification),
    ("norms", demo_norms),
    ("managers", demo_manager_trends),
    ("portal", demo_portal),
]


def demo_fill(*, size: int = 100, seed: int = 1, progress: bool = True) -> DemoContext:
    """Fill an empty database with demo data; the same seed gives the same data. The
    seconds each step took are in `ctx.timings` (and printed with the progress)."""
    ctx = DemoContext(rng=random.Random(seed), size=size)
    steps = tqdm(DEMO_STEPS, desc="demo", unit="step", disable=not progress)
    for title, step in steps:
        steps.set_postfix_str(title)
        started = time.perf_counter()
        with transaction.atomic():
            step(ctx)
        ctx.timings[title] = time.perf_counter() - started
        if progress:
            tqdm.write(f"{title}: {ctx.timings[title]:.1f} s")
    return ctx
