"""The client dossier (A9): everything about one partner on one page, through
record-level access, in a bounded number of queries whatever the partner's history.

The timeline shows the latest `TIMELINE_SIZE` interactions (and how many there are in
all); documents and closed deals the latest `LIST_SIZE`. Revenue is by month over the
twelve months up to the day; payment discipline over the same twelve months; the debt is
today's.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.access import get_visible_or_404, visible
from ladoga.claims.queries import claims_visible_to
from ladoga.core.numbers import money
from ladoga.core.periods import month_start
from ladoga.core.services import attachments_of
from ladoga.deals.models import Deal, DealStatus
from ladoga.interactions.models import Interaction
from ladoga.loyalty.discounts import card_percent
from ladoga.loyalty.queries import cards_of_partner
from ladoga.partners.classes import class_of
from ladoga.partners.models import BankAccount, ContactInfo, ContactPerson, Counterparty, Partner
from ladoga.partners.queries import relations_of
from ladoga.sales.models import AgreementStatus
from ladoga.sales.queries import (
    Period,
    agreements_visible_to,
    contracts_visible_to,
    orders_visible_to,
    partner_debt,
    partner_revenue_by_month,
    payment_discipline,
    shipments_visible_to,
)

TIMELINE_SIZE = 50
LIST_SIZE = 20
NO_VALUE = "—"


@dataclass
class Dossier:
    partner: Partner
    on: datetime.date
    classification: str
    class_since: datetime.date | None
    segments: list[str]
    counterparties: list[dict]
    contacts: list[dict]
    relations: list[dict]
    agreements: list[dict]
    contracts: list[dict]
    open_deals: list[dict]
    closed_deals: list[dict]
    documents: list[dict]
    files: list[dict]
    timeline: list[dict]
    interactions_total: int
    claims: list[dict]
    revenue_by_month: list[dict]
    payments: dict
    loyalty_cards: list[dict] = field(default_factory=list)

    @property
    def revenue_total(self) -> Decimal:
        return sum((row["revenue"] for row in self.revenue_by_month), Decimal("0"))


def _last_twelve_months(on: datetime.date) -> list[datetime.date]:
    months = [month_start(on)]
    while len(months) < 12:
        first = months[0]
        months.insert(0, month_start(first - datetime.timedelta(days=1)))
    return months


def _counterparties(partner: Partner, user) -> list[dict]:
    rows = visible(Counterparty.objects.filter(partner=partner), user).prefetch_related(
        Prefetch("bank_accounts", queryset=BankAccount.objects.order_by("-is_primary", "id"))
    )
    return [
        {
            "name": c.short_name,
            "full_name": c.full_name,
            "kind": str(c.get_kind_display()),
            "inn": c.inn,
            "kpp": c.kpp,
            "ogrn": c.ogrn,
            "legal_address": c.legal_address,
            "bank_accounts": [
                {"bank": b.bank_name, "bik": b.bik, "number": b.number}
                for b in c.bank_accounts.all()
            ],
        }
        for c in rows.order_by("short_name", "id")
    ]


def _contacts(partner: Partner, user) -> list[dict]:
    rows = visible(ContactPerson.objects.filter(partner=partner), user).prefetch_related(
        Prefetch("contact_info", queryset=ContactInfo.objects.order_by("-is_primary", "id"))
    )
    return [
        {
            "name": str(c),
            "position": c.position,
            "decision_role": str(c.get_decision_role_display()) if c.decision_role else "",
            "info": [{"kind": i.kind, "value": i.value} for i in c.contact_info.all()],
        }
        for c in rows.order_by("last_name", "first_name", "id")
    ]


def _deal(deal: Deal) -> dict:
    return {
        "id": deal.pk,
        "number": deal.number,
        "name": deal.name,
        "stage": deal.stage.name if deal.stage_id else str(deal.get_status_display()),
        "status": deal.status,
        "amount": deal.amount,
        "expected_close_date": deal.expected_close_date,
        "closed_at": deal.closed_at,
        "url": reverse("deals:detail", args=[deal.pk]),
    }


def dossier_of(*, partner_id: int, user, on: datetime.date | None = None) -> Dossier:
    """The dossier of a partner `user` may see (Http404 otherwise): each section holds
    only what `user` may see of it. About 25 queries, however long the history."""
    partner = get_visible_or_404(
        Partner.objects.select_related("manager", "group").prefetch_related("segments"),
        user,
        pk=partner_id,
    )
    on = on or timezone.localdate()
    found_class = class_of(partner.pk)
    deals = (
        visible(Deal.objects.filter(partner=partner), user)
        .select_related("stage")
        .order_by("-opened_on", "-id")
    )
    interactions = visible(Interaction.objects.filter(partner=partner), user)
    timeline = (
        interactions.select_related("responsible")
        .only(
            "kind",
            "title",
            "start",
            "responsible__first_name",
            "responsible__last_name",
            "responsible__username",
        )
        .order_by("-start", "-id")[:TIMELINE_SIZE]
    )
    months = _last_twelve_months(on)
    revenue = partner_revenue_by_month(partner, months, user=user)
    discipline = payment_discipline(partner, Period.twelve_months_to(on), user=user)
    documents = [
        {
            "kind": str(_("Order")),
            "number": o.number,
            "date": o.date,
            "total": o.total,
            "status": str(o.get_status_display()),
        }
        for o in orders_visible_to(user=user)
        .select_related(None)
        .only("number", "date", "total", "status")
        .filter(partner=partner)
        .order_by("-date", "-id")[:LIST_SIZE]
    ] + [
        {
            "kind": str(_("Shipment")),
            "number": s.number,
            "date": s.date,
            "total": s.total,
            "status": "",
        }
        for s in shipments_visible_to(user=user)
        .select_related(None)
        .only("number", "date", "total")
        .filter(partner=partner)
        .order_by("-date", "-id")[:LIST_SIZE]
    ]
    documents.sort(key=lambda d: (d["date"], d["number"]), reverse=True)
    loyalty_cards = [
        {
            "number": card.number,
            "kind": card.kind.name,
            "holder": str(card.contact) if card.contact_id else partner.name,
            "status": str(card.get_status_display()),
            "percent": card_percent(card),
            "valid_to": card.valid_to,
        }
        for card in cards_of_partner(partner, user).select_related("kind", "contact")
    ]
    return Dossier(
        partner=partner,
        on=on,
        classification=found_class.label if found_class else NO_VALUE,
        class_since=found_class.since if found_class else None,
        segments=[s.name for s in partner.segments.all()],
        counterparties=_counterparties(partner, user),
        contacts=_contacts(partner, user),
        relations=[
            {"name": r.name, "partner": r.other_name, "partner_id": r.other_id}
            for r in relations_of(partner)
        ],
        agreements=[
            {
                "name": a.name,
                "number": getattr(a, "number", ""),
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
                "status": str(a.get_status_display()),
            }
            for a in agreements_visible_to(user=user)
            .filter(partner=partner, status=AgreementStatus.ACTIVE)
            .order_by("-valid_from", "-id")
        ],
        contracts=[
            {
                "number": c.number,
                "date": c.date,
                "valid_from": c.valid_from,
                "valid_to": c.valid_to,
                "subject": c.subject,
            }
            for c in contracts_visible_to(user=user)
            .filter(partner=partner, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .order_by("-date", "-id")
        ],
        open_deals=[_deal(d) for d in deals.filter(status=DealStatus.IN_PROGRESS)],
        closed_deals=[_deal(d) for d in deals.exclude(status=DealStatus.IN_PROGRESS)[:LIST_SIZE]],
        documents=documents,
        files=[
            {"name": f.name, "created_at": f.created_at}
            for f in attachments_of(partner).order_by("-created_at")
        ],
        timeline=[
            {
                "id": i.pk,
                "kind": i.kind,
                "kind_label": str(i.get_kind_display()),
                "title": i.title,
                "start": i.start,
                "responsible": i.responsible.get_full_name() or i.responsible.username,
                "url": reverse("interactions:detail", args=[i.pk]),
            }
            for i in timeline
        ],
        interactions_total=interactions.count(),
        claims=[
            {
                "number": c.number,
                "date": c.date,
                "status": str(c.get_status_display()),
                "essence": c.essence,
            }
            for c in claims_visible_to(user=user).filter(partner=partner).order_by("-date", "-id")
        ],
        loyalty_cards=loyalty_cards,
        revenue_by_month=[{"month": month, "revenue": money(revenue[month])} for month in months],
        payments={
            "payments": discipline.payments,
            "late": discipline.late,
            "average_days_late": discipline.average_days_late,
            "debt": money(partner_debt(partner, user=user)),
        },
    )


def dossier_chart(dossier: Dossier) -> dict:
    return {
        "kind": "bars",
        "title": str(_("Revenue by month")),
        "labels": [row["month"].strftime("%m.%Y") for row in dossier.revenue_by_month],
        "series": [
            {
                "name": str(_("Revenue")),
                "values": [row["revenue"] for row in dossier.revenue_by_month],
            }
        ],
        "unit": "money",
    }
