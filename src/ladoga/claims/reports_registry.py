"""The claim reports (C5) in the report registry (core.reports): dynamics, satisfaction
and structure. The figures are computed by `reports`; this module gives each its
filters, table and chart."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.models import Department
from ladoga.accounts.queries import departments_visible_to
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
from .queries import reasons_visible_to


class ClaimReportFilters(ReportForm):
    """The period (the last twelve months when empty), the culprit department and the
    reason."""

    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    department = RecordFilter(
        label=_("Culprit department"), queryset=Department.objects.none(), required=False
    )
    reason = RecordFilter(label=_("Reason"), queryset=Department.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_visible_to(user=self.user)
        self.fields["reason"].queryset = reasons_visible_to(user=self.user)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_from", gettext("The period starts after it ends."))
        return data


def _run(function):
    def run(*, user, date_from=None, date_to=None, department=None, reason=None):
        return function(
            user=user,
            date_from=date_from,
            date_to=date_to,
            department=department.pk if department else None,
            reason=reason.pk if reason else None,
        )

    return run


def dynamics_table(result: reports.DynamicsReport) -> ReportTable:
    def row(r, level=0):
        found = {
            "month": f"{r.month:%Y-%m}",
            "department": r.department,
            "registered": r.registered,
            "resolved": r.resolved,
            "open": r.open,
        }
        return {**found, "_level": level} if level else found

    return ReportTable(
        columns=[
            ReportColumn("month", _("Month")),
            ReportColumn("department", _("Department")),
            ReportColumn("registered", _("Registered"), Kind.INT, "down"),
            ReportColumn("resolved", _("Resolved"), Kind.INT, "up"),
            ReportColumn("open", _("Open"), Kind.INT, "down"),
        ],
        rows=[row(r) for r in result.rows],
        totals=[row(r, 1) for r in result.totals]
        if any(r.registered or r.resolved or r.open for r in result.totals)
        else [],
    )


def dynamics_chart(result: reports.DynamicsReport) -> dict:
    totals = result.totals
    return {
        "kind": "lines",
        "title": gettext("Claims registered, resolved and open by month"),
        "labels": [date_format(r.month, "M y") for r in totals],
        "series": [
            {"name": gettext("Registered"), "values": [r.registered for r in totals]},
            {"name": gettext("Resolved"), "values": [r.resolved for r in totals]},
            {"name": gettext("Open at the month's end"), "values": [r.open for r in totals]},
        ],
        "unit": "count",
    }


def satisfaction_table(result: reports.SatisfactionReport) -> ReportTable:
    def row(r, level=0):
        found = {
            "reason": r.reason,
            "total": r.total,
            "satisfied": r.satisfied,
            "partly": r.partly,
            "rejected": r.rejected,
            "satisfied_share": r.satisfied_share,
            "partly_share": r.partly_share,
            "rejected_share": r.rejected_share,
        }
        return {**found, "_level": level} if level else found

    return ReportTable(
        columns=[
            ReportColumn("reason", _("Reason")),
            ReportColumn("total", _("Resolved"), Kind.INT),
            ReportColumn("satisfied", _("Satisfied"), Kind.INT),
            ReportColumn("partly", _("Partly satisfied"), Kind.INT),
            ReportColumn("rejected", _("Rejected"), Kind.INT),
            ReportColumn("satisfied_share", _("Satisfied, %"), Kind.PERCENT),
            ReportColumn("partly_share", _("Partly satisfied, %"), Kind.PERCENT),
            ReportColumn("rejected_share", _("Rejected, %"), Kind.PERCENT),
        ],
        rows=[row(r) for r in result.rows],
        totals=[row(result.total, 2)] if result.rows else [],
    )


def satisfaction_chart(result: reports.SatisfactionReport) -> dict:
    rows = result.rows
    return {
        "kind": "stacked",
        "title": gettext("How resolved claims ended, by reason"),
        "labels": [r.reason for r in rows],
        "series": [
            {"name": gettext("Satisfied"), "values": [r.satisfied for r in rows]},
            {"name": gettext("Partly satisfied"), "values": [r.partly for r in rows]},
            {"name": gettext("Rejected"), "values": [r.rejected for r in rows]},
        ],
        "unit": "count",
    }


def _reason_key(reason_id) -> str:
    return f"reason_{reason_id if reason_id is not None else 'none'}"


def structure_table(result: reports.StructureReport) -> ReportTable:
    columns = [
        ReportColumn("department", _("Department")),
        *(ReportColumn(_reason_key(r_id), name, Kind.INT) for r_id, name in result.reasons),
        ReportColumn("total", _("Total"), Kind.INT),
    ]
    rows = [
        {
            "department": row["name"],
            **{
                _reason_key(r_id): n
                for (r_id, _name), n in zip(result.reasons, row["cells"], strict=True)
            },
            "total": row["total"],
        }
        for row in result.matrix()
    ]
    totals = [
        {
            "department": gettext("Total"),
            **{_reason_key(r_id): result.reason_total(r_id) for r_id, _n in result.reasons},
            "total": result.total,
            "_level": 2,
        }
    ]
    return ReportTable(columns=columns, rows=rows, totals=totals if rows else [])


def structure_chart(result: reports.StructureReport) -> dict:
    return {
        "kind": "heat",
        "title": gettext("Claims by culprit department and reason"),
        "rows": [name for _id, name in result.departments],
        "columns": [name for _id, name in result.reasons],
        "values": [row["cells"] for row in result.matrix()],
    }


def install() -> None:
    register(
        Report(
            name="claims-dynamics",
            title=_("Claims dynamics"),
            description=_("Claims registered, resolved and open by month and culprit department."),
            section=Section.CLAIMS,
            filters=ClaimReportFilters,
            run=_run(reports.claims_dynamics),
            table=dynamics_table,
            chart=dynamics_chart,
        )
    )
    register(
        Report(
            name="claims-satisfaction",
            title=_("Claims satisfaction"),
            description=_("How resolved claims ended by reason: satisfied, partly, rejected."),
            section=Section.CLAIMS,
            filters=ClaimReportFilters,
            run=_run(reports.claims_satisfaction),
            table=satisfaction_table,
            chart=satisfaction_chart,
        )
    )
    register(
        Report(
            name="claims-structure",
            title=_("Claims structure"),
            description=_("Claims registered in the period, culprit department × reason."),
            section=Section.CLAIMS,
            filters=ClaimReportFilters,
            run=_run(reports.claims_structure),
            table=structure_table,
            chart=structure_chart,
        )
    )
