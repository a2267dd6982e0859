"""Bottlenecks (A3): where deals wait, per deal kind and open stage, read from the stage
history (StageTransition), never estimated.

A *stay* is a deal's time in a stage: from the transition that brought it in to the next
transition of the deal (or to now while it is still there). For the stays that began in
the period, per stage (and per manager of the deal):

- entered: the deals that entered the stage (a deal entering twice counts once);
- median and p90 time in stage, in days, over the stays (p90 by linear interpolation
  between the closest ranks);
- returned: the share of those deals whose move out of the stage went to a stage earlier
  in the kind's order;
- lost: the share of those deals lost while standing in the stage.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts.access import visible
from ladoga.accounts.models import Department, User
from ladoga.core.numbers import half_up, percent
from ladoga.core.periods import Period
from ladoga.core.reports import Kind, ReportColumn, ReportTable
from ladoga.deals.models import (
    DealAction,
    DealKind,
    ProcessType,
    Stage,
    StageOutcome,
    StageTransition,
)

DAY = Decimal(86400)


def median(values: list[Decimal]) -> Decimal | None:
    """The middle value; with an even count, the mean of the two middle ones."""
    if not values:
        return None
    ordered, n = sorted(values), len(values)
    if n % 2:
        return ordered[n // 2]
    return (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def p90(values: list[Decimal]) -> Decimal | None:
    """The 90th percentile, interpolated linearly between the closest ranks."""
    if not values:
        return None
    ordered, n = sorted(values), len(values)
    rank = 9 * (n - 1)
    low, rest = divmod(rank, 10)
    if not rest:
        return ordered[low]
    return ordered[low] + (ordered[low + 1] - ordered[low]) * rest / 10


@dataclass
class StageFigures:
    kind: str
    stage_id: int
    stage: str
    manager_id: int | None = None
    manager: str = ""
    entered: set = field(default_factory=set)
    durations: list = field(default_factory=list)
    returned: set = field(default_factory=set)
    lost: set = field(default_factory=set)

    @property
    def entered_count(self) -> int:
        return len(self.entered)

    @property
    def median_days(self) -> Decimal | None:
        return half_up(median(self.durations), 1)

    @property
    def p90_days(self) -> Decimal | None:
        return half_up(p90(self.durations), 1)

    @property
    def returned_share(self) -> Decimal | None:
        return percent(len(self.returned), len(self.entered))

    @property
    def lost_share(self) -> Decimal | None:
        return percent(len(self.lost), len(self.entered))

    def add(self, deal_id: int, days: Decimal, returned: bool, lost: bool) -> None:
        self.entered.add(deal_id)
        self.durations.append(days)
        if returned:
            self.returned.add(deal_id)
        if lost:
            self.lost.add(deal_id)


@dataclass
class Bottlenecks:
    period: Period
    stages: list[StageFigures]  # every open stage of the kinds, in the kinds' order
    managers: dict[int, list[StageFigures]]  # stage id -> one per manager, by name
    by_manager: bool = False

    def stage(self, stage_id: int) -> StageFigures:
        return next(s for s in self.stages if s.stage_id == stage_id)


def _history_in_scope(*, user, since, kind, department, manager):
    """The stage history the user may see of deals of kinds with stages, from `since` on.

    A stay that begins in the period ends at the deal's next transition, which is later
    still, so the rows from the period's first day on are all the report needs: one plain
    range scan, no subquery per deal."""
    found = (
        visible(StageTransition.objects.all(), user)
        .filter(at__gte=since)
        .exclude(deal__kind__process_type=ProcessType.NON_PROCESS)
    )
    if kind is not None:
        found = found.filter(deal__kind=kind)
    if department is not None:
        found = found.filter(deal__manager__department=department)
    if manager is not None:
        found = found.filter(deal__manager=manager)
    return found


def bottlenecks(
    *,
    user,
    period: Period,
    kind: DealKind | None = None,
    department: Department | None = None,
    manager: User | None = None,
    by_manager: bool = False,
    compared: Period | None = None,
    now: datetime.datetime | None = None,
) -> Bottlenecks:
    """Time in stage, returns and losses of the stays that began in `period`, for the deals
    `user` may see (`compared` is not used: the report has no comparison). One query for
    the history, one for the stages, one for the managers' names."""
    first, after = period.bounds()
    now = now or timezone.now()
    kinds = DealKind.objects.exclude(process_type=ProcessType.NON_PROCESS)
    if kind is not None:
        kinds = kinds.filter(pk=kind.pk)
    stages = {
        s.pk: s
        for s in Stage.objects.filter(kind__in=kinds)
        .select_related("kind")
        .order_by("kind__name", "kind_id", "position", "id")
    }
    history = (
        _history_in_scope(user=user, since=first, kind=kind, department=department, manager=manager)
        .order_by("deal_id", "at", "id")
        .values_list("deal_id", "deal__manager_id", "action", "to_stage_id", "at")
    )
    totals = {
        pk: StageFigures(kind=str(s.kind), stage_id=pk, stage=str(s))
        for pk, s in stages.items()
        if s.outcome == StageOutcome.OPEN
    }
    per_manager: dict[tuple[int, int], StageFigures] = {}
    steps_of: dict[int, list] = defaultdict(list)
    for row in history:
        steps_of[row[0]].append(row)
    for deal_id, steps in steps_of.items():
        for index, (_deal, manager_id, _action, stage_id, at) in enumerate(steps):
            if stage_id not in totals or not (first <= at < after):
                continue
            following = steps[index + 1] if index + 1 < len(steps) else None
            left = following[4] if following else now
            days = Decimal((left - at).total_seconds()) / DAY
            target = stages.get(following[3]) if following else None
            returned = (
                target is not None
                and target.outcome == StageOutcome.OPEN
                and target.position < stages[stage_id].position
            )
            lost = following is not None and following[2] == DealAction.LOST
            totals[stage_id].add(deal_id, days, returned, lost)
            if by_manager:
                key = (stage_id, manager_id)
                if key not in per_manager:
                    per_manager[key] = StageFigures(
                        kind=totals[stage_id].kind,
                        stage_id=stage_id,
                        stage=totals[stage_id].stage,
                        manager_id=manager_id,
                    )
                per_manager[key].add(deal_id, days, returned, lost)
    managers: dict[int, list[StageFigures]] = defaultdict(list)
    if per_manager:
        names = {u.pk: str(u) for u in User.objects.filter(pk__in={k[1] for k in per_manager})}
        for (stage_id, manager_id), figures in per_manager.items():
            figures.manager = names.get(manager_id, "")
            managers[stage_id].append(figures)
        for rows in managers.values():
            rows.sort(key=lambda f: (f.manager, f.manager_id))
    return Bottlenecks(
        period=period, stages=list(totals.values()), managers=dict(managers), by_manager=by_manager
    )


def _row(figures: StageFigures, level: int) -> dict:
    return {
        "kind": figures.kind,
        "stage": figures.stage,
        "manager": figures.manager,
        "entered": figures.entered_count,
        "median_days": figures.median_days,
        "p90_days": figures.p90_days,
        "returned": figures.returned_share,
        "lost": figures.lost_share,
        "_level": level,
    }


def bottlenecks_table(result: Bottlenecks) -> ReportTable:
    columns = [
        ReportColumn("kind", _("Deal kind")),
        ReportColumn("stage", _("Stage")),
        ReportColumn("manager", _("Manager")),
        ReportColumn("entered", _("Deals entered"), Kind.INT),
        ReportColumn("median_days", _("Median time in stage, days"), Kind.DAYS),
        ReportColumn("p90_days", _("90th percentile, days"), Kind.DAYS),
        ReportColumn("returned", _("Went back, %"), Kind.PERCENT),
        ReportColumn("lost", _("Lost at the stage, %"), Kind.PERCENT),
    ]
    rows = []
    for stage in result.stages:
        if result.by_manager:
            rows += [_row(figures, 0) for figures in result.managers.get(stage.stage_id, [])]
        rows.append(_row(stage, 1 if result.by_manager else 0))
    return ReportTable(columns=columns, rows=rows)


def bottlenecks_chart(result: Bottlenecks) -> dict | None:
    """Horizontal bars of the stages where deals wait longest (median and p90), longest
    first, at most fifteen."""
    waiting = [s for s in result.stages if s.durations]
    if not waiting:
        return None
    waiting.sort(key=lambda s: (-s.median_days, s.kind, s.stage))
    waiting = waiting[:15]
    return {
        "kind": "hbars",
        "title": _("Where deals wait longest"),
        "labels": [f"{s.kind}: {s.stage}" for s in waiting],
        "series": [
            {"name": _("Median"), "values": [float(s.median_days) for s in waiting]},
            {"name": _("90th percentile"), "values": [float(s.p90_days) for s in waiting]},
        ],
        "unit": "days",
    }
