"""The analytics steps of `ladoga demo`.

Classification: purchase histories long enough for XYZ and RFM to mean something, then one
classification run. Each client that has orders gets a buying pattern over the 24 months
before this one: stable (about the same every month: X), seasonal (more in spring and
autumn: Y or Z) or erratic (now and then: Z); a few return goods (a negative shipment), and
some stop buying a few months ago (at risk, lost). Shipments are written in bulk against
one posted order per client, with one line each, so the product groups (BCG) have revenue.

Norms (12.8): stage norms and stall days on the demo deal kinds, and contact norms by
segment and by class, so monitoring and strategy have something to show.

Managers (12.8): each sales manager gets a trend: half of them (drawn with the demo's seed)
did clearly better in the last twelve months than in the twelve before, the others clearly
worse; won deals of the non-process kind and calls with the manager's clients are added in
the better or the worse year, so the manager comparison has a spread to show.
"""

import datetime
import math
import random
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from ladoga.accounts.roles import Role
from ladoga.core.models import DocumentSequence
from ladoga.deals import funnel
from ladoga.deals.models import (
    Deal,
    DealAction,
    DealKind,
    DealStatus,
    ProcessType,
    StageOutcome,
    StageTransition,
)
from ladoga.interactions.models import ContactNorm, Interaction, InteractionKind, ReviewStatus
from ladoga.interactions.services import contact_norm_create
from ladoga.partners.demo import demo_time_zone, demo_time_zones, working_moment
from ladoga.partners.models import Partner, Segment
from ladoga.sales.models import (
    CustomerOrder,
    OrderLine,
    OrderStatus,
    Product,
    Shipment,
    ShipmentLine,
)

from .classification_rules import months_between
from .classification_services import classification_recompute

D = Decimal
MONTHS = 24


def _pattern(rng: random.Random) -> str:
    return rng.choices(["stable", "seasonal", "erratic"], weights=[4, 3, 3])[0]


def _amounts(pattern: str, rng: random.Random, base: int) -> list[int]:
    """What a client buys in each of the months, oldest first (0: nothing)."""
    amounts = []
    for index in range(MONTHS):
        month = (index % 12) + 1
        if pattern == "stable":
            amounts.append(round(base * rng.uniform(0.93, 1.07)))
        elif pattern == "seasonal":
            high = month in (3, 4, 5, 9, 10)
            amounts.append(round(base * (1.8 if high else 0.6) * rng.uniform(0.9, 1.1)))
        else:
            amounts.append(round(base * rng.uniform(0.5, 3)) if rng.random() < 0.3 else 0)
    return amounts


def demo_classification(ctx) -> None:
    """Purchase histories of 24 months for the clients with orders, then a run."""
    rng: random.Random = ctx.rng
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    months = months_between(last_month, MONTHS)
    orders = {}
    for order in CustomerOrder.objects.filter(status=OrderStatus.POSTED).order_by("id"):
        orders.setdefault(order.partner_id, order)
    products = list(Product.objects.filter(is_archived=False).order_by("id")[:20])
    if not orders or not products:
        return
    lines = {}
    for partner_id, order in orders.items():
        line = order.lines.order_by("id").first()
        if line is None:
            product = rng.choice(products)
            line = OrderLine.objects.create(
                order=order, product=product, quantity=D("1"), price=D("1"), total=D("1")
            )
        lines[partner_id] = line
    shipments, number = [], 0
    for index, (partner_id, order) in enumerate(orders.items()):
        pattern = _pattern(rng)
        # Stable buyers are the large regular clients, so the other demo orders do not
        # unsettle their months.
        bases = [800_000, 1_500_000] if pattern == "stable" else [20_000, 50_000, 120_000]
        amounts = _amounts(pattern, rng, base=rng.choice(bases))
        stop = rng.choice([None, None, 3, 7])  # months without purchases at the end
        if stop and pattern != "stable":
            amounts[-stop:] = [0] * stop
        for month, amount in zip(months, amounts, strict=True):
            if not amount:
                continue
            number += 1
            day = month.replace(day=rng.randint(1, 28))
            shipments.append((partner_id, order, day, D(amount), f"ДМ-{number:07d}"))
        # Every twelfth client returns goods (a negative shipment), so any demo has returns.
        if index % 12 == 5:
            number += 1
            day = months[rng.randrange(MONTHS)].replace(day=15)
            shipments.append((partner_id, order, day, -D(amounts[0] or 30_000), f"ДМ-{number:07d}"))
    made = Shipment.objects.bulk_create(
        [
            Shipment(
                number=code,
                date=day,
                order=order,
                partner_id=partner_id,
                counterparty_id=order.counterparty_id,
                total=amount,
                vat_total=(amount * D("20") / D("120")).quantize(D("0.01")),
            )
            for partner_id, order, day, amount, code in shipments
        ],
        batch_size=2000,
    )
    ShipmentLine.objects.bulk_create(
        [
            ShipmentLine(
                shipment=shipment,
                order_line=lines[shipment.partner_id],
                product_id=lines[shipment.partner_id].product_id,
                quantity=D("1"),
                total=shipment.total,
            )
            for shipment in made
        ],
        batch_size=2000,
    )
    classification_recompute(scheduled=True)


# Days per open stage, by position: the first stages move fast, the later ones slower.
STAGE_NORMS = (7, 10, 14, 21, 30)
STALL_DAYS = {"strict": 14, "manual": 21, "non_process": 30}


def demo_norms(ctx) -> None:
    for kind in DealKind.objects.all():
        DealKind.objects.filter(pk=kind.pk).update(stall_days=STALL_DAYS.get(kind.process_type, 21))
        open_stages = kind.stages.filter(outcome=StageOutcome.OPEN).order_by("position", "id")
        for index, stage in enumerate(open_stages):
            norm = STAGE_NORMS[min(index, len(STAGE_NORMS) - 1)]
            type(stage).objects.filter(pk=stage.pk).update(norm_days=norm)
    if ContactNorm.objects.exists():
        return
    segment = Segment.objects.order_by("id").first()
    if segment is not None:
        contact_norm_create(
            name=f"{segment.name}: 30", segment=segment, days=30, kinds=["meeting", "call"]
        )
    contact_norm_create(
        name="A: 14", abc="A", days=14, kinds=["meeting", "call"], counted="responsible"
    )
    contact_norm_create(
        name="B: 45", abc="B", days=45, kinds=["meeting", "call", "email"], counted="anyone"
    )


BETTER, WORSE = "better", "worse"


def trends(ctx) -> dict[int, str]:
    """Manager id -> "better" or "worse" this year, half and half, the same for a seed."""
    managers = sorted(ctx.users.get(Role.MANAGER, []), key=lambda m: m.pk)
    marks = [BETTER if i % 2 == 0 else WORSE for i in range(len(managers))]
    ctx.rng.shuffle(marks)
    return {m.pk: mark for m, mark in zip(managers, marks, strict=True)}


def _next_numbers(years: set[int]) -> dict[int, int]:
    found = dict(
        DocumentSequence.objects.filter(kind="DL", year__in=years).values_list("year", "last")
    )
    return {year: found.get(year, 0) for year in years}


def _yearly(rows, who: str, when: str, now) -> dict[int, tuple[int, int]]:
    """Per person: (rows in the last twelve months, rows in the twelve before)."""
    year = datetime.timedelta(days=365)
    found = (
        rows.filter(**{f"{when}__gte": now - 2 * year, f"{when}__lt": now})
        .order_by()
        .values(who)
        .annotate(
            recent=Count("id", filter=Q(**{f"{when}__gte": now - year})),
            before=Count("id", filter=Q(**{f"{when}__lt": now - year})),
        )
    )
    return {row[who]: (row["recent"], row["before"]) for row in found}


def _shortfall(counts: tuple[int, int] | None, mark: str, extra: int) -> int:
    """How many rows to add to the better year so it beats the other by a quarter."""
    recent, before = counts or (0, 0)
    better, worse = (recent, before) if mark == BETTER else (before, recent)
    return max(extra, math.ceil(worse * 1.25) + extra - better)


def demo_manager_trends(ctx) -> None:
    """The managers step of `ladoga demo` (ctx: ladoga.demo.DemoContext)."""
    kind = DealKind.objects.filter(process_type=ProcessType.NON_PROCESS).order_by("pk").first()
    marks = trends(ctx)
    if kind is None or not marks:
        return
    rng, now = ctx.rng, timezone.now()
    clients: dict[int, list[Partner]] = {}
    for partner in ctx.lively(
        Partner.objects.filter(is_client=True, status="active", manager_id__in=marks)
    ).order_by("pk"):
        clients.setdefault(partner.manager_id, []).append(partner)
    extra = 3 + ctx.activity_size // 20
    year = datetime.timedelta(days=365)
    won = _yearly(Deal.objects.filter(status=DealStatus.WON), "manager_id", "closed_at", now)
    talks = _yearly(Interaction.objects.all(), "responsible_id", "start", now)
    zones = demo_time_zones(p.pk for partners in clients.values() for p in partners)
    plans = []  # (manager id, partner, closed at)
    calls = []
    for manager_id, mark in marks.items():
        if manager_id not in clients:
            continue
        # the better year (the last twelve months, else the twelve before) ends a quarter
        # above the other one, whatever the deals step drew
        offset = datetime.timedelta(0) if mark == BETTER else year
        for _ in range(_shortfall(won.get(manager_id), mark, extra)):
            closed = now - offset - datetime.timedelta(days=rng.randint(5, 360))
            plans.append((manager_id, rng.choice(clients[manager_id]), closed))
        for _ in range(_shortfall(talks.get(manager_id), mark, extra * 3)):
            partner = rng.choice(clients[manager_id])
            zone = demo_time_zone(zones, partner.pk)
            # 7 to 358 days into the year: a weekend moved up to six days back and the
            # working hours of the partner's zone keep the call inside it
            day = timezone.localtime(now - offset, zone).date() - datetime.timedelta(
                days=rng.randint(7, 358)
            )
            start = working_moment(rng, day, zone)
            calls.append(
                Interaction(
                    kind=InteractionKind.CALL,
                    title="Звонок клиенту",
                    start=start,
                    responsible_id=manager_id,
                    partner_id=partner.pk,
                    subject_type="partners.partner",
                    subject_id=partner.pk,
                    review_status=ReviewStatus.REVIEWED,
                    reviewed_at=start + datetime.timedelta(hours=1),
                )
            )
    plans.sort(key=lambda plan: plan[2])
    last = _next_numbers({timezone.localtime(p[2]).year for p in plans})
    deals, opened_at = [], []
    for manager_id, partner, closed in plans:
        opened = closed - datetime.timedelta(days=rng.randint(1, 20))
        opened_on = timezone.localtime(opened).date()
        if opened_on.year not in last:  # opened the year before it closed: that year's numbers
            last.update(_next_numbers({opened_on.year}))
        last[opened_on.year] += 1
        amount = Decimal(round(rng.lognormvariate(math.log(40_000), 0.6), -3) or 1000)
        opened_at.append(opened)
        deals.append(
            Deal(
                number=f"DL-{opened_on.year}-{last[opened_on.year]:06d}",
                name="Повторная поставка",
                partner=partner,
                manager_id=manager_id,
                kind=kind,
                status=DealStatus.WON,
                amount=amount,
                opened_on=opened_on,
                stage_entered_at=closed,
                closed_at=closed,
                expected_close_date=timezone.localtime(closed).date(),
            )
        )
    deals = Deal.objects.bulk_create(deals, batch_size=2000)
    for year, value in last.items():
        if not DocumentSequence.objects.filter(kind="DL", year=year).update(last=value):
            DocumentSequence.objects.create(kind="DL", year=year, last=value)
    StageTransition.objects.bulk_create(
        [
            row
            for deal, opened in zip(deals, opened_at, strict=True)
            for row in (
                StageTransition(
                    deal=deal,
                    action=DealAction.CREATED,
                    to_status=DealStatus.IN_PROGRESS,
                    by_id=deal.manager_id,
                    at=opened,
                ),
                StageTransition(
                    deal=deal,
                    action=DealAction.WON,
                    from_status=DealStatus.IN_PROGRESS,
                    to_status=DealStatus.WON,
                    by_id=deal.manager_id,
                    at=deal.closed_at,
                ),
            )
        ],
        batch_size=2000,
    )
    made = Interaction.objects.bulk_create(calls, batch_size=2000)
    Interaction.objects.filter(pk__in=[i.pk for i in made]).update(thread_id=F("id"))
    funnel.rebuild(kind_ids=[kind.pk])
