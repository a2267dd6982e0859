"""Reads of the sales domain, always through record-level access (accounts.access).

`revenue_by_partner` and `payment_discipline` are the figures the analytics domain
reports (S8); they are single aggregate queries over indexed columns.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum

from ladoga.accounts.access import visible
from ladoga.core.numbers import half_up
from ladoga.partners.models import Partner

from . import pricing, rules
from .models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Contract,
    CustomerOrder,
    Invoice,
    Payment,
    Price,
    PriceType,
    Product,
    ProductGroup,
    Proposal,
    SegmentRule,
    Shipment,
    SupplierOrder,
)


@dataclass(frozen=True)
class Period:
    """A span of days, both ends included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def twelve_months_to(cls, end: datetime.date) -> "Period":
        """The twelve months that end with `end` (from the day after the same date a year
        before; 29 February counts from 1 March)."""
        try:
            year_before = end.replace(year=end.year - 1)
        except ValueError:  # 29 February
            year_before = datetime.date(end.year - 1, 2, 28)
        return cls(year_before + datetime.timedelta(days=1), end)


def products_visible_to(*, user) -> QuerySet:
    return visible(Product.objects.select_related("group"), user)


def product_groups_visible_to(*, user) -> QuerySet:
    return visible(ProductGroup, user)


def price_types_visible_to(*, user) -> QuerySet:
    return visible(PriceType.objects.select_related("base"), user)


def prices_visible_to(*, user) -> QuerySet:
    return visible(Price.objects.select_related("product", "price_type"), user)


def segment_rules_visible_to(*, user) -> QuerySet:
    return visible(SegmentRule.objects.select_related("segment", "group", "property"), user)


def agreements_visible_to(*, user) -> QuerySet:
    return visible(
        Agreement.objects.select_related("price_type", "partner", "typical", "approved_by"),
        user,
    )


# A new document is offered the typical agreements that are agreed or active (a draft one is
# not settled yet) and its partner's individual ones until they are closed.
TYPICAL_OFFERED = (AgreementStatus.AGREED, AgreementStatus.ACTIVE)


def agreement_applies_to(*, agreement_id: int, partner_id: int) -> bool:
    """Whether the agreement applies to the partner (`rules.agreement_applies`): an
    individual one to its own partner, a typical one to the partners of its segments or,
    naming none, to everyone. Two small queries, a third only for a segment-bound one."""
    agreement = Agreement.objects.filter(pk=agreement_id).values("kind", "partner_id").first()
    if agreement is None:
        return False
    is_typical = agreement["kind"] == AgreementKind.TYPICAL
    segments = (
        list(
            Agreement.segments.through.objects.filter(agreement_id=agreement_id).values_list(
                "segment_id", flat=True
            )
        )
        if is_typical
        else []
    )
    return rules.agreement_applies(
        is_typical=is_typical,
        agreement_partner_id=agreement["partner_id"],
        agreement_segment_ids=segments,
        partner_id=partner_id,
        partner_segment_ids=(
            Partner.segments.through.objects.filter(partner_id=partner_id).values_list(
                "segment_id", flat=True
            )
            if segments
            else []
        ),
    )


def agreements_offered(*, partner: Partner, user, keep: int | None = None) -> QuerySet:
    """The agreements a proposal or order of `partner` is offered, among those `user` may
    see: the agreed and active typical ones that apply to the partner and the partner's
    own individual ones, never a closed one; and `keep` (the document's own agreement,
    whatever it has become since).

    Which agreement applies is the posting control's rule (`rules.agreement_applies`). The
    answer does not grow with other partners' agreements: typical agreements are few, and
    the partner's individual ones are read by the (partner, typical) index. Four queries."""
    candidates = list(
        agreements_visible_to(user=user)
        .filter(
            Q(kind=AgreementKind.TYPICAL, status__in=TYPICAL_OFFERED)
            | Q(kind=AgreementKind.INDIVIDUAL, partner=partner)
        )
        .exclude(status=AgreementStatus.CLOSED)
        .values_list("pk", "kind", "partner_id")
    )
    segments_of: dict[int, list[int]] = defaultdict(list)
    for agreement_id, segment_id in Agreement.segments.through.objects.filter(
        agreement__kind=AgreementKind.TYPICAL, agreement__status__in=TYPICAL_OFFERED
    ).values_list("agreement_id", "segment_id"):
        segments_of[agreement_id].append(segment_id)
    partner_segments = list(partner.segments.values_list("pk", flat=True))
    offered = [
        pk
        for pk, kind, partner_id in candidates
        if rules.agreement_applies(
            is_typical=kind == AgreementKind.TYPICAL,
            agreement_partner_id=partner_id,
            agreement_segment_ids=segments_of[pk],
            partner_id=partner.pk,
            partner_segment_ids=partner_segments,
        )
    ]
    if keep is not None:
        offered.append(keep)
    # The partner's own (individual) agreements first, then the typical ones.
    return agreements_visible_to(user=user).filter(pk__in=offered).order_by("kind", "name", "id")


def contracts_visible_to(*, user) -> QuerySet:
    return visible(Contract.objects.select_related("partner", "counterparty", "agreement"), user)


def proposals_visible_to(*, user) -> QuerySet:
    return visible(Proposal.objects.select_related("partner", "agreement", "counterparty"), user)


def orders_visible_to(*, user) -> QuerySet:
    return visible(
        CustomerOrder.objects.select_related("partner", "counterparty", "agreement", "contract"),
        user,
    )


def orders_in_period(
    orders: QuerySet,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    """The orders dated within the period; an empty end leaves that side open."""
    if date_from:
        orders = orders.filter(date__gte=date_from)
    if date_to:
        orders = orders.filter(date__lte=date_to)
    return orders


def invoices_visible_to(*, user) -> QuerySet:
    return visible(Invoice.objects.select_related("partner", "order", "counterparty"), user)


def shipments_visible_to(*, user) -> QuerySet:
    return visible(Shipment.objects.select_related("partner", "order", "counterparty"), user)


def payments_visible_to(*, user) -> QuerySet:
    return visible(Payment.objects.select_related("partner", "invoice"), user)


def supplier_orders_visible_to(*, user) -> QuerySet:
    return visible(SupplierOrder.objects.select_related("partner", "customer_order"), user)


def documents_of_deal(*, deal_id: int, partner_id: int, user) -> dict[str, QuerySet]:
    """The proposals, orders and supplier orders made for a deal with client `partner_id`
    (for the deals domain's documents tab). A proposal or order of another client stored
    with this deal_id, or a supplier order for such an order, is not the deal's."""
    return {
        "proposals": proposals_visible_to(user=user).filter(deal_id=deal_id, partner_id=partner_id),
        "orders": orders_visible_to(user=user).filter(deal_id=deal_id, partner_id=partner_id),
        "supplier_orders": supplier_orders_visible_to(user=user)
        .filter(deal_id=deal_id)
        .filter(Q(customer_order__isnull=True) | Q(customer_order__partner_id=partner_id)),
    }


@dataclass(frozen=True)
class PartnerRevenue:
    partner_id: int
    partner_name: str
    revenue: Decimal
    vat: Decimal
    shipments: int


def revenue_by_partner(period: Period, *, user, manager: int | None = None) -> list[PartnerRevenue]:
    """Revenue per partner in `period`: the totals of shipments dated in it (revenue is
    earned when goods are shipped), largest first; only the partners of `manager` when
    given. One aggregate query over a covering index, and one for the partners' names."""
    shipments = visible(Shipment.objects.all(), user).filter(
        date__gte=period.start, date__lte=period.end
    )
    if manager:
        shipments = shipments.filter(partner__manager_id=manager)
    rows = list(
        shipments.values("partner_id")
        .annotate(revenue=Sum("total"), vat=Sum("vat_total"), shipments=Count("*"))
        .order_by("-revenue", "partner_id")
    )
    # Names afterwards: grouping by the name too would join every shipment to its partner.
    names = dict(
        Partner.objects.filter(pk__in=[row["partner_id"] for row in rows]).values_list("pk", "name")
    )
    return [
        PartnerRevenue(
            partner_id=row["partner_id"],
            partner_name=names.get(row["partner_id"], ""),
            revenue=row["revenue"] or Decimal("0"),
            vat=row["vat"] or Decimal("0"),
            shipments=row["shipments"],
        )
        for row in rows
    ]


def partner_abc_classes(*, on: datetime.date) -> dict[int, str]:
    """The ABC class of every partner with revenue in the twelve months up to `on`
    (`rules.abc_classes`; a partner missing here has no revenue and is C).

    A system-wide figure, not a user's view: it decides rule-based segment membership,
    which is the same for everyone, so it reads every shipment (one `GROUP BY` over the
    `(date, partner)` index). The analytics domain (a later issue) may become the source
    of the classification; `services.segments` then asks it instead of this function."""
    period = Period.twelve_months_to(on)
    revenues = dict(
        Shipment.objects.filter(date__gte=period.start, date__lte=period.end)
        .values("partner_id")
        .annotate(revenue=Sum("total"))
        .order_by()
        .values_list("partner_id", "revenue")
    )
    return rules.abc_classes({pk: revenue or Decimal("0") for pk, revenue in revenues.items()})


@dataclass(frozen=True)
class PaymentDiscipline:
    payments: int
    on_time: int
    late: int
    on_time_share: Decimal | None  # 0..1; None when there were no payments
    average_days_late: Decimal | None  # over the late payments; None when none was late


def payment_discipline(partner: Partner, period: Period, *, user) -> PaymentDiscipline:
    """How punctually a partner paid in `period`: the share of payments that came by
    their stage's due date, and the average delay of the late ones, in days."""
    figures = (
        visible(Payment.objects.all(), user)
        .filter(partner=partner, date__gte=period.start, date__lte=period.end)
        .aggregate(
            payments=Count("id"),
            late=Count("id", filter=Q(days_late__gt=0)),
            average_late=Avg("days_late", filter=Q(days_late__gt=0)),
        )
    )
    payments, late = figures["payments"], figures["late"]
    average = figures["average_late"]
    return PaymentDiscipline(
        payments=payments,
        on_time=payments - late,
        late=late,
        on_time_share=(
            half_up(Decimal(payments - late) / Decimal(payments), 4) if payments else None
        ),
        average_days_late=half_up(average, 2),
    )


@dataclass(frozen=True)
class PartnerDiscipline:
    partner_id: int | None  # None: every partner together
    partner_name: str
    figures: PaymentDiscipline
    average_late: Decimal | None = None  # unrounded, for rounding once where it is shown


def _discipline(payments: int, late: int, average) -> PaymentDiscipline:
    return PaymentDiscipline(
        payments=payments,
        on_time=payments - late,
        late=late,
        on_time_share=(
            half_up(Decimal(payments - late) / Decimal(payments), 4) if payments else None
        ),
        average_days_late=half_up(average, 2),
    )


def _exact(average) -> Decimal | None:
    return Decimal(str(average)) if average is not None else None


def payment_discipline_by_partner(
    period: Period, *, user, manager: int | None = None
) -> tuple[list[PartnerDiscipline], PartnerDiscipline]:
    """`payment_discipline` for every partner that paid in `period` (most payments
    first) and for all of them together: the share paid by the due date and the average
    delay of the late payments. Two aggregate queries, and one for the names."""
    payments = visible(Payment.objects.all(), user).filter(
        date__gte=period.start, date__lte=period.end
    )
    if manager:
        payments = payments.filter(partner__manager_id=manager)
    figures = {
        "n": Count("id"),
        "late": Count("id", filter=Q(days_late__gt=0)),
        "average_late": Avg("days_late", filter=Q(days_late__gt=0)),
    }
    rows = list(payments.values("partner_id").annotate(**figures).order_by("-n", "partner_id"))
    whole = payments.aggregate(**figures)
    names = dict(
        Partner.objects.filter(pk__in=[row["partner_id"] for row in rows]).values_list("pk", "name")
    )
    return (
        [
            PartnerDiscipline(
                row["partner_id"],
                names.get(row["partner_id"], ""),
                _discipline(row["n"], row["late"], row["average_late"]),
                _exact(row["average_late"]),
            )
            for row in rows
        ],
        PartnerDiscipline(
            None,
            "",
            _discipline(whole["n"], whole["late"], whole["average_late"]),
            _exact(whole["average_late"]),
        ),
    )


def partner_revenue_by_month(
    partner: Partner, months: list[datetime.date], *, user
) -> dict[datetime.date, Decimal]:
    """A partner's revenue (shipment totals) in each month starting on a day of `months`
    (first days of months, in order); a month without shipments is zero. One query."""
    if not months:
        return {}
    last = months[-1]
    end = datetime.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    totals = {month: Decimal("0") for month in months}
    shipments = visible(Shipment.objects.all(), user).filter(
        partner=partner, date__gte=months[0], date__lt=end
    )
    for day, total in shipments.values_list("date", "total"):
        key = day.replace(day=1)
        if key in totals:
            totals[key] += total or Decimal("0")
    return totals


def partner_debt(partner: Partner, *, user) -> Decimal:
    """What a partner owes now: everything shipped to it less everything it paid, never
    below zero (an advance is not a debt). Two aggregate queries."""
    shipped = visible(Shipment.objects.all(), user).filter(partner=partner).aggregate(
        total=Sum("total")
    )["total"] or Decimal("0")
    paid = visible(Payment.objects.all(), user).filter(partner=partner).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")
    return max(shipped - paid, Decimal("0"))


# Lines edited in place (the order and proposal forms): the product picker and the price
# a chosen product takes.

LINE_PRODUCTS_LIMIT = 20


def line_products_find(*, user, q: str, limit: int = LINE_PRODUCTS_LIMIT) -> list[Product]:
    """The active products `user` may see whose name or code holds `q` (any case), by
    name: at most `limit` + 1, so that the caller can tell there are more."""
    q = q.strip()
    if not q:
        return []
    found = products_visible_to(user=user).filter(is_archived=False)
    found = found.filter(Q(name__icontains=q) | Q(code__icontains=q)).order_by("name", "id")
    return list(found[: limit + 1])


@dataclass(frozen=True)
class LinePrice:
    """What a line of a document under `agreement` takes when its product is chosen: the
    agreement's price on the date (None without an agreement or a price), the product's
    VAT rate and the agreement's tax regime (None without an agreement)."""

    price: Decimal | None
    vat_rate: Decimal
    tax_regime: str | None


def line_price(
    *,
    user,
    product_id: int,
    agreement_id: int | None,
    on: datetime.date,
    partner_id: int | None = None,
    card=None,
) -> LinePrice | None:
    """The price a line takes, priced as the order and proposal services price a line
    given without a price (`pricing.agreement_prices`, the loyalty card's discount
    included); None when the user may not see the product or the agreement."""
    product = products_visible_to(user=user).filter(pk=product_id).first()
    if product is None:
        return None
    if agreement_id is None:
        return LinePrice(price=None, vat_rate=product.vat_rate, tax_regime=None)
    agreement = agreements_visible_to(user=user).filter(pk=agreement_id).first()
    if agreement is None:
        return None
    price = pricing.agreement_prices(
        agreement=agreement,
        product_ids=[product.pk],
        on=on,
        partner_id=partner_id or 0,
        card=card,
    )[product.pk]
    return LinePrice(price=price, vat_rate=product.vat_rate, tax_regime=agreement.tax_regime)
