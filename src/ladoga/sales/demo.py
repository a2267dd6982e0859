"""Demo sales data (`ladoga demo`): the own company, a catalogue with three price types,
typical agreements per segment, individual agreements, contracts, and a year of orders
with invoices, shipments and payments — most clients pay on time, some are often late.

Everything goes through the services (with `by=None`, the system), so the demo data keeps
every rule the product enforces. The same seed gives the same data.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from ladoga.loyalty.models import CardStatus, LoyaltyCard
from ladoga.partners.models import Counterparty, Partner, PartnerStatus, Segment
from ladoga.partners.services import segment_create

from . import services
from .models import AgreementStatus
from .services import LineIn

D = Decimal
GROUPS = {
    "Стройматериалы": [
        ("Цемент М500, мешок 50 кг", "меш", 520), ("Песок строительный, т", "т", 900),
        ("Кирпич облицовочный", "шт", 38), ("Газобетонный блок D500", "шт", 145),
        ("Сухая смесь штукатурная, 30 кг", "меш", 410), ("Арматура А500С 12 мм, м", "м", 64),
        ("Гипсокартон 12,5 мм", "лист", 395), ("Утеплитель минвата 100 мм", "уп", 1250),
    ],
    "Инструмент": [
        ("Перфоратор SDS-plus", "шт", 8900), ("Шуруповёрт аккумуляторный", "шт", 6400),
        ("Болгарка 125 мм", "шт", 4300), ("Лазерный уровень", "шт", 7600),
        ("Набор свёрл по металлу", "наб", 1150), ("Рулетка 5 м", "шт", 390),
    ],
    "Услуги": [
        ("Доставка по городу", "рейс", 3500), ("Разгрузка, тонна", "т", 450),
        ("Консультация инженера", "ч", 2500),
    ],
}  # fmt: skip


def _company() -> None:
    services.company_update(
        expected_version=None,
        name="ООО «Ладога Трейд»",
        full_name="Общество с ограниченной ответственностью «Ладога Трейд»",
        inn="7707083893",
        kpp="770701001",
        ogrn="1027700132195",
        address="125009, г. Москва, ул. Тверская, д. 1",
        phone="+7 495 123-45-67",
        email="sales@ladoga.example",
        bank_name="ПАО Сбербанк",
        bik="044525225",
        account="40702810938000000001",
        correspondent_account="30101810400000000225",
        director="Петров П. П.",
        accountant="Иванова И. И.",
    )


def _segment(name: str) -> Segment:
    return Segment.objects.filter(name=name).first() or segment_create(name=name)


def _active(agreement):
    agreement = services.agreement_transition(agreement=agreement, status=AgreementStatus.AGREED)
    return services.agreement_transition(agreement=agreement, status=AgreementStatus.ACTIVE)


def demo_sales(ctx) -> None:
    """The sales step of `ladoga demo` (ctx: ladoga.demo.DemoContext)."""
    rng: random.Random = ctx.rng
    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    _company()

    base = services.price_type_create(name="Базовая")
    wholesale = services.price_type_create(name="Оптовая", base=base, percent=D("-10"))
    services.price_type_create(name="Розничная", base=base, percent=D("15"))
    products = []
    for group_name, items in GROUPS.items():
        group = services.product_group_create(name=group_name)
        for index, (name, unit, price) in enumerate(items):
            product = services.product_create(
                code=f"{group_name[:3].upper()}-{index + 1:03d}",
                name=name,
                unit=unit,
                vat_rate=D("0") if group_name == "Услуги" and "Консультация" in name else D("20"),
                group=group,
            )
            services.price_set(
                product=product, price_type=base, effective_from=year_ago, amount=D(price)
            )
            # A price rise in the middle of the year.
            services.price_set(
                product=product,
                price_type=base,
                effective_from=today - datetime.timedelta(days=120),
                amount=(D(price) * D("1.07")).quantize(D("1")),
            )
            products.append(product)
    archived = products[-4]
    services.product_update(product=archived, expected_version=None, is_archived=True)
    products.remove(archived)

    wholesale_segment, retail_segment = _segment("Опт"), _segment("Розница")
    standard = _active(
        services.agreement_create(
            name="Стандартные условия",
            price_type=base,
            valid_from=year_ago,
            stages=[("prepayment", D("100"), 3)],
            delivery_days=3,
            max_manual_discount=D("3"),
        )
    )
    wholesale_terms = _active(
        services.agreement_create(
            name="Оптовые условия: 30 % предоплата, 70 % в течение 14 дней",
            price_type=wholesale,
            valid_from=year_ago,
            stages=[("prepayment", D("30"), 3), ("credit", D("70"), 14)],
            delivery_days=5,
            max_manual_discount=D("5"),
            segments=[wholesale_segment],
            contract_required=True,
            returnable_packaging=True,
        )
    )
    _active(
        services.agreement_create(
            name="Розница: 100 % предоплата",
            price_type=base,
            valid_from=year_ago,
            stages=[("prepayment", D("100"), 0)],
            delivery_days=1,
            discount_percent=D("-5"),
            segments=[retail_segment],
        )
    )
    services.agreement_create(
        name="Дилерские условия (на согласовании)",
        price_type=wholesale,
        valid_from=today,
        stages=[("credit", D("100"), 30)],
        delivery_days=7,
        discount_percent=D("3"),
        max_manual_discount=D("7"),
    )

    clients = list(
        ctx.lively(
            Partner.objects.filter(
                is_client=True, status=PartnerStatus.ACTIVE, manager__isnull=False
            )
        )
        .prefetch_related("segments")
        .order_by("pk")[: max(10, ctx.activity_size // 2)]
    )
    counterparties = {}
    for counterparty in (
        Counterparty.objects.filter(partner__in=clients, status="active")
        .exclude(registry_status="liquidated")
        .order_by("pk")
    ):
        counterparties.setdefault(counterparty.partner_id, counterparty)
    clients = [c for c in clients if c.pk in counterparties]
    late_payers = {c.pk for c in clients if rng.random() < 0.25}

    terms: dict[int, object] = {}
    contracts: dict[int, object] = {}
    for index, client in enumerate(clients):
        segment_ids = {s.pk for s in client.segments.all()}
        counterparty = counterparties[client.pk]
        if wholesale_segment.pk in segment_ids:
            terms[client.pk] = wholesale_terms
            contracts[client.pk] = services.contract_create(
                counterparty=counterparty,
                number=f"{index + 1}/{year_ago.year}-П",
                date=year_ago,
                agreement=wholesale_terms,
                subject="Поставка товаров",
            )
        elif index % 5 == 0:
            individual = services.agreement_individual_create(
                typical=standard,
                partner=client,
                discount_percent=D(rng.choice(["2", "3", "5"])),
                max_manual_discount=D("5"),
                valid_from=year_ago,
            )
            terms[client.pk] = _active(individual)
        else:
            terms[client.pk] = standard

    for _ in range(ctx.activity_size * 2):
        if not clients:
            break
        client = rng.choice(clients)
        agreement = terms[client.pk]
        date = year_ago + datetime.timedelta(days=rng.randrange(0, 350))
        chosen = rng.sample(products, rng.randint(1, 5))
        # Some clients show their loyalty card (one valid on the order's date).
        card = None
        if rng.random() < 0.4:
            card = (
                LoyaltyCard.objects.filter(
                    partner=client,
                    status=CardStatus.ACTIVE,
                    issued_on__lte=date,
                    valid_to__isnull=True,
                )
                .select_related("kind")
                .order_by("pk")
                .first()
            )
        order = services.order_create(
            partner=client,
            counterparty=counterparties[client.pk],
            agreement=agreement,
            contract=contracts.get(client.pk),
            date=date,
            manager=client.manager,
            loyalty_card=card,
            lines=[
                LineIn(
                    product=product,
                    quantity=D(rng.choice([1, 2, 3, 5, 10, 20, 40])),
                    discount_percent=D(rng.choice(["0", "0", "0", "1", "2"])),
                )
                for product in chosen
            ],
        )
        if rng.random() < 0.1:
            continue  # a draft still being worked on
        order = services.order_post(order=order)
        invoice = services.invoice_create(order=order, date=date)
        if order.delivery_date <= today:
            services.shipment_create(order=order, date=order.delivery_date)
        late = client.pk in late_payers
        for stage in invoice.stages.order_by("due_date"):
            delay = rng.randint(3, 40) if late and rng.random() < 0.7 else -rng.randint(0, 2)
            paid_on = max(stage.due_date + datetime.timedelta(days=delay), date)
            if paid_on > today:
                break
            services.payment_create(invoice=invoice, amount=stage.amount, date=paid_on)
