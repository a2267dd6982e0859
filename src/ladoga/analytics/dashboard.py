"""The home page's blocks: what each role needs to see first (issue 12.7).

Each block is a name, a title, the roles it is for, a template and a function that reads
its figures for the user through record-level access. The page lists the user's blocks;
each one loads on its own (`/dashboard/blocks/<name>/`, htmx), so a slow block never holds
the page, and each links to the full list behind it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import HUEY

from ladoga.accounts.roles import Role
from ladoga.claims.models import ClaimStatus
from ladoga.claims.queries import claims_visible_to
from ladoga.core.backup_log import last_backup
from ladoga.core.numbers import change_percent, money
from ladoga.core.periods import Period
from ladoga.deals import reports as deal_reports
from ladoga.deals.models import AlertSignal, DealStatus
from ladoga.deals.queries import deals_visible_to
from ladoga.interactions.models import Reminder
from ladoga.interactions.queries import my_tasks, unprocessed_visible_to

from .managers import managers_compare
from .monitoring import monitoring_summary
from .strategy import clients_past_norm

ROWS = 6
STAFF = frozenset({Role.ADMIN, Role.HEAD, Role.MANAGER, Role.CLAIMS})
SALES = frozenset({Role.ADMIN, Role.HEAD, Role.MANAGER})
LEADS = frozenset({Role.ADMIN, Role.HEAD})


@dataclass(frozen=True)
class Block:
    name: str
    title: object
    roles: frozenset
    template: str
    read: Callable[..., dict]
    link: str  # the URL name of the full list behind the block
    wide: bool = False
    link_args: tuple = ()

    def url(self) -> str:
        return reverse(self.link, args=self.link_args)


def _tasks(user, today: datetime.date) -> dict:
    """My open tasks due today or already overdue; the overdue first."""
    due = my_tasks(user=user).filter(due_date__lte=today)
    counts = due.aggregate(
        overdue=Count("id", filter=Q(due_date__lt=today)),
        due_today=Count("id", filter=Q(due_date=today)),
    )
    return {**counts, "rows": list(due[:ROWS]), "today_date": today}


def _reminders(user, today: datetime.date) -> dict:
    """My reminders of the next seven days that are not finished yet, soonest first."""
    now = timezone.now()
    found = (
        Reminder.objects.filter(
            user=user,
            done=False,
            interaction__start__gte=now,
            remind_at__lt=now + datetime.timedelta(days=7),
        )
        .select_related("interaction", "interaction__partner")
        .order_by("interaction__start", "id")
    )
    return {"rows": list(found[:ROWS])}


def _unprocessed(user, today: datetime.date) -> dict:
    """The interactions waiting for my review (A5), oldest first."""
    found = unprocessed_visible_to(user=user, responsible=user.pk).select_related("partner")
    return {"count": found.count(), "rows": list(found[:ROWS])}


def _stage_rows(deals) -> list[dict]:
    rows = list(
        deals.filter(stage__isnull=False)
        .values("stage__kind__name", "stage__name", "stage__position", "stage__kind_id")
        .annotate(
            deals=Count("id"),
            total=Sum("amount"),
            weighted=Sum(
                F("amount") * deal_reports.probability_expression() / 100,
                output_field=deal_reports.MONEY,
            ),
        )
        .order_by("stage__kind__name", "stage__kind_id", "stage__position")
    )
    top = max((row["total"] or Decimal(0) for row in rows), default=Decimal(0))
    for row in rows:
        row["amount"] = money(row.pop("total") or 0)
        row["weighted"] = money(row["weighted"] or 0)
        row["share"] = int(row["amount"] * 100 / top) if top else 0
    return rows


def _pipeline_of(deals) -> dict:
    rows = _stage_rows(deals.filter(status=DealStatus.IN_PROGRESS, currency="RUB"))
    return {
        "rows": rows,
        "deals": sum(r["deals"] for r in rows),
        "amount": sum((r["amount"] for r in rows), Decimal("0.00")),
        "weighted": sum((r["weighted"] for r in rows), Decimal("0.00")),
    }


def _pipeline(user, today: datetime.date) -> dict:
    """My deals in progress (in roubles) by stage: how many, for how much, and weighted by
    each deal's probability (D9)."""
    return _pipeline_of(deals_visible_to(user=user).filter(manager=user))


def _department_pipeline(user, today: datetime.date) -> dict:
    """Every deal in progress the user may see (a head: the department's), by stage."""
    return _pipeline_of(deals_visible_to(user=user))


def _funnel(user, today: datetime.date) -> dict:
    """The sales funnel of the last 90 days for the first strict kind (A1)."""
    kind = deal_reports.default_kind()
    if kind is None:
        return {"report": None}
    report = deal_reports.funnel(
        user=user, kind=kind, date_from=today - datetime.timedelta(days=89), date_to=today
    )
    top = max((row.reached for row in report.rows), default=0)
    rows = [
        {
            "name": row.name,
            "reached": row.reached,
            "conversion": row.conversion,
            "share": int(row.reached * 100 / top) if top else 0,
        }
        for row in report.rows
    ]
    return {"report": report, "rows": rows, "kind": kind}


def _claims(user, today: datetime.date) -> dict:
    """Open claims (not resolved or closed) by status, and the oldest ones."""
    found = claims_visible_to(user=user).filter(
        status__in=[ClaimStatus.REGISTERED, ClaimStatus.INVESTIGATING]
    )
    counts = found.aggregate(
        registered=Count("id", filter=Q(status=ClaimStatus.REGISTERED)),
        investigating=Count("id", filter=Q(status=ClaimStatus.INVESTIGATING)),
    )
    oldest = found.select_related("partner").order_by("date", "id")[:ROWS]
    return {**counts, "total": counts["registered"] + counts["investigating"], "rows": list(oldest)}


def _past_norm(user, today: datetime.date) -> dict:
    """The clients past their contact norm (A10) that the user may see, most overdue first."""
    rows = sorted(clients_past_norm(user=user, on=today), key=lambda r: -r.days_overdue)
    return {"count": len(rows), "rows": rows[:ROWS]}


def _stalled(user, today: datetime.date) -> dict:
    """Deals that wait (A11): stalled, past a stage norm, with overdue tasks, past close."""
    summary = monitoring_summary(deals_visible_to(user=user), on=today, rows=ROWS)
    return {
        "count": summary.total,
        "signals": [(AlertSignal(code).label, n) for code, n in summary.counts.items() if n],
        "rows": summary.top,
    }


# The head's headline figures, all from the one deals measure (two indexed queries per
# period), so the block stays fast on years of history; activity counts are in the full
# comparison.
TOP_INDICATORS = ("deals_opened", "deals_won", "won_amount", "win_rate")


def _managers(user, today: datetime.date) -> dict:
    """The department's (or company's) top indicators of the last 30 days against the 30
    days before (A6), from the manager comparison."""
    period = Period.of(end=today, default_days=30)
    result = managers_compare(
        user=user, period=period, compared=period.previous(), indicators=TOP_INDICATORS
    )
    total = result.company
    rows = [
        {
            "title": indicator.title,
            "kind": str(indicator.kind),
            "now": total.now.get(indicator.code),
            "then": total.then.get(indicator.code),
            "change": change_percent(total.now.get(indicator.code), total.then.get(indicator.code)),
            "good": indicator.good,
        }
        for indicator in result.indicators
    ]
    return {"rows": rows, "period": period, "compared": result.compared}


def _queue(user, today: datetime.date) -> dict:
    """The background worker's queue: tasks waiting and tasks scheduled for later."""
    return {"pending": HUEY.pending_count(), "scheduled": HUEY.scheduled_count()}


def _backup(user, today: datetime.date) -> dict:
    return {"last": last_backup()}


BLOCKS = [
    Block(
        "tasks",
        _("My tasks for today"),
        STAFF,
        "analytics/blocks/tasks.html",
        _tasks,
        "deals:tasks",
    ),
    Block(
        "reminders",
        _("Reminders"),
        STAFF,
        "analytics/blocks/reminders.html",
        _reminders,
        "interactions:calendar",
    ),
    Block(
        "unprocessed",
        _("Waiting for my review"),
        SALES,
        "analytics/blocks/unprocessed.html",
        _unprocessed,
        "interactions:unprocessed",
    ),
    Block(
        "pipeline",
        _("My weighted pipeline"),
        frozenset({Role.MANAGER}),
        "analytics/blocks/pipeline.html",
        _pipeline,
        "deals:list",
        wide=True,
    ),
    Block(
        "department-pipeline",
        _("Pipeline by stage"),
        LEADS,
        "analytics/blocks/pipeline.html",
        _department_pipeline,
        "deals:list",
        wide=True,
    ),
    Block(
        "funnel",
        _("Sales funnel, 90 days"),
        LEADS,
        "analytics/blocks/funnel.html",
        _funnel,
        "deals:report_funnel",
    ),
    Block(
        "norms",
        _("Clients past their contact norm"),
        SALES,
        "analytics/blocks/norms.html",
        _past_norm,
        "analytics:report",
        link_args=("contact-norms-overdue",),
    ),
    Block(
        "managers",
        _("Managers, 30 days"),
        LEADS,
        "analytics/blocks/managers.html",
        _managers,
        "analytics:report",
        link_args=("manager-comparison",),
        wide=True,
    ),
    Block(
        "stalled",
        _("Deals that wait"),
        LEADS,
        "analytics/blocks/stalled.html",
        _stalled,
        "analytics:report",
        link_args=("deal-monitoring",),
    ),
    Block(
        "claims",
        _("Open claims"),
        frozenset({Role.ADMIN, Role.HEAD, Role.CLAIMS}),
        "analytics/blocks/claims.html",
        _claims,
        "claims:list",
    ),
    Block(
        "queue",
        _("Background queue"),
        frozenset({Role.ADMIN}),
        "analytics/blocks/queue.html",
        _queue,
        "admin:index",
    ),
    Block(
        "backup",
        _("Last backup"),
        frozenset({Role.ADMIN}),
        "analytics/blocks/backup.html",
        _backup,
        "admin:index",
    ),
]


def blocks_for(user) -> list[Block]:
    return [block for block in BLOCKS if user.role in block.roles]


def block_for(user, name: str) -> Block | None:
    return next((block for block in blocks_for(user) if block.name == name), None)


def block_context(block: Block, *, user, today: datetime.date | None = None) -> dict:
    return {"block": block, **block.read(user, today or timezone.localdate())}
