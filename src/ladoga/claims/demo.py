"""Demo claims (`ladoga demo`): two years of claims with a seasonal rhythm (more in the
building season, fewer in winter), a reason catalogue, culprit departments that go with
the reasons, investigation plans, calls about the claims, results and compensations.

Everything goes through the services, so the demo data keeps every rule the product
enforces; the same seed gives the same data.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from ladoga.accounts.models import Department, User
from ladoga.accounts.roles import Role
from ladoga.accounts.services import department_create
from ladoga.interactions.models import Direction, InteractionKind, Task
from ladoga.interactions.services import interaction_create
from ladoga.partners.demo import demo_time_zone, demo_time_zones, working_moment
from ladoga.partners.models import Partner
from ladoga.sales.models import CustomerOrder

from .models import Claim, ClaimReason, ClaimResolution, ClaimStatus, ClaimTransition
from .plan import plan_task_add, plan_task_complete
from .services import claim_comment_add, claim_create, claim_reason_create, claim_transition

# reason: (culprit departments, chances of satisfied / partly / rejected, essences)
REASONS = {
    "Нарушение сроков поставки": (
        ["Служба доставки", "Склад"],
        (0.45, 0.35, 0.20),
        ["Поставка задержана на {n} дней, бригада простаивала",
         "Машина не приехала в согласованное окно доставки",
         "Заказ отгружен позже обещанного срока"],
    ),
    "Брак товара": (
        ["Склад", "Отдел закупок"],
        (0.60, 0.25, 0.15),
        ["В партии {n} мешков цемента с комками",
         "Перфоратор перестал работать через неделю",
         "Гипсокартон пришёл с отбитыми углами"],
    ),
    "Недовложение / пересорт": (
        ["Склад"],
        (0.55, 0.30, 0.15),
        ["Не хватает {n} упаковок утеплителя", "Вместо кирпича М150 привезли М100",
         "В наборе свёрл отсутствуют два размера"],
    ),
    "Ошибка в документах": (
        ["Бухгалтерия", "Отдел продаж Москва"],
        (0.70, 0.10, 0.20),
        ["В счёте-фактуре неверный КПП", "Сумма в накладной не совпадает со счётом",
         "Не приложен сертификат соответствия"],
    ),
    "Неверная цена": (
        ["Отдел продаж Москва", "Отдел продаж Санкт-Петербург"],
        (0.30, 0.30, 0.40),
        ["Цена в счёте выше согласованной на {n}%", "Не применена скидка по соглашению",
         "Выставлена цена розничного прайса вместо оптового"],
    ),
    "Повреждение при доставке": (
        ["Служба доставки"],
        (0.50, 0.35, 0.15),
        ["При разгрузке повреждено {n} поддонов", "Водитель уронил коробку с инструментом"],
    ),
    "Некорректное поведение персонала": (
        ["Отдел продаж Санкт-Петербург", "Служба доставки"],
        (0.40, 0.20, 0.40),
        ["Грубость водителя при разгрузке", "Менеджер не перезвонил в обещанный срок"],
    ),
}  # fmt: skip
RESULTS = {
    ClaimResolution.SATISFIED: [
        "Товар заменён, клиенту принесены извинения", "Возвращены деньги за товар",
        "Допоставка выполнена за наш счёт", "Документы исправлены и переданы клиенту",
    ],
    ClaimResolution.PARTLY: [
        "Предоставлена скидка на следующий заказ", "Возмещена часть стоимости",
        "Заменена часть партии, остальное — в пределах допуска",
    ],
    ClaimResolution.REJECTED: [
        "Нарушение условий хранения на стороне клиента", "Претензия подана после срока приёмки",
        "Экспертиза не подтвердила брак",
    ],
}  # fmt: skip
PLAN_STEPS = [
    "Запросить фото и акт у клиента", "Проверить остатки партии на складе",
    "Опросить водителя и кладовщика", "Согласовать решение с руководителем",
    "Подготовить ответ клиенту",
]  # fmt: skip
# The building season: claims follow the orders, most from May to September.
SEASON = [0.55, 0.6, 0.8, 1.0, 1.3, 1.5, 1.55, 1.5, 1.3, 1.0, 0.75, 0.6]


def _departments() -> dict[str, Department]:
    names = {name for departments, _c, _e in REASONS.values() for name in departments}
    found = {d.name: d for d in Department.objects.filter(name__in=names)}
    for name in sorted(names - set(found)):
        found[name] = department_create(name=name)
    return found


def _months_back(today: datetime.date, count: int) -> list[datetime.date]:
    months, month = [], today.replace(day=1)
    for _i in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _pick(rng, weights) -> int:
    return rng.choices(range(len(weights)), weights=weights)[0]


def demo_claims(ctx) -> None:
    """About 1.5 claims per lively demo partner over the last 24 months (at least 30)."""
    rng = ctx.rng
    today = timezone.localdate()
    officers = list(User.objects.filter(role=Role.CLAIMS, is_active=True).order_by("pk"))
    staff = list(
        User.objects.filter(role__in=(Role.MANAGER, Role.CLAIMS), is_active=True).order_by("pk")
    )
    partners = list(ctx.lively(Partner.objects.filter(status="active")).order_by("pk"))
    if not partners or not staff:
        return
    departments = _departments()
    reasons = {
        name: ClaimReason.objects.filter(name=name).first() or claim_reason_create(name=name)
        for name in REASONS
    }
    orders: dict[int, list[CustomerOrder]] = {}
    for order in CustomerOrder.objects.filter(total__gt=0).order_by("pk"):
        orders.setdefault(order.partner_id, []).append(order)

    zones = demo_time_zones(p.pk for p in partners)
    now = timezone.now()
    months = _months_back(today, 24)
    # Slight growth over the two years on top of the season.
    weights = [SEASON[m.month - 1] * (1 + 0.25 * i / len(months)) for i, m in enumerate(months)]
    total = max(30, round(len(partners) * 1.5))
    for _index in range(total):
        month = months[_pick(rng, weights)]
        last_day = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(1)
        date = month + datetime.timedelta(days=rng.randint(0, (min(last_day, today) - month).days))
        reason_name = rng.choice(list(REASONS))
        culprits, chances, essences = REASONS[reason_name]
        partner = rng.choice(partners)
        order = (
            rng.choice(orders[partner.pk])
            if orders.get(partner.pk) and rng.random() < 0.6
            else None
        )
        responsible = rng.choice(officers) if officers else (partner.manager or rng.choice(staff))
        claim = claim_create(
            partner=partner,
            essence=rng.choice(essences).format(n=rng.randint(2, 12)),
            date=date,
            order=order,
            reason=reasons[reason_name],
            culprit_department=departments[rng.choice(culprits)],
            culprit_employee=rng.choice(staff) if rng.random() < 0.3 else None,
            responsible=responsible,
            by=responsible,
        )
        age = (today - date).days
        moment = min(now, timezone.make_aware(datetime.datetime.combine(date, datetime.time(10))))
        # registered on its date, not the day the demo ran: its plan's tasks come due after
        Claim.objects.filter(pk=claim.pk).update(created_at=moment, updated_at=moment)
        ClaimTransition.objects.filter(claim=claim).update(at=moment)
        if rng.random() < 0.4:
            call = working_moment(
                rng,
                date + datetime.timedelta(days=rng.randint(0, min(2, age))),
                demo_time_zone(zones, partner.pk),
                forward=True,
            )
            if call < now:  # a call in working hours that has already happened
                interaction_create(
                    kind=InteractionKind.CALL,
                    title=f"Звонок по претензии {claim.number}",
                    body="Клиент уточнил обстоятельства, договорились о проверке.",
                    by=responsible,
                    start=call,
                    direction=rng.choice([Direction.INCOMING, Direction.OUTGOING]),
                    duration=rng.randint(60, 900),
                    subject_type="claims.claim",
                    subject_id=claim.pk,
                    reviewed=True,
                )
        if age < 7 and rng.random() < 0.6:
            continue  # just registered
        started = moment + datetime.timedelta(days=min(age, rng.randint(0, 2)))
        claim = claim_transition(
            claim=claim, status=ClaimStatus.INVESTIGATING, by=responsible, at=started
        )
        steps = rng.sample(PLAN_STEPS, rng.randint(2, 4))
        # An investigation takes from a few days to some six weeks.
        resolve_after = rng.choice([rng.randint(3, 14), rng.randint(7, 45)])
        resolved = age > resolve_after
        for position, title in enumerate(steps):
            due = started.date() + datetime.timedelta(days=2 + 3 * position)
            task = plan_task_add(
                claim=claim, title=title, assignee=rng.choice(staff), due_date=due, by=responsible
            )
            Task.objects.filter(pk=task.pk).update(created_at=started, updated_at=started)
            task.created_at = started  # completing saves it
            if resolved or rng.random() < 0.4:
                plan_task_complete(claim=claim, task=task, by=responsible)
        if rng.random() < 0.5:
            claim_comment_add(
                claim=claim,
                text="Претензия принята в работу, сообщим о решении.",
                by=responsible,
                is_public=True,
            )
        if not resolved:
            continue
        resolution = list(ClaimResolution)[_pick(rng, chances)]
        compensation = Decimal("0")
        if resolution != ClaimResolution.REJECTED and rng.random() < 0.6:
            ceiling = order.total if order is not None else Decimal(rng.randint(2, 60) * 1000)
            share = Decimal(1) if resolution == ClaimResolution.SATISFIED else Decimal("0.4")
            compensation = (ceiling * share * Decimal(rng.randint(20, 100)) / 100).quantize(
                Decimal("0.01")
            )
        at = moment + datetime.timedelta(days=resolve_after, hours=rng.randint(0, 6))
        claim = claim_transition(
            claim=claim,
            status=ClaimStatus.RESOLVED,
            resolution=resolution,
            result=rng.choice(RESULTS[resolution]),
            compensation=compensation,
            by=responsible,
            at=min(at, timezone.now()),
        )
        if age > resolve_after + 10 and rng.random() < 0.9:
            claim_transition(
                claim=claim,
                status=ClaimStatus.CLOSED,
                by=responsible,
                at=min(at + datetime.timedelta(days=7), timezone.now()),
            )


def demo_claims_bulk(*, count: int, seed: int = 1, batch: int = 5000) -> int:
    """Add `count` claims quickly, for benchmarks: the demo's seasonal months, reasons,
    departments and resolutions, written in batches (numbers from the document sequence,
    the first history row and the field history kept), without plans or interactions.
    Returns how many were added."""
    import random

    from django.db import transaction
    from simple_history.utils import bulk_create_with_history

    from ladoga.core.numbering import number_next

    from .models import Claim, ClaimTransition

    rng = random.Random(seed)
    today = timezone.localdate()
    partners = list(Partner.objects.filter(status="active").values_list("pk", flat=True))
    staff = list(
        User.objects.filter(role__in=(Role.MANAGER, Role.CLAIMS), is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not partners or not staff:
        return 0
    departments = _departments()
    reasons = {
        name: ClaimReason.objects.filter(name=name).first() or claim_reason_create(name=name)
        for name in REASONS
    }
    months = _months_back(today, 24)
    weights = [SEASON[m.month - 1] * (1 + 0.25 * i / len(months)) for i, m in enumerate(months)]
    added = 0
    while added < count:
        size = min(batch, count - added)
        with transaction.atomic():
            claims = []
            for _i in range(size):
                month = months[_pick(rng, weights)]
                date = min(month + datetime.timedelta(days=rng.randint(0, 27)), today)
                reason_name = rng.choice(list(REASONS))
                culprits, chances, essences = REASONS[reason_name]
                age = (today - date).days
                resolved = age > rng.randint(3, 45)
                resolution = list(ClaimResolution)[_pick(rng, chances)] if resolved else ""
                claims.append(
                    Claim(
                        number=number_next(kind="CL", on=date),
                        date=date,
                        partner_id=rng.choice(partners),
                        essence=rng.choice(essences).format(n=rng.randint(2, 12)),
                        reason=reasons[reason_name],
                        culprit_department=departments[rng.choice(culprits)],
                        responsible_id=rng.choice(staff),
                        status=ClaimStatus.CLOSED if resolved else ClaimStatus.REGISTERED,
                        resolution=resolution,
                        result=rng.choice(RESULTS[resolution]) if resolved else "",
                        resolved_on=min(date + datetime.timedelta(days=rng.randint(2, 40)), today)
                        if resolved
                        else None,
                    )
                )
            created = bulk_create_with_history(claims, Claim, batch_size=1000)
            if not created or created[0].pk is None:  # drivers that do not return ids
                created = list(
                    Claim.objects.filter(number__in=[c.number for c in claims]).order_by("pk")
                )
            steps = []
            for claim in created:
                steps.append(ClaimTransition(claim=claim, to_status=ClaimStatus.REGISTERED))
                if claim.status == ClaimStatus.CLOSED:
                    steps += [
                        ClaimTransition(
                            claim=claim,
                            from_status=before,
                            to_status=after,
                            resolution=claim.resolution if after == ClaimStatus.RESOLVED else "",
                        )
                        for before, after in (
                            (ClaimStatus.REGISTERED, ClaimStatus.INVESTIGATING),
                            (ClaimStatus.INVESTIGATING, ClaimStatus.RESOLVED),
                            (ClaimStatus.RESOLVED, ClaimStatus.CLOSED),
                        )
                    ]
            ClaimTransition.objects.bulk_create(steps, batch_size=2000)
        added += size
    return added
