"""The analytics steps of `ladoga demo`.

Classification: purchase histories long enough for XYZ and RFM to mean something, then one
classification run. Each client that has orders gets a buying pattern over the 24 months
before this one: stable (about the same every month: X), seasonal (more in spring and
autumn: Y or Z) or erratic (now and then: Z); a few return goods (a negative shipment), and
some stop buying a few months ago (at risk, lost). Shipments are written in bulk against
one posted order per client, with one line each, so the product groups (BCG) have revenue.

Norms (12.8): stage norms and stall days on the demo deal kinds, and contact norms by
segment and by class, so monitoring and strategy have something to show.
"""

import datetime
import random
from decimal import Decimal

from ladoga.deals.models import DealKind, StageOutcome
from ladoga.interactions.models import ContactNorm
from ladoga.interactions.services import contact_norm_create
from ladoga.partners.models import Segment
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
    today = datetime.date.today()
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
    for partner_id, order in orders.items():
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
        if rng.random() < 0.08:  # goods returned: a negative shipment
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
