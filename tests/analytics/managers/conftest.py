"""Fixtures of the analytics tests: `make`, a builder that writes the raw rows an indicator
reads (partners, interactions, tasks, deals, shipments, payments, claims) with the dates
the test names, so each figure can be computed by hand."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga.claims.models import Claim
from ladoga.deals.models import Deal, DealKind, DealStatus, StageTransition
from ladoga.interactions.models import Interaction, ReviewStatus, Task, TaskStatus
from ladoga.partners.models import Counterparty, Partner
from ladoga.sales.models import CustomerOrder, Invoice, Payment, Shipment

D = Decimal


def at(day: str, hour: int = 12) -> datetime.datetime:
    """Noon (or `hour`) of an ISO day in the current time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class Builder:
    def __init__(self):
        self.numbers = itertools.count(1)
        self.partners: dict[int, Partner] = {}

    def number(self, prefix: str) -> str:
        return f"{prefix}-{next(self.numbers):06d}"

    def partner(self, manager, created: str, *, client=True, potential=False, **fields):
        partner = Partner.objects.create(
            name=self.number("P"),
            manager=manager,
            is_client=client,
            is_potential_client=potential,
            is_supplier=not (client or potential),
            **fields,
        )
        Partner.objects.filter(pk=partner.pk).update(created_at=at(created))
        return partner

    def client_of(self, manager) -> Partner:
        """One long-standing client per manager, for the documents."""
        if manager.pk not in self.partners:
            self.partners[manager.pk] = self.partner(manager, "2020-01-01")
        return self.partners[manager.pk]

    def interaction(
        self,
        responsible,
        start: str | None,
        kind="call",
        *,
        reviewed: str = "",
        review_after: str = "",
        **fields,
    ):
        return Interaction.objects.create(
            kind=kind,
            title="Talk",
            start=at(start) if start else None,
            responsible=responsible,
            partner=self.client_of(responsible),
            review_status=ReviewStatus.REVIEWED if reviewed else ReviewStatus.NOT_REVIEWED,
            reviewed_at=at(reviewed) if reviewed else None,
            review_after=day(review_after) if review_after else None,
            **fields,
        )

    def task(self, assignee, due: str, status=TaskStatus.OPEN, completed: str = ""):
        return Task.objects.create(
            title="Call back",
            assignee=assignee,
            due_date=day(due),
            status=status,
            completed_at=at(completed) if completed else None,
        )

    def deal(
        self,
        manager,
        opened: str,
        status=DealStatus.IN_PROGRESS,
        closed: str = "",
        amount="100.00",
        currency="RUB",
        kind=None,
        stage=None,
    ):
        kind = kind or DealKind.objects.get(process_type="non_process")
        return Deal.objects.create(
            number=self.number("DL"),
            name="Deal",
            partner=self.client_of(manager),
            manager=manager,
            kind=kind,
            stage=stage,
            status=status,
            amount=D(amount) if amount is not None else None,
            currency=currency,
            opened_on=day(opened),
            closed_at=at(closed) if closed else None,
        )

    def move(self, deal, stage, when: datetime.datetime, action="moved"):
        to_status = {"won": "won", "lost": "lost"}.get(action, "in_progress")
        return StageTransition.objects.create(
            deal=deal, action=action, to_stage=stage, to_status=to_status, at=when
        )

    def _order(self, partner):
        counterparty = Counterparty.objects.filter(partner=partner).first() or (
            Counterparty.objects.create(
                partner=partner, short_name=partner.name, kind="legal_entity"
            )
        )
        order = CustomerOrder.objects.create(
            number=self.number("ORD"),
            date=day("2020-01-01"),
            partner=partner,
            counterparty=counterparty,
            delivery_date=day("2020-01-01"),
        )
        return order, counterparty

    def shipment(self, manager, date: str, total: str, currency="RUB"):
        partner = self.client_of(manager)
        order, counterparty = self._order(partner)
        return Shipment.objects.create(
            number=self.number("SH"),
            date=day(date),
            order=order,
            partner=partner,
            counterparty=counterparty,
            currency=currency,
            total=D(total),
        )

    def payment(self, manager, date: str, amount: str, currency="RUB"):
        partner = self.client_of(manager)
        order, counterparty = self._order(partner)
        invoice = Invoice.objects.create(
            number=self.number("INV"),
            date=day(date),
            order=order,
            partner=partner,
            counterparty=counterparty,
            currency=currency,
            total=D(amount),
        )
        return Payment.objects.create(
            number=self.number("PAY"),
            date=day(date),
            invoice=invoice,
            partner=partner,
            amount=D(amount),
            due_date=day(date),
        )

    def claim(self, culprit, date: str, partner=None):
        return Claim.objects.create(
            number=self.number("CL"),
            date=day(date),
            partner=partner or self.client_of(culprit),
            essence="Broken bags",
            culprit_employee=culprit,
        )


@pytest.fixture
def make(db):
    return Builder()
