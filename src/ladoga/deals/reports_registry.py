"""The deals reports in the report registry (core.reports): the funnel (A1), deal
efficiency (A2) and the weighted forecast (A4). The figures are computed by `reports`;
this module gives each its filters, table and chart."""

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.queries import people_in_scope_of
from ladoga.accounts.roles import Role
from ladoga.core.reports import (
    Kind,
    RecordFilter,
    Report,
    ReportColumn,
    ReportForm,
    ReportTable,
    Section,
    register,
)

from . import reports
from .models import DealKind, ProcessType
from .queries import kinds_visible_to


class DealReportFilters(ReportForm):
    """The period of the deals counted (the domain's own default when empty), the kind,
    the manager (only the people whose deals the user sees) and the currency."""

    with_stages = False

    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    kind = RecordFilter(label=_("Deal kind"), queryset=DealKind.objects.none(), required=False)
    manager = RecordFilter(label=_("Manager"), queryset=DealKind.objects.none(), required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = kinds_visible_to(user=self.user).order_by("name")
        if self.with_stages:
            kinds = kinds.exclude(process_type=ProcessType.NON_PROCESS)
        self.fields["kind"].queryset = kinds
        self.fields["manager"].queryset = people_in_scope_of(user=self.user).exclude(
            role__in=[Role.CLAIMS, Role.PORTAL]
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_from", gettext("The period starts after it ends."))
        return data


class FunnelFilters(DealReportFilters):
    with_stages = True


class EfficiencyFilters(DealReportFilters):
    group_by = forms.ChoiceField(
        label=_("Group by"),
        choices=[("manager", _("Manager")), ("kind", _("Deal kind"))],
        required=False,
    )


def _params(date_from=None, date_to=None, kind=None, manager=None, currency="") -> dict:
    return {
        "date_from": date_from,
        "date_to": date_to,
        "kind": kind,
        "manager": manager.pk if manager else None,
        "currency": (currency or "RUB").upper(),
    }


def funnel_run(*, user, **filters) -> reports.Funnel:
    return reports.funnel(user=user, **_params(**filters))


def efficiency_run(*, user, group_by="", **filters) -> reports.Efficiency:
    return reports.efficiency(user=user, group_by=group_by or "manager", **_params(**filters))


def forecast_run(*, user, **filters) -> reports.Forecast:
    return reports.forecast(user=user, **_params(**filters))


def funnel_table(result: reports.Funnel) -> ReportTable:
    return ReportTable(
        columns=[
            ReportColumn("stage", _("Stage")),
            ReportColumn("reached", _("Deals reached"), Kind.INT),
            ReportColumn("reached_amount", _("Amount reached"), Kind.MONEY),
            ReportColumn("conversion", _("Conversion to the next, %"), Kind.PERCENT, "up"),
            ReportColumn("lost", _("Lost at the stage"), Kind.INT),
            ReportColumn("lost_amount", _("Amount lost"), Kind.MONEY),
            ReportColumn("reasons", _("Losses by reason")),
        ],
        rows=[
            {
                "stage": row.name,
                "reached": row.reached,
                "reached_amount": row.reached_amount,
                "conversion": row.conversion,
                "lost": row.lost,
                "lost_amount": row.lost_amount,
                "reasons": "; ".join(f"{r.reason}: {r.count}" for r in row.lost_by_reason),
            }
            for row in result.rows
        ],
    )


def funnel_chart(result: reports.Funnel) -> dict:
    return {
        "kind": "hbars",
        "title": gettext("Deals that reached each stage"),
        "labels": [row.name for row in result.rows],
        "series": [
            {"name": gettext("Reached the stage"), "values": [r.reached for r in result.rows]},
            {"name": gettext("Lost at the stage"), "values": [r.lost for r in result.rows]},
        ],
        "unit": "count",
    }


def _efficiency_row(row: reports.EfficiencyRow, level: int = 0) -> dict:
    found = {
        "name": row.name,
        "won": row.won,
        "won_amount": row.won_amount,
        "lost": row.lost,
        "lost_amount": row.lost_amount,
        "in_progress": row.in_progress,
        "in_progress_amount": row.in_progress_amount,
        "win_rate": row.win_rate,
        "median_cycle_days": row.median_cycle_days,
    }
    if level:
        found["_level"] = level
    return found


def efficiency_table(result: reports.Efficiency) -> ReportTable:
    return ReportTable(
        columns=[
            ReportColumn("name", _("Manager") if result.group_by == "manager" else _("Deal kind")),
            ReportColumn("won", _("Won"), Kind.INT),
            ReportColumn("won_amount", _("Won, amount"), Kind.MONEY),
            ReportColumn("lost", _("Lost"), Kind.INT),
            ReportColumn("lost_amount", _("Lost, amount"), Kind.MONEY),
            ReportColumn("in_progress", _("In progress"), Kind.INT),
            ReportColumn("in_progress_amount", _("In progress, amount"), Kind.MONEY),
            ReportColumn("win_rate", _("Win rate, %"), Kind.PERCENT, "up"),
            ReportColumn("median_cycle_days", _("Median cycle, days"), Kind.DAYS, "down"),
        ],
        rows=[_efficiency_row(row) for row in result.rows],
        totals=[_efficiency_row(result.total, level=2)],
    )


def efficiency_chart(result: reports.Efficiency) -> dict:
    rows = result.rows
    return {
        "kind": "stacked",
        "title": gettext("Deals won, lost and in progress"),
        "labels": [row.name for row in rows],
        "series": [
            {"name": gettext("Won"), "values": [r.won for r in rows]},
            {"name": gettext("Lost"), "values": [r.lost for r in rows]},
            {"name": gettext("In progress"), "values": [r.in_progress for r in rows]},
        ],
        "unit": "count",
    }


def _month(day: datetime.date | None) -> str:
    return day.strftime("%Y-%m") if day else gettext("No date")


def forecast_table(result: reports.Forecast) -> ReportTable:
    return ReportTable(
        columns=[
            ReportColumn("month", _("Expected close month")),
            ReportColumn("deals", _("Deals"), Kind.INT),
            ReportColumn("amount", _("Amount"), Kind.MONEY),
            ReportColumn("weighted", _("Weighted amount"), Kind.MONEY),
        ],
        rows=[
            {"month": _month(r.month), "deals": r.deals, "amount": r.amount, "weighted": r.weighted}
            for r in result.rows
        ],
        totals=[
            {
                "month": gettext("Total"),
                "deals": sum(r.deals for r in result.rows),
                "amount": result.total_amount,
                "weighted": result.total_weighted,
                "_level": 2,
            }
        ]
        if result.rows
        else [],
    )


def forecast_chart(result: reports.Forecast) -> dict:
    dated = [r for r in result.rows if r.month is not None]
    return {
        "kind": "bars",
        "title": gettext("Amount and weighted amount by expected close month"),
        "labels": [date_format(r.month, "M Y") for r in dated],
        "series": [
            {"name": gettext("Amount"), "values": [r.amount for r in dated]},
            {"name": gettext("Weighted amount"), "values": [r.weighted for r in dated]},
        ],
        "unit": "money",
    }


def install() -> None:
    register(
        Report(
            name="funnel",
            title=_("Sales funnel"),
            description=_(
                "Deals opened in the period: how many reached each stage, went on, or were "
                "lost and why."
            ),
            section=Section.DEALS,
            filters=FunnelFilters,
            run=funnel_run,
            table=funnel_table,
            chart=funnel_chart,
        )
    )
    register(
        Report(
            name="deal-efficiency",
            title=_("Deal efficiency"),
            description=_(
                "Won, lost and in progress by manager or deal kind, the win rate and the "
                "median cycle."
            ),
            section=Section.DEALS,
            filters=EfficiencyFilters,
            run=efficiency_run,
            table=efficiency_table,
            chart=efficiency_chart,
        )
    )
    register(
        Report(
            name="weighted-forecast",
            title=_("Weighted forecast"),
            description=_(
                "Deals in progress by expected close month: amount and amount × probability."
            ),
            section=Section.DEALS,
            filters=DealReportFilters,
            run=forecast_run,
            table=forecast_table,
            chart=forecast_chart,
        )
    )
