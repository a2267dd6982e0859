"""Gathering the facts stage guards read (guards.DealFacts), one small query per fact, and
only the facts the guards in question need."""

from django.db.models import Q
from django.utils import timezone

from ladoga.interactions.models import Task, TaskStatus
from ladoga.partners.models.contact import DecisionRole
from ladoga.sales.models import Agreement, CustomerOrder, OrderStatus, Proposal
from ladoga.sales.queries import agreement_applies_to

from .guards import DealFacts
from .models import Deal, DealParty, PartyRole


def facts_of(deal: Deal, needs: set[str]) -> DealFacts:
    """The facts about `deal` named in `needs` (field names of DealFacts). Documents count
    whoever made them (a guard asks about the deal, not about what the mover may see), but
    only those of the deal's own client."""
    values: dict = {}
    if needs & {"agreement_set", "agreement_active", "agreement_applies"}:
        values["agreement_set"] = deal.agreement_id is not None
        today = timezone.localdate()
        values["agreement_active"] = (
            deal.agreement_id is not None
            and Agreement.objects.filter(
                pk=deal.agreement_id, status="active", valid_from__lte=today
            )
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .exists()
        )
        values["agreement_applies"] = deal.agreement_id is not None and agreement_applies_to(
            agreement_id=deal.agreement_id, partner_id=deal.partner_id
        )
    # Only documents of the deal's own client count: one of another client's stored with
    # this deal_id (before the link was checked) never meets a guard.
    if "proposals" in needs:
        values["proposals"] = Proposal.objects.filter(
            deal_id=deal.pk, partner_id=deal.partner_id
        ).count()
    if "posted_orders" in needs:
        values["posted_orders"] = CustomerOrder.objects.filter(
            deal_id=deal.pk, partner_id=deal.partner_id, status=OrderStatus.POSTED
        ).count()
    if "contacts" in needs:
        values["contacts"] = deal.contacts.count()
    if "decision_makers" in needs:
        values["decision_makers"] = (
            deal.contacts.filter(decision_role=DecisionRole.DECISION_MAKER).count()
            + DealParty.objects.filter(deal=deal, role=PartyRole.DECISION_MAKER).count()
        )
    if "amount" in needs:
        values["amount"] = deal.amount
    if "expected_close_date" in needs:
        values["expected_close_date"] = deal.expected_close_date
    if "open_required_tasks" in needs:
        values["open_required_tasks"] = (
            0
            if deal.stage_id is None
            else Task.objects.filter(
                status=TaskStatus.OPEN,
                required=True,
                deal_stage_link__deal=deal,
                deal_stage_link__stage_id=deal.stage_id,
            ).count()
        )
    return DealFacts(**values)
