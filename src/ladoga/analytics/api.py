"""The generic reports API (SPEC A12): any registered report as JSON rows or a CSV/XLSX
download, the list of reports the caller may open, and the caller's saved filters.

Filters are the report's own query parameters, checked by the same form as the page: a
bad one is a 422 problem document naming the field; a filter naming a record the caller
may not see is a 404."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema

from ladoga.core.exports import format_check, table_response
from ladoga.core.models import ReportSettings
from ladoga.core.reports import plain, report_run, report_settings_of, reports_for
from ladoga.core.services import report_settings_save

from .reports_views import report_or_404

router = Router(tags=["reports"])


class ReportOut(Schema):
    name: str
    title: str
    description: str
    section: str


class ColumnOut(Schema):
    key: str
    title: str
    kind: str


class ReportResultOut(Schema):
    name: str
    title: str
    filters: dict[str, Any]
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]
    totals: list[dict[str, Any]]


class ReportSettingsOut(Schema):
    report: str
    filters: dict[str, Any]
    updated_at: datetime.datetime | None = None


def _row(row: dict, columns) -> dict:
    return {column.key: plain(row.get(column.key), column.kind) for column in columns}


@router.get("/reports", response=list[ReportOut])
def report_list(request: HttpRequest):
    """The registered reports the caller may open, in the order of the Reports menu."""
    return [
        {
            "name": r.name,
            "title": str(r.title),
            "description": str(r.description),
            "section": r.section.value,
        }
        for r in reports_for(request.user)
    ]


@router.get("/reports/{name}", response=ReportResultOut)
def report_get(request: HttpRequest, name: str):
    """A registered report with the filters given as query parameters (each report's
    own; see `GET /reports`); `?format=csv|xlsx` downloads its table instead."""
    report = report_or_404(request.user, name)
    data = request.GET.copy()
    fmt = data.pop("format", ["json"])[-1]
    if fmt != "json":
        format_check(fmt)
    form, result = report_run(report, user=request.user, data=data)
    table = report.table(result)
    if fmt != "json":
        return table_response(
            name=report.name,
            title=str(report.title),
            headers=table.headers(),
            rows=table.value_rows(),
            fmt=fmt,
        )
    return {
        "name": report.name,
        "title": str(report.title),
        "filters": form.filters_json(),
        "columns": [
            {"key": c.key, "title": str(c.title), "kind": c.kind.value} for c in table.columns
        ],
        "rows": [_row(r, table.columns) for r in table.rows],
        "totals": [_row(r, table.columns) for r in table.totals],
    }


def _settings_out(user, name: str) -> dict:
    report = report_or_404(user, name)
    found = ReportSettings.objects.filter(user=user, report=report.name).first()
    return {
        "report": report.name,
        "filters": report_settings_of(user=user, report=report),
        "updated_at": found.updated_at if found else None,
    }


@router.get("/reports/{name}/settings", response=ReportSettingsOut)
def report_settings_get(request: HttpRequest, name: str):
    """The caller's saved default filters of a report ({} when none)."""
    return _settings_out(request.user, name)


@router.put("/reports/{name}/settings", response=ReportSettingsOut)
def report_settings_put(request: HttpRequest, name: str, filters: Body[dict[str, Any]]):
    """Save the caller's default filters of a report; the report's form checks them
    first (422 listing each bad filter, nothing saved)."""
    report = report_or_404(request.user, name)
    report_settings_save(user=request.user, report=report, data=filters)
    return _settings_out(request.user, name)
