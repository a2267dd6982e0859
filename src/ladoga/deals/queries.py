"""Reads of the deals domain, always through record-level access (accounts.access).

A user sees a deal when it is theirs or their client's (managers), their department's
(heads) or anyone's (administrators); its history, environment, tasks and documents
follow the deal (X1, D6, D7)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts.access import visible
from ladoga.core.services import attachments_of
from ladoga.interactions.models import Task, TaskStatus
from ladoga.interactions.queries import interactions_visible_to, tasks_visible_to
from ladoga.partners.models import ContactRelation, PartnerRelation
from ladoga.sales import queries as sales_queries

from .models import (
    Deal,
    DealKind,
    DealParty,
    DealStatus,
    LossReason,
    Stage,
    StageOutcome,
    StageTransition,
)
from .services.lifecycle import entry_guard_codes, entry_violations, stage_order_violations
from .services.stage_tasks import SUBJECT_TYPE


def deals_visible_to(*, user) -> QuerySet[Deal]:
    return visible(Deal.objects.select_related("partner", "manager", "kind", "stage"), user)


def deal_detail_queryset(*, user) -> QuerySet[Deal]:
    return (
        deals_visible_to(user=user)
        .select_related("agreement", "loss_reason", "competitor", "lost_at_stage", "interaction")
        .prefetch_related("contacts", "kind__stages")
    )


def deals_filter(
    *,
    user,
    q: str = "",
    kind: int | None = None,
    stage: int | None = None,
    status: str = "",
    manager: int | None = None,
    partner: int | None = None,
) -> QuerySet[Deal]:
    found = deals_visible_to(user=user)
    if q:
        found = found.filter(
            Q(name__icontains=q) | Q(number__icontains=q) | Q(partner__name__icontains=q)
        )
    if kind:
        found = found.filter(kind_id=kind)
    if stage:
        found = found.filter(stage_id=stage)
    if status:
        found = found.filter(status=status)
    if manager:
        found = found.filter(manager_id=manager)
    if partner:
        found = found.filter(partner_id=partner)
    return found.order_by("-opened_on", "-id")


def kinds_visible_to(*, user, active_only: bool = False) -> QuerySet[DealKind]:
    found = visible(DealKind, user).prefetch_related(
        Prefetch(
            "stages",
            queryset=Stage.objects.order_by("position", "id").prefetch_related(
                "task_templates__assignee_user"
            ),
        ),
        "links",
    )
    return found.filter(is_active=True) if active_only else found


def loss_reasons_visible_to(*, user, active_only: bool = False) -> QuerySet[LossReason]:
    found = visible(LossReason, user)
    return found.filter(is_active=True) if active_only else found


# --- history (D8) -------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    transition: StageTransition
    duration: datetime.timedelta  # time spent after this step: till the next one, or now


def history_of(deal: Deal) -> list[HistoryRow]:
    """The deal's steps, oldest first, each with the time the deal then spent there."""
    steps = list(
        StageTransition.objects.filter(deal=deal)
        .select_related("from_stage", "to_stage", "by", "loss_reason")
        .order_by("at", "id")
    )
    now = timezone.now()
    rows = []
    for step, following in zip(steps, [*steps[1:], None], strict=True):
        end = following.at if following else (deal.closed_at or now)
        rows.append(HistoryRow(step, max(end - step.at, datetime.timedelta(0))))
    return rows


def time_in_stages(deal: Deal) -> list[tuple[Stage, datetime.timedelta]]:
    """Total time the deal spent in each stage it visited (returns add up)."""
    totals: dict[int, list] = {}
    for row in history_of(deal):
        stage = row.transition.to_stage
        if stage is None or row.transition.to_status != DealStatus.IN_PROGRESS:
            continue
        entry = totals.setdefault(stage.pk, [stage, datetime.timedelta(0)])
        entry[1] += row.duration
    return [(stage, spent) for stage, spent in sorted(totals.values(), key=lambda e: e[0].position)]


# --- tasks (D4, D5) ----------------------------------------------------------------------------


def tasks_of_deal(deal: Deal, *, user) -> QuerySet[Task]:
    return (
        tasks_visible_to(user=user)
        .filter(subject_type=SUBJECT_TYPE, subject_id=deal.pk)
        .select_related("deal_stage_link__stage", "completed_by")
        .order_by("status", "due_date", "id")
    )


def my_tasks(*, user, include_done: bool = False) -> QuerySet[Task]:
    """The tasks assigned to `user`, open ones first by due date; what they are about is
    resolved for the page by `task_subjects`."""
    found = Task.objects.filter(assignee=user).select_related("partner")
    if not include_done:
        found = found.filter(status=TaskStatus.OPEN)
    return found.order_by("status", "due_date", "id")


def task_deals(tasks, *, user) -> dict[int, Deal]:
    """The visible deals the given tasks are about, by id, in one query."""
    ids = {t.subject_id for t in tasks if t.subject_type == SUBJECT_TYPE}
    if not ids:
        return {}
    return {d.pk: d for d in visible(Deal.objects.filter(pk__in=ids).select_related("stage"), user)}


# --- documents (D6) --------------------------------------------------------------------------


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class DocumentRow:
    type: str
    type_label: str
    id: int
    title: str
    date: datetime.date | None
    status: str
    amount: Decimal | None
    currency: str
    url: str


def documents_of(deal: Deal, *, user) -> list[DocumentRow]:
    """Everything linked to the deal that `user` may see, newest first: interactions about
    it (and the one it was based on), proposals, customer orders, their invoices and
    shipments, supplier orders and files. Seven queries whatever the numbers."""
    rows: list[DocumentRow] = []
    interactions = interactions_visible_to(user=user).filter(
        Q(subject_type=SUBJECT_TYPE, subject_id=deal.pk)
        | Q(pk=deal.interaction_id if deal.interaction_id else -1)
    )
    for item in interactions:
        rows.append(
            DocumentRow(
                "interaction",
                item.get_kind_display(),
                item.pk,
                item.title,
                item.start.date() if item.start else item.created_at.date(),
                item.get_review_status_display(),
                None,
                "",
                _url("interactions:detail", item.pk),
            )
        )
    sales = sales_queries.documents_of_deal(deal_id=deal.pk, partner_id=deal.partner_id, user=user)
    for proposal in sales["proposals"]:
        rows.append(
            DocumentRow(
                "proposal",
                _("Commercial proposal"),
                proposal.pk,
                proposal.number,
                proposal.date,
                proposal.get_status_display(),
                proposal.total,
                proposal.currency,
                _url("sales:proposal_print", proposal.pk),
            )
        )
    for order in sales["orders"]:
        rows.append(
            DocumentRow(
                "order",
                _("Customer order"),
                order.pk,
                order.number,
                order.date,
                order.get_status_display(),
                order.total,
                order.currency,
                _url("sales:order_detail", order.pk),
            )
        )
    for invoice in sales_queries.invoices_visible_to(user=user).filter(order__deal_id=deal.pk):
        rows.append(
            DocumentRow(
                "invoice",
                _("Invoice"),
                invoice.pk,
                invoice.number,
                invoice.date,
                "",
                invoice.total,
                invoice.order.currency,
                _url("sales:invoice_print", invoice.pk),
            )
        )
    for shipment in sales_queries.shipments_visible_to(user=user).filter(order__deal_id=deal.pk):
        rows.append(
            DocumentRow(
                "shipment",
                _("Shipment"),
                shipment.pk,
                shipment.number,
                shipment.date,
                "",
                shipment.total,
                shipment.order.currency,
                _url("sales:order_detail", shipment.order_id),
            )
        )
    for order in sales["supplier_orders"]:
        rows.append(
            DocumentRow(
                "supplier_order",
                _("Supplier order"),
                order.pk,
                order.number,
                order.date,
                order.get_status_display(),
                order.total,
                order.currency,
                "",
            )
        )
    for attachment in attachments_of(deal):
        rows.append(
            DocumentRow(
                "file",
                _("File"),
                attachment.pk,
                attachment.name,
                attachment.created_at.date(),
                "",
                None,
                "",
                f"/api/v1/files/{attachment.pk}/content",
            )
        )
    rows.sort(key=lambda r: (r.date or datetime.date.min, r.id), reverse=True)
    return rows


# --- environment (D7) -------------------------------------------------------------------------


def party_candidates(*, user) -> QuerySet:
    """Partners `user` may name in a deal's environment: those they see, and competitors
    (public knowledge, like the catalogue)."""
    from ladoga.accounts.access import visibility_q
    from ladoga.partners.models import Partner

    q = visibility_q(Partner, user)
    found = Partner.objects.filter(status="active")
    return found if q is None else found.filter(q | Q(is_competitor=True))


def parties_of(deal: Deal, *, user) -> QuerySet[DealParty]:
    return visible(
        DealParty.objects.filter(deal=deal).select_related("partner", "contact__partner"), user
    )


@dataclass
class Node:
    key: str
    label: str
    kind: str  # client, partner, contact
    role: str = ""
    x: float = 0.0
    y: float = 0.0


@dataclass
class Edge:
    source: str
    target: str
    label: str
    kind: str  # role, relation, works_at


def environment_of(deal: Deal, *, user) -> tuple[list[Node], list[Edge]]:
    """The deal's environment as a graph: the client in the middle, its contact persons
    on the deal, the parties with their roles, and the relations (P7) among them all."""
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    client_key = f"p{deal.partner_id}"
    nodes[client_key] = Node(client_key, deal.partner.name, "client")
    for contact in deal.contacts.all():
        key = f"c{contact.pk}"
        nodes[key] = Node(key, contact.full_name, "contact", contact.get_decision_role_display())
        edges.append(Edge(key, client_key, _("works at"), "works_at"))
    for party in parties_of(deal, user=user):
        if party.partner_id:
            key, label, kind = f"p{party.partner_id}", party.partner.name, "partner"
        else:
            key, label, kind = f"c{party.contact_id}", party.contact.full_name, "contact"
        node = nodes.setdefault(key, Node(key, label, kind))
        node.role = party.get_role_display()
        edges.append(Edge(client_key, key, party.get_role_display(), "role"))
        if party.contact_id and f"p{party.contact.partner_id}" in nodes and kind == "contact":
            edges.append(Edge(key, f"p{party.contact.partner_id}", _("works at"), "works_at"))
    partner_ids = [int(k[1:]) for k in nodes if k.startswith("p")]
    contact_ids = [int(k[1:]) for k in nodes if k.startswith("c")]
    for relation in PartnerRelation.objects.filter(
        source_id__in=partner_ids, target_id__in=partner_ids
    ).select_related("type"):
        edges.append(
            Edge(f"p{relation.source_id}", f"p{relation.target_id}", relation.type.name, "relation")
        )
    for relation in ContactRelation.objects.filter(
        source_id__in=contact_ids, target_id__in=contact_ids
    ).select_related("type"):
        edges.append(
            Edge(f"c{relation.source_id}", f"c{relation.target_id}", relation.type.name, "relation")
        )
    return list(nodes.values()), edges


# --- the board ---------------------------------------------------------------------------------


@dataclass
class Column:
    stage: Stage | None
    count: int
    amount: Decimal
    deals: list[Deal]

    @property
    def has_more(self) -> bool:
        return self.count > len(self.deals)


BOARD_ORDER = ("expected_close_date", "-amount", "id")
# Column totals add only amounts in the base currency: money in different currencies is
# never added up.
BASE_CURRENCY = "RUB"


def board_of(kind: DealKind, *, user, per_column: int = 30, manager: int | None = None):
    """The pipeline of a kind (D1, kanban): one column per open stage with its count and
    amount and its first `per_column` cards (soonest expected close first), plus the deals
    won and lost in the last 30 days. Queries: one aggregate, one per column."""
    stages = [s for s in kind.stages.all() if s.outcome == StageOutcome.OPEN]
    base = deals_visible_to(user=user).filter(kind=kind)
    if manager:
        base = base.filter(manager_id=manager)
    open_deals = base.filter(status=DealStatus.IN_PROGRESS)
    totals = {
        row["stage_id"]: row
        for row in open_deals.order_by()
        .values("stage_id")
        .annotate(n=Count("id"), amount=Sum("amount"))
    }
    columns = []
    for stage in stages or [None]:
        row = totals.get(stage.pk if stage else None, {"n": 0, "amount": None})
        cards = list(
            open_deals.filter(stage=stage).order_by(*BOARD_ORDER)[:per_column] if row["n"] else []
        )
        columns.append(Column(stage, row["n"], row["amount"] or Decimal("0"), cards))
    return columns


def column_page(kind: DealKind, stage: Stage | None, *, user, offset: int, limit: int = 30):
    found = deals_visible_to(user=user).filter(
        kind=kind, stage=stage, status=DealStatus.IN_PROGRESS
    )
    return list(found.order_by(*BOARD_ORDER)[offset : offset + limit])


def recently_closed(kind: DealKind, *, user, days: int = 30) -> dict[str, int]:
    since = timezone.now() - datetime.timedelta(days=days)
    found = (
        deals_visible_to(user=user)
        .filter(kind=kind, closed_at__gte=since)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    return {row["status"]: row["n"] for row in found}


# --- What a deal may do next (D3) ---------------------------------------------------------


@dataclass(frozen=True)
class StageMove:
    """One stage a deal could be moved to, and whether it may be now: `reasons` are the
    messages of the same rules `deal_move` refuses with (empty when allowed). `primary`
    marks the next stage in order, the move a person is offered first."""

    stage: Stage
    reasons: tuple[str, ...]
    primary: bool = False

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


@dataclass(frozen=True)
class DealMoves:
    """The moves the deal's page offers: the open stages other than the current one and
    the won stage (`moves`, in the kind's order), and whether winning is possible now (a
    kind without stages wins any time)."""

    moves: tuple[StageMove, ...]
    win_reasons: tuple[str, ...]

    @property
    def can_win(self) -> bool:
        return not self.win_reasons

    @property
    def primary(self) -> StageMove | None:
        return next((move for move in self.moves if move.primary), None)


def deal_moves_available(deal: Deal, *, user) -> DealMoves:
    """Each stage `deal` could go to, allowed or refused with the reasons `deal_move` and
    `deal_win` would give (lifecycle.entry_violations: one rule, one place), so the page
    offers only what can happen. The guards' facts are gathered once for every stage.
    A closed deal, or a user whose role may not move deals, gets nothing to offer."""
    if deal.is_closed or not user.has_perm("deals.change_deal"):
        return DealMoves(moves=(), win_reasons=(_("The deal cannot be moved now."),))
    stages = [s for s in deal.kind.stages.all() if s.is_open or s.outcome == StageOutcome.WON]
    if not stages:
        return DealMoves(moves=(), win_reasons=())
    codes = {code for stage in stages for code in entry_guard_codes(deal, stage)}
    from . import guards
    from .facts import facts_of

    facts = facts_of(deal, guards.needed_facts(codes)) if codes else None
    following = next_stage(stages, deal.stage)
    current = deal.stage
    moves = tuple(
        StageMove(
            stage=stage,
            reasons=tuple(str(v.message) for v in entry_violations(deal, stage, facts)),
            primary=following is not None and stage.pk == following.pk,
        )
        for stage in stages
        if current is None or stage.pk != current.pk
    )
    won = next((m for m in moves if m.stage.outcome == StageOutcome.WON), None)
    return DealMoves(moves=moves, win_reasons=won.reasons if won else ())


def next_stage(stages: list[Stage], current: Stage | None) -> Stage | None:
    """The move a person is offered first from `current`: the next open stage of the
    kind's order (`stages`, in order), or the won stage after the last open one; None for
    a kind without stages."""
    after = [s for s in stages if current is None or s.position > current.position]
    return next((s for s in after if s.is_open), None) or next(
        (s for s in stages if s.outcome == StageOutcome.WON), None
    )


def board_next_stages(stages: list[Stage]) -> dict[int, Stage]:
    """For the pipeline board: {open stage id: the next stage (next_stage)}, the move each
    column's cards offer; empty for a kind without stages."""
    following = {}
    for stage in stages:
        if stage.is_open:
            after = next_stage(stages, stage)
            if after is not None:
                following[stage.pk] = after
    return following


def board_blocked_moves(kind: DealKind, stages: list[Stage]) -> dict[int, dict[int, str]]:
    """For the pipeline board: for each target stage (the open ones and the won stage; its
    `stages` in order), the stages a card may not come from, with the reason — the stage
    order of a strict kind (lifecycle.stage_order_violations), which depends only on the
    column a card is in. The guards, which depend on each deal, are checked when the card
    is dropped, by the move itself."""
    blocked: dict[int, dict[int, str]] = {}
    if not kind.is_strict:
        return blocked
    sources = [s for s in stages if s.is_open]
    for target in stages:
        if not (target.is_open or target.outcome == StageOutcome.WON):
            continue
        for source in sources:
            if source.pk == target.pk:
                continue
            violations = stage_order_violations(sources, source, target)
            if violations:
                blocked.setdefault(target.pk, {})[source.pk] = " ".join(
                    str(v.message) for v in violations
                )
    return blocked
