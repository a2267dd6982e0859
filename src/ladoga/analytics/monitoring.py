"""Deal monitoring (A11): what needs a manager's attention in open deals.

Four signals, each due on a day and overdue from the day after:
- stalled: neither a stage move nor an interaction about the deal for the kind's
  `stall_days` (due `stall_days` after the later of the two);
- stage past its norm: in the current stage longer than the stage's `norm_days`;
- overdue task: an open task of the deal past its due date;
- past the expected close date.
A manager sees their own deals, a head their departments', an administrator all.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.access import visible
from ladoga.core.reports import Kind, ReportColumn, ReportTable
from ladoga.deals.models import AlertSignal, Deal, DealKind, DealStatus, Stage
from ladoga.interactions.models import Interaction, Task, TaskStatus

from .people import managers_checked
from .strategy import day_end

DEAL_SUBJECT = Deal._meta.label_lower
SIGNAL_ORDER = list(AlertSignal.values)
ID_BATCH = 500


@dataclass(frozen=True)
class MonitoringLine:
    signal: str  # an AlertSignal value
    deal_id: int
    deal_number: str
    deal_name: str
    partner_name: str
    manager_id: int
    manager_name: str
    detail: str  # the stage, the task…
    due_on: datetime.date
    days_overdue: int
    key: str  # names the occurrence, so it is notified once

    @property
    def url(self) -> str:
        return reverse("deals:detail", args=[self.deal_id])

    @property
    def signal_label(self) -> str:
        return str(AlertSignal(self.signal).label)


@dataclass
class Monitoring:
    on: datetime.date
    lines: list[MonitoringLine] = field(default_factory=list)

    def count(self, signal: str) -> int:
        return sum(1 for line in self.lines if line.signal == signal)


def _line(deal: Deal, signal: str, detail: str, due_on, on, key: str) -> MonitoringLine:
    return MonitoringLine(
        signal=signal,
        deal_id=deal.pk,
        deal_number=deal.number,
        deal_name=deal.name,
        partner_name=deal.partner.name,
        manager_id=deal.manager_id,
        manager_name=deal.manager.get_full_name() or deal.manager.username,
        detail=detail,
        due_on=due_on,
        days_overdue=(on - due_on).days,
        key=key[:64],
    )


def _signal_parts(deals: QuerySet[Deal], on: datetime.date) -> dict[str, list[QuerySet]]:
    """Per signal, the reads that find the open deals of `deals` with a line on `on` (for
    overdue tasks: the tasks), each from an index of its own. Each part is the exact
    negation of "no line" for its signal; the parts of one signal are disjoint (one per
    kind, one per stage)."""
    end = day_end(on)

    def before(days: int) -> datetime.datetime:
        return day_end(on - datetime.timedelta(days=days + 1))

    still_open = deals.filter(status=DealStatus.IN_PROGRESS).order_by()
    stalled = []
    for kind_id, days in DealKind.objects.filter(stall_days__gt=0).values_list("pk", "stall_days"):
        quiet_since = before(days)
        stalled.append(  # deal_open_by_kind_entry
            still_open.filter(kind_id=kind_id, stage_entered_at__lt=quiet_since).exclude(
                Exists(
                    Interaction.objects.filter(
                        subject_type=DEAL_SUBJECT,
                        subject_id=OuterRef("pk"),
                        start__gte=quiet_since,
                        start__lt=end,
                    )
                )
            )
        )
    norms = Stage.objects.filter(norm_days__gt=0).values_list("pk", "norm_days")
    return {
        AlertSignal.STALLED: stalled,
        AlertSignal.STAGE_NORM: [  # deal_open_by_stage_entry
            still_open.filter(stage_id=stage_id, stage_entered_at__lt=before(days))
            for stage_id, days in norms
        ],
        AlertSignal.TASK_OVERDUE: [  # task_open_by_subject_due
            Task.objects.filter(
                status=TaskStatus.OPEN,
                subject_type=DEAL_SUBJECT,
                due_date__lt=on,
                subject_id__in=still_open.values("pk"),
            ).order_by()
        ],
        AlertSignal.CLOSE_DATE: [still_open.filter(expected_close_date__lt=on)],
    }


def _may_need_attention(on: datetime.date) -> QuerySet:
    """The ids of the open deals that can give a line on `on`, as one UNION ALL of small
    reads: most open deals need nothing, and loading them all to find out is what made
    monitoring slow at scale."""
    parts = _signal_parts(Deal.objects.all(), on)
    ids = [
        part.values("subject_id" if signal == AlertSignal.TASK_OVERDUE else "pk")
        for signal, signal_parts in parts.items()
        for part in signal_parts
    ]
    first, *rest = ids
    return first.union(*rest, all=True)


def _last_interaction(end: datetime.datetime) -> Subquery:
    return Subquery(
        Interaction.objects.filter(
            subject_type=DEAL_SUBJECT, subject_id=OuterRef("pk"), start__lt=end
        )
        .order_by("-start")
        .values("start")[:1]
    )


def _lines_of(open_deals: QuerySet[Deal], on: datetime.date) -> list[MonitoringLine]:
    """Every line of `open_deals` on `on`, most urgent signal first."""
    open_deals = (
        open_deals.filter(status=DealStatus.IN_PROGRESS)
        .select_related("kind", "stage", "partner", "manager")
        .annotate(last_interaction=_last_interaction(day_end(on)))
        .order_by()  # the lines are sorted below; an order here made SQLite scan every deal
    )
    lines: list[MonitoringLine] = []
    by_id: dict[int, Deal] = {}
    for deal in open_deals:
        by_id[deal.pk] = deal
        entered = timezone.localdate(deal.stage_entered_at)
        if deal.kind.stall_days:
            moved = entered
            if deal.last_interaction is not None:
                moved = max(moved, timezone.localdate(deal.last_interaction))
            due = moved + datetime.timedelta(days=deal.kind.stall_days)
            if on > due:
                detail = _("No stage move and no interaction since %(day)s") % {
                    "day": moved.isoformat()
                }
                lines.append(
                    _line(deal, AlertSignal.STALLED, str(detail), due, on, moved.isoformat())
                )
        if deal.stage is not None and deal.stage.norm_days:
            due = entered + datetime.timedelta(days=deal.stage.norm_days)
            if on > due:
                key = f"{deal.stage_id}:{deal.stage_entered_at.timestamp():.0f}"
                lines.append(_line(deal, AlertSignal.STAGE_NORM, deal.stage.name, due, on, key))
        if deal.expected_close_date and on > deal.expected_close_date:
            lines.append(
                _line(
                    deal,
                    AlertSignal.CLOSE_DATE,
                    deal.expected_close_date.isoformat(),
                    deal.expected_close_date,
                    on,
                    deal.expected_close_date.isoformat(),
                )
            )
    ids = sorted(by_id)
    for start in range(0, len(ids), ID_BATCH):  # the deals already read, not their query again
        tasks = Task.objects.filter(
            status=TaskStatus.OPEN,
            subject_type=DEAL_SUBJECT,
            subject_id__in=ids[start : start + ID_BATCH],
            due_date__lt=on,
        )
        for task in tasks.only("pk", "title", "due_date", "subject_id"):
            lines.append(
                _line(
                    by_id[task.subject_id],
                    AlertSignal.TASK_OVERDUE,
                    task.title,
                    task.due_date,
                    on,
                    f"{task.pk}",
                )
            )
    lines.sort(key=lambda x: (SIGNAL_ORDER.index(x.signal), -x.days_overdue, x.deal_number, x.key))
    return lines


def monitoring_lines(deals: QuerySet[Deal], *, on: datetime.date) -> Monitoring:
    """The monitoring of `deals` (only the open ones count) on day `on`: the deals that may
    need attention are found by the database, then each signal is checked here."""
    return Monitoring(on=on, lines=_lines_of(deals.filter(pk__in=_may_need_attention(on)), on))


@dataclass
class MonitoringSummary:
    """The head of the monitoring: the number of lines per signal, and the most overdue."""

    counts: dict[str, int]
    top: list[MonitoringLine]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _one_statement(selects: list[QuerySet], template: str, joiner: str) -> tuple[str, list]:
    """The SQL of several reads as one statement, each put into `template` (with {sql} and
    {n}, the read's place): a dozen small reads cost a dozen round trips otherwise, which
    is what the dashboard's block spent most of its time on."""
    sqls, params = [], []
    for n, select in enumerate(selects):
        sql, select_params = select.query.sql_with_params()
        sqls.append(template.format(sql=sql, n=n))
        params.extend(select_params)
    return joiner.join(sqls), params


def monitoring_summary(deals: QuerySet[Deal], *, on: datetime.date, rows: int) -> MonitoringSummary:
    """What `monitoring_lines(deals, on=on)` would give, counted by the database, and its
    `rows` most overdue lines (ties in any order), without building a line for every deal:
    the most overdue lines of each part are among the lines of the `rows` deals that are
    most overdue in that part, so only those deals' lines are built. Every part is counted
    in one statement and its candidates read in another."""
    end = day_end(on)
    parts = _signal_parts(deals, on)
    signals = [signal for signal, signal_parts in parts.items() for _part in signal_parts]
    entered = F("stage_entered_at")
    first_of = {
        AlertSignal.STALLED: lambda part: part.annotate(
            moved=Greatest(entered, Coalesce(_last_interaction(end), entered))
        ).order_by("moved"),
        AlertSignal.STAGE_NORM: lambda part: part.order_by("stage_entered_at"),
        AlertSignal.TASK_OVERDUE: lambda part: part.order_by("due_date"),
        AlertSignal.CLOSE_DATE: lambda part: part.order_by("expected_close_date"),
    }
    deal_of = {AlertSignal.TASK_OVERDUE: F("subject_id")}
    all_parts = [part for signal_parts in parts.values() for part in signal_parts]
    tops = [
        first_of[signal](part).values(ident=deal_of.get(signal, F("pk")))[:rows]
        for signal, part in zip(signals, all_parts, strict=True)
    ]
    counts = dict.fromkeys(parts, 0)
    candidates: set[int] = set()
    if all_parts:
        with connection.cursor() as cursor:
            sql, params = _one_statement(
                [part.values("pk") for part in all_parts],
                "(SELECT COUNT(*) FROM ({sql}) c{n})",
                ", ",
            )
            cursor.execute(f"SELECT {sql}", params)
            for signal, count in zip(signals, cursor.fetchone(), strict=True):
                counts[signal] += count
            sql, params = _one_statement(tops, "SELECT ident FROM ({sql}) t{n}", " UNION ALL ")
            cursor.execute(sql, params)
            candidates = {ident for (ident,) in cursor.fetchall()}
    lines = _lines_of(Deal.objects.filter(pk__in=candidates), on) if candidates else []
    lines.sort(key=lambda line: -line.days_overdue)
    return MonitoringSummary(counts=counts, top=lines[:rows])


def deal_monitoring(*, user, on: datetime.date, manager_ids: list[int] | None = None) -> Monitoring:
    """The monitoring of the open deals `user` may see, optionally of `manager_ids` only
    (Http404 when one of them is outside what `user` sees)."""
    managers = managers_checked(user=user, manager_ids=manager_ids)
    deals = visible(Deal.objects.all(), user)
    if managers is not None:
        deals = deals.filter(manager_id__in=managers)
    return monitoring_lines(deals, on=on)


def monitoring_report(*, user, on=None, manager=None) -> Monitoring:
    return deal_monitoring(
        user=user, on=on or timezone.localdate(), manager_ids=[manager.pk] if manager else None
    )


def monitoring_table(result: Monitoring) -> ReportTable:
    columns = [
        ReportColumn("signal", _("Signal")),
        ReportColumn("deal", _("Deal")),
        ReportColumn("partner", _("Client")),
        ReportColumn("manager", _("Manager")),
        ReportColumn("detail", _("Details")),
        ReportColumn("due_on", _("Due"), Kind.DATE),
        ReportColumn("days_overdue", _("Days overdue"), Kind.INT),
    ]
    rows = [
        {
            "signal": line.signal_label,
            "deal": f"{line.deal_number} {line.deal_name}",
            "partner": line.partner_name,
            "manager": line.manager_name,
            "detail": line.detail,
            "due_on": line.due_on,
            "days_overdue": line.days_overdue,
            "_url": line.url,
        }
        for line in result.lines
    ]
    totals = [
        {"signal": AlertSignal(signal).label, "deal": result.count(signal), "_level": 1}
        for signal in SIGNAL_ORDER
    ]
    return ReportTable(columns=columns, rows=rows, totals=totals)


def monitoring_chart(result: Monitoring) -> dict | None:
    if not result.lines:
        return None
    return {
        "kind": "bars",
        "title": str(_("Deals needing attention")),
        "labels": [str(AlertSignal(signal).label) for signal in SIGNAL_ORDER],
        "series": [{"name": str(_("Lines")), "values": [result.count(s) for s in SIGNAL_ORDER]}],
        "unit": "count",
    }
