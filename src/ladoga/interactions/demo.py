"""Demo interaction histories (`ladoga demo`): calls, meetings, planned interactions and
e-mail threads on the demo partners, some of them waiting to be reviewed, some upcoming
(not reviewed yet) with reminders, and tasks for the managers. Calls and meetings fall in
the working hours of the partner's time zone (partners.demo.working_moment)."""

import datetime

from django.utils import timezone

from ladoga.partners.demo import demo_time_zone, demo_time_zones, working_moment
from ladoga.partners.models import ContactInfo, ContactInfoKind, Partner

from .models import Direction, InteractionKind
from .services import interaction_create, task_create

CALL_TOPICS = [
    "Уточнение условий поставки",
    "Согласование цены",
    "Вопрос по счёту",
    "Повторный заказ",
    "Сроки отгрузки",
    "Рекламация по партии",
    "Знакомство",
]
MEETING_TOPICS = [
    "Презентация продукции",
    "Переговоры по договору",
    "Встреча на складе",
    "Обсуждение годового плана",
]
MAIL_TOPICS = [
    "Коммерческое предложение",
    "Счёт на оплату",
    "Прайс-лист на следующий квартал",
    "Документы для сверки",
]
PLACES = ["Офис клиента", "Наш офис, переговорная 2", "Склад", "Видеозвонок"]
TASKS = [
    "Подготовить КП",
    "Отправить договор на подпись",
    "Позвонить после отгрузки",
    "Собрать отзыв о поставке",
]


def _people(partner: Partner) -> list[dict]:
    people = []
    rows = ContactInfo.objects.filter(
        partner=partner,
        contact__isnull=False,
        kind__in=[ContactInfoKind.EMAIL, ContactInfoKind.PHONE],
    ).select_related("contact")
    by_contact: dict[int, dict] = {}
    for info in rows:
        item = by_contact.setdefault(
            info.contact_id, {"name": str(info.contact), "contact_id": info.contact_id}
        )
        item["email" if info.kind == ContactInfoKind.EMAIL else "phone"] = info.value
    people.extend(by_contact.values())
    return people or [{"name": "Секретарь", "partner_id": partner.pk}]


def demo_interactions(ctx) -> None:
    """A history of 4–12 interactions for each lively demo partner (deterministic per
    seed)."""
    rng = ctx.rng
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    managers = ctx.users.get("manager", [])
    partners = list(
        ctx.lively(Partner.objects.filter(status="active")).select_related("manager").order_by("pk")
    )
    zones = demo_time_zones(p.pk for p in partners)
    for partner in partners:
        manager = partner.manager or (rng.choice(managers) if managers else None)
        if manager is None:
            continue
        people = _people(partner)
        subject = {"subject_type": "partners.partner", "subject_id": partner.pk}
        zone = demo_time_zone(zones, partner.pk)
        today = timezone.localtime(now, zone).date()
        for _index in range(rng.randint(3, 8)):
            person = rng.choice(people)
            # from the day before yesterday back: yesterday's working hours in New York
            # may not have come yet in Moscow
            start = working_moment(rng, today - datetime.timedelta(days=rng.randint(2, 120)), zone)
            kind = rng.choice([InteractionKind.CALL, InteractionKind.CALL, InteractionKind.MEETING])
            if kind == InteractionKind.CALL:
                interaction_create(
                    kind=kind,
                    title=rng.choice(CALL_TOPICS),
                    by=manager,
                    start=start,
                    direction=rng.choice([Direction.INCOMING, Direction.OUTGOING]),
                    phone=person.get("phone", ""),
                    duration=rng.randint(30, 1800),
                    participants=[person],
                    reviewed=rng.random() > 0.25,
                    **subject,
                )
            else:
                interaction_create(
                    kind=kind,
                    title=rng.choice(MEETING_TOPICS),
                    by=manager,
                    start=start,
                    end=start + datetime.timedelta(hours=1),
                    place=rng.choice(PLACES),
                    participants=[person],
                    reviewed=True,
                    **subject,
                )
        mailer = next((p for p in people if p.get("email")), None)
        if mailer is not None:
            start = now - datetime.timedelta(days=rng.randint(1, 30))
            topic = rng.choice(MAIL_TOPICS)
            first = interaction_create(
                kind=InteractionKind.EMAIL,
                title=topic,
                by=manager,
                start=start,
                direction=Direction.INCOMING,
                email_status="received",
                message_id=f"<demo-{partner.pk}-1@example.com>",
                participants=[mailer | {"role": "from"}],
                body="Добрый день! Просим направить…",
                **subject,
            )
            interaction_create(
                kind=InteractionKind.EMAIL,
                title=f"Re: {topic}",
                by=manager,
                start=start + datetime.timedelta(hours=3),
                direction=Direction.OUTGOING,
                email_status="sent",
                message_id=f"<demo-{partner.pk}-2@ladoga.localhost>",
                in_reply_to=first.message_id,
                participants=[mailer | {"role": "to"}],
                body="Здравствуйте! Направляем…",
                subject_type="interactions.interaction",
                subject_id=first.pk,
                reviewed=True,
            )
        if rng.random() < 0.5:
            start = working_moment(
                rng, today + datetime.timedelta(days=rng.randint(2, 14)), zone, forward=True
            )
            interaction_create(
                kind=rng.choice([InteractionKind.MEETING, InteractionKind.PLANNED]),
                title=rng.choice(MEETING_TOPICS),
                by=manager,
                start=start,
                end=start + datetime.timedelta(hours=1),
                place=rng.choice(PLACES),
                participants=[rng.choice(people)],
                reminder_minutes=rng.choice([15, 30, 60]),
                reviewed=False,  # it has not happened yet
                **subject,
            )
        if rng.random() < 0.4:
            task_create(
                title=rng.choice(TASKS),
                assignee=manager,
                by=manager,
                due_date=(now + datetime.timedelta(days=rng.randint(-3, 10))).date(),
                **subject,
            )
