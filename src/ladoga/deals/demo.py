"""Demo deals (`ladoga demo`): two years of deals across the three shipped kinds, with
realistic stage histories (most deals stop somewhere, some return a stage), losses by
reason and by competitor, managers who differ in skill, open tasks (some overdue), linked
interactions and, for recent deals, proposals and posted orders — so every report has a
shape. `size` 100 makes 3,000 deals; the count grows with the size.

Deals, their history and tasks are written in bulk (thousands of rows in a few seconds);
the documents of the recent deals go through the sales services so they keep every rule.
The same seed gives the same data. `generate` is also used by `deals_bench_data`.
"""

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from ladoga.accounts.models import User
from ladoga.core.errors import DomainError
from ladoga.core.models import DocumentSequence
from ladoga.interactions.models import Interaction, Task, TaskStatus
from ladoga.partners.demo import demo_time_zone, demo_time_zones, working_moment
from ladoga.partners.models import ContactPerson, Counterparty, Partner

from . import funnel, probability
from .models import (
    Deal,
    DealAction,
    DealKind,
    DealParty,
    DealSource,
    DealStageTask,
    DealStatus,
    LossReason,
    ProcessType,
    Stage,
    StageOutcome,
    StageReach,
    StageTransition,
)
from .services.stage_tasks import SUBJECT_TYPE
from .workdays import add_working_days

BATCH = 2000
DEALS_PER_SIZE = 30
NAMES = [
    "Поставка цемента на объект",
    "Стройматериалы для склада",
    "Инструмент для бригады",
    "Оснащение нового филиала",
    "Годовой контракт на поставку",
    "Ремонт офиса",
    "Кирпич для коттеджа",
    "Утеплитель на зиму",
    "Сухие смеси для отделки",
    "Доставка и разгрузка",
]
TOPICS = ["Первичный звонок", "Уточнение потребности", "Обсуждение КП", "Встреча у клиента"]
# How likely a deal goes on from each open stage of the typical sale (the rest are lost
# there or are still in it); a manager's skill multiplies these.
ADVANCE = [0.78, 0.8, 0.86, 0.7, 0.74, 0.9]
REASON_WEIGHTS = [4, 5, 2, 1, 2, 1]  # price, competitor, budget, cancelled, silence, terms


@dataclass
class Plan:
    kind: DealKind
    partner: Partner
    manager: User
    opened: datetime.datetime
    amount: Decimal
    steps: list = field(default_factory=list)  # (action, stage, at)
    status: str = DealStatus.IN_PROGRESS
    lost_at: Stage | None = None
    reason: LossReason | None = None
    competitor: Partner | None = None


class Simulator:
    """Draws deal histories: which stages each deal reached and when, and how it ended."""

    def __init__(
        self, rng: random.Random, *, now: datetime.datetime, reasons, competitors, returns=0.05
    ):
        self.rng, self.now, self.returns = rng, now, returns
        self.reasons, self.competitors = reasons, competitors
        self.skill: dict[int, float] = {}

    def _skill(self, manager: User) -> float:
        if manager.pk not in self.skill:
            self.skill[manager.pk] = self.rng.uniform(0.85, 1.12)
        return self.skill[manager.pk]

    def _lose(self, plan: Plan, stage: Stage | None, at, lost_stage) -> None:
        reason = self.rng.choices(self.reasons, weights=REASON_WEIGHTS[: len(self.reasons)])[0]
        plan.status, plan.lost_at, plan.reason = DealStatus.LOST, stage, reason
        if self.competitors and reason == self.reasons[min(1, len(self.reasons) - 1)]:
            plan.competitor = self.rng.choice(self.competitors)
        plan.steps.append((DealAction.LOST, lost_stage, at))

    def _dwell(self, low: int = 1, high: int = 12) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high), hours=self.rng.randint(0, 9))

    def plan(self, *, kind, stages, partner, manager, opened) -> Plan:
        rng = self.rng
        scale = {"strict": 300_000, "manual": 2_000_000}.get(kind.process_type, 40_000)
        amount = Decimal(round(rng.lognormvariate(math.log(scale), 0.8), -3) or 1000)
        plan = Plan(kind, partner, manager, opened, amount)
        opens = [s for s in stages if s.outcome == StageOutcome.OPEN]
        won = next((s for s in stages if s.outcome == StageOutcome.WON), None)
        lost = next((s for s in stages if s.outcome == StageOutcome.LOST), None)
        at = opened
        skill = self._skill(manager)
        if kind.process_type == ProcessType.NON_PROCESS:
            plan.steps.append((DealAction.CREATED, None, at))
            at += self._dwell(2, 40)
            if at < self.now:
                if rng.random() < 0.55 * skill:
                    plan.status = DealStatus.WON
                    plan.steps.append((DealAction.WON, None, at))
                else:
                    self._lose(plan, None, at, None)
            return plan
        index = 0 if kind.process_type == ProcessType.STRICT else rng.randint(0, 1)
        plan.steps.append((DealAction.CREATED, opens[index], at))
        while True:
            at += self._dwell(1, 18 if opens[index].code == "negotiation" else 10)
            if at >= self.now:
                return plan  # still in progress at this stage
            chance = min(0.97, ADVANCE[min(index, len(ADVANCE) - 1)] * skill)
            if kind.process_type == ProcessType.MANUAL:
                chance = min(0.95, 0.72 * skill)
            if rng.random() >= chance:
                self._lose(plan, opens[index], at, lost)
                return plan
            if (
                kind.process_type == ProcessType.STRICT
                and index > 1
                and rng.random() < self.returns
            ):
                index -= 1  # back one stage: the client had second thoughts
            elif kind.process_type == ProcessType.MANUAL and rng.random() < 0.25:
                index = rng.randrange(len(opens))  # any stage, skipping allowed
                if index == len(opens) - 1 and rng.random() < 0.5:
                    index = len(opens)
            else:
                index += 1
            if index >= len(opens):
                plan.status = DealStatus.WON
                plan.steps.append((DealAction.WON, won, at))
                return plan
            plan.steps.append((DealAction.MOVED, opens[index], at))


def _numbers(years: set[int]) -> dict[int, int]:
    """The last DL number of each year so far (this run continues after it)."""
    found = dict(
        DocumentSequence.objects.filter(kind="DL", year__in=years).values_list("year", "last")
    )
    return {year: found.get(year, 0) for year in years}


def _numbers_store(last: dict[int, int]) -> None:
    for year, value in last.items():
        updated = DocumentSequence.objects.filter(kind="DL", year=year).update(last=value)
        if not updated:
            DocumentSequence.objects.create(kind="DL", year=year, last=value)


def _bulk(model, rows: list) -> list:
    made = []
    for start in range(0, len(rows), BATCH):
        made += model.objects.bulk_create(rows[start : start + BATCH])
    return made


def generate(
    *,
    rng: random.Random,
    count: int,
    kinds: list[tuple[DealKind, float]],
    clients: list[Partner],
    days: int = 730,
    with_tasks: bool = True,
    with_interactions: bool = True,
    recompute: bool = True,
    returns: float = 0.05,
    rebuild_funnel: bool = True,
    progress=None,
) -> list[Deal]:
    """Write `count` deals of the weighted `kinds` with clients' managers, opened over the
    last `days` days, with their stage history, reached stages and (optionally) the open
    tasks of their current stage and an interaction about a quarter of them. `returns` is
    the chance that a deal of a strict kind goes back a stage (the client hesitates)."""
    now = timezone.now()
    reasons = list(LossReason.objects.order_by("pk")) or [
        LossReason.objects.create(name="Price too high")
    ]
    competitors = list(Partner.objects.filter(is_competitor=True).order_by("pk")[:20])
    simulator = Simulator(rng, now=now, reasons=reasons, competitors=competitors, returns=returns)
    stages = {
        kind.pk: list(Stage.objects.filter(kind=kind).order_by("position")) for kind, _ in kinds
    }
    contacts: dict[int, list[int]] = defaultdict(list)
    for contact_id, partner_id in ContactPerson.objects.filter(partner__in=clients).values_list(
        "pk", "partner_id"
    ):
        contacts[partner_id].append(contact_id)
    from ladoga.sales.models import Agreement

    agreement = Agreement.objects.filter(status="active", kind="typical").order_by("pk").first()
    plans = []
    for _ in range(count):
        kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
        client = rng.choice(clients)
        # Recent deals are more numerous: a business that grows.
        age = int(days * (1 - math.sqrt(rng.random())))
        opened = now - datetime.timedelta(days=age, hours=rng.randint(0, 10))
        plans.append(
            simulator.plan(
                kind=kind,
                stages=stages[kind.pk],
                partner=client,
                manager=client.manager,
                opened=opened,
            )
        )
    plans.sort(key=lambda p: p.opened)
    last = _numbers({timezone.localtime(p.opened).year for p in plans})
    deals = []
    sources = [s for s in DealSource.values if s]
    today = timezone.localdate()
    for plan in plans:
        opened_on = timezone.localtime(plan.opened).date()
        last[opened_on.year] += 1
        _, final_stage, final_at = plan.steps[-1]
        closed = plan.status != DealStatus.IN_PROGRESS
        reached_classified = any(
            s is not None and s.code in ("client_classified", "proposal", "order")
            for _, s, _ in plan.steps
        )
        expected = (
            timezone.localtime(final_at).date() + datetime.timedelta(days=rng.randint(-5, 5))
            if closed
            else today + datetime.timedelta(days=rng.randint(-20, 150))
        )
        deals.append(
            Deal(
                number=f"DL-{opened_on.year}-{last[opened_on.year]:06d}",
                name=rng.choice(NAMES),
                partner=plan.partner,
                manager=plan.manager,
                kind=plan.kind,
                stage=final_stage,
                status=plan.status,
                amount=plan.amount,
                currency="EUR" if rng.random() < 0.03 else "RUB",
                expected_close_date=expected if rng.random() < 0.93 else None,
                probability_override=rng.choice([10, 30, 50, 70, 90])
                if not closed and rng.random() < 0.05
                else None,
                agreement=agreement if reached_classified else None,
                source=rng.choice(sources),
                opened_on=opened_on,
                stage_entered_at=final_at,
                closed_at=final_at if closed else None,
                loss_reason=plan.reason,
                competitor=plan.competitor,
                lost_at_stage=plan.lost_at,
            )
        )
    deals = _bulk(Deal, deals)
    _numbers_store(last)
    if progress:
        progress("deals")
    transitions, reached = [], []
    for deal, plan in zip(deals, plans, strict=True):
        previous, status, seen = None, "", set()
        for action, stage, at in plan.steps:
            to_status = {DealAction.WON: DealStatus.WON, DealAction.LOST: DealStatus.LOST}.get(
                action, DealStatus.IN_PROGRESS
            )
            transitions.append(
                StageTransition(
                    deal=deal,
                    action=action,
                    from_stage=previous,
                    to_stage=stage,
                    from_status=status,
                    to_status=to_status,
                    by=plan.manager,
                    at=at,
                    loss_reason=plan.reason if action == DealAction.LOST else None,
                )
            )
            if stage is not None and stage.pk not in seen:
                seen.add(stage.pk)
                reached.append(StageReach(deal=deal, stage=stage, first_at=at))
            previous, status = stage, to_status
    _bulk(StageTransition, transitions)
    _bulk(StageReach, reached)
    through = Deal.contacts.through
    _bulk(
        through,
        [
            through(deal_id=deal.pk, contactperson_id=rng.choice(contacts[deal.partner_id]))
            for deal in deals
            if contacts.get(deal.partner_id) and rng.random() < 0.8
        ],
    )
    if progress:
        progress("history")
    if with_tasks:
        _tasks(rng, deals, today)
    if with_interactions:
        _interactions(rng, deals)
        _environment(rng, deals, competitors)
    if rebuild_funnel:
        funnel.rebuild(kind_ids=[kind.pk for kind, _ in kinds])
    if recompute:
        for kind, _ in kinds:
            probability.probabilities_recompute(kind=kind)
    return deals


def _tasks(rng: random.Random, deals: list[Deal], today: datetime.date) -> None:
    """The current stage's tasks of every open deal: most open (some overdue), some done."""
    templates: dict[int, list] = defaultdict(list)
    for stage in Stage.objects.prefetch_related("task_templates"):
        templates[stage.pk] = list(stage.task_templates.all())
    heads = {
        u.pk: (u.department.head if u.department_id else None)
        for u in User.objects.select_related("department__head")
    }
    tasks, links = [], []
    for deal in deals:
        if deal.status != DealStatus.IN_PROGRESS or deal.stage_id is None:
            continue
        for template in templates[deal.stage_id]:
            assignee = deal.manager
            if template.assignee_kind == "role" and template.assignee_role == "head":
                assignee = heads.get(deal.manager_id) or deal.manager
            entered = timezone.localtime(deal.stage_entered_at).date()
            done = rng.random() < 0.35
            tasks.append(
                Task(
                    title=template.title,
                    assignee=assignee,
                    due_date=add_working_days(entered, template.due_in_days),
                    status=TaskStatus.DONE if done else TaskStatus.OPEN,
                    required=template.required,
                    subject_type=SUBJECT_TYPE,
                    subject_id=deal.pk,
                    partner_id=deal.partner_id,
                    completed_by=assignee if done else None,
                    completed_at=deal.stage_entered_at if done else None,
                )
            )
            links.append((deal, template))
    tasks = _bulk(Task, tasks)
    _bulk(
        DealStageTask,
        [
            DealStageTask(deal=deal, stage_id=deal.stage_id, task=task, template=template)
            for task, (deal, template) in zip(tasks, links, strict=True)
        ],
    )


def _interactions(rng: random.Random, deals: list[Deal]) -> None:
    """A call or meeting about a quarter of the deals, on the day they were opened (the
    Monday after a weekend), in the working hours of the partner's time zone; one still to
    come is not reviewed yet."""
    rows = []
    zones = demo_time_zones({deal.partner_id for deal in deals})
    now = timezone.now()
    for deal in deals:
        if rng.random() >= 0.25:
            continue
        start = working_moment(
            rng, deal.opened_on, demo_time_zone(zones, deal.partner_id), forward=True
        )
        rows.append(
            Interaction(
                kind=rng.choice(["call", "meeting"]),
                title=rng.choice(TOPICS),
                start=start,
                responsible_id=deal.manager_id,
                partner_id=deal.partner_id,
                subject_type=SUBJECT_TYPE,
                subject_id=deal.pk,
                review_status="reviewed" if start < now else "not_reviewed",
            )
        )
    made = _bulk(Interaction, rows)
    Interaction.objects.filter(pk__in=[i.pk for i in made]).update(thread_id=F("id"))


def _environment(rng: random.Random, deals: list[Deal], competitors: list[Partner]) -> None:
    """Competitors in the environment of one deal in eight."""
    if not competitors:
        return
    _bulk(
        DealParty,
        [
            DealParty(deal=deal, partner=rng.choice(competitors), role="competitor")
            for deal in deals
            if rng.random() < 0.125 and deal.kind.process_type != ProcessType.NON_PROCESS
        ],
    )


def _documents(rng: random.Random, deals: list[Deal]) -> None:
    """Proposals for recent deals of the typical sale that reached the proposal stage, and
    posted orders for the recent won ones, through the sales services."""
    from ladoga.sales import services as sales
    from ladoga.sales.models import Product

    products = list(Product.objects.filter(is_archived=False).order_by("pk")[:10])
    if not products:
        return
    since = timezone.localdate() - datetime.timedelta(days=120)
    recent = [d for d in deals if d.opened_on >= since and d.agreement_id and d.currency == "RUB"]
    reached = set(
        StageReach.objects.filter(
            deal__in=[d.pk for d in recent], stage__code__in=["proposal", "negotiation", "order"]
        ).values_list("deal_id", flat=True)
    )
    counterparties = {}
    for counterparty in Counterparty.objects.filter(status="active").order_by("pk"):
        counterparties.setdefault(counterparty.partner_id, counterparty)
    made_proposals = made_orders = 0
    for deal in recent:
        if deal.pk not in reached or made_proposals >= 60:
            continue
        lines = [sales.LineIn(product=rng.choice(products), quantity=Decimal(rng.randint(1, 20)))]
        try:
            sales.proposal_create(
                partner=deal.partner,
                counterparty=counterparties.get(deal.partner_id),
                agreement=deal.agreement,
                lines=lines,
                deal_id=deal.pk,
                manager=deal.manager,
                date=deal.opened_on,
            )
            made_proposals += 1
            if deal.status == DealStatus.WON and deal.partner_id in counterparties:
                order = sales.order_create(
                    partner=deal.partner,
                    counterparty=counterparties[deal.partner_id],
                    agreement=deal.agreement,
                    lines=lines,
                    deal_id=deal.pk,
                    manager=deal.manager,
                    date=timezone.localtime(deal.closed_at).date(),
                )
                if made_orders < 40:
                    sales.order_post(order=order)
                    made_orders += 1
        except DomainError:
            continue  # a client whose terms do not fit: no documents, as in life


def demo_deals(ctx) -> None:
    """The deals step of `ladoga demo` (ctx: ladoga.demo.DemoContext)."""
    clients = list(
        ctx.lively(Partner.objects.filter(is_client=True, status="active", manager__isnull=False))
        .select_related("manager")
        .order_by("pk")
    )
    if not clients:
        return
    by_type = {kind.process_type: kind for kind in DealKind.objects.order_by("pk")}
    weights = {ProcessType.STRICT: 0.7, ProcessType.MANUAL: 0.2, ProcessType.NON_PROCESS: 0.1}
    kinds = [(kind, weights[t]) for t, kind in by_type.items() if t in weights]
    if not kinds:
        return
    deals = generate(
        rng=ctx.rng, count=ctx.activity_size * DEALS_PER_SIZE, kinds=kinds, clients=clients
    )
    _documents(ctx.rng, deals)
