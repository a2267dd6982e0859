"""The generic report pages (SPEC A12): the Reports menu and one page that shows any
registered report (filters, chart, table, CSV/XLSX download, saved default filters)."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.core.errors import DomainError
from ladoga.core.exports import FORMATS, table_response
from ladoga.core.formats import amount_format, number_format
from ladoga.core.reports import (
    SECTION_TITLES,
    Kind,
    Report,
    ReportTable,
    report_named,
    report_settings_of,
    reports_for,
)
from ladoga.core.services import report_settings_save
from ladoga.web.charts import chart_drawing

RIGHT_ALIGNED = {Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.NUMBER, Kind.DAYS}
NOT_FILTERS = ("format", "page")


def report_or_404(user, name: str) -> Report:
    """The registered report `name` if `user` may open it; otherwise 404."""
    report = report_named(name)
    if report is None or not report.allowed(user):
        raise Http404
    return report


def cell_text(value, kind: Kind) -> str:
    """A table cell as the page shows it, in the reader's language (`core.formats`):
    money with two decimals, percentages and averages with one, whole numbers grouped,
    dates in the locale's short format."""
    if value is None or value == "":
        return "—"
    if kind == Kind.MONEY:
        return amount_format(value)
    if kind == Kind.PERCENT:
        return number_format(value, 1)
    if kind in (Kind.NUMBER, Kind.DAYS) and isinstance(value, float | Decimal):
        return number_format(value, 1)
    if kind == Kind.INT and isinstance(value, int | Decimal):
        return number_format(value, 0)
    if isinstance(value, datetime.datetime | datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def table_view(table: ReportTable) -> dict:
    """The table as the template draws it: header cells and rows of (text, css)."""
    columns = [
        {"title": c.title, "css": "number" if c.kind in RIGHT_ALIGNED else ""}
        for c in table.columns
    ]

    def row_view(row: dict) -> dict:
        return {
            "url": row.get("_url"),
            "level": row.get("_level", 0),
            "cells": [
                {
                    "text": cell_text(row.get(c.key), c.kind),
                    "css": "number nowrap" if c.kind in RIGHT_ALIGNED else "",
                }
                for c in table.columns
            ],
        }

    return {
        "columns": columns,
        "rows": [row_view(r) for r in table.rows],
        "totals": [{**row_view(r), "level": r.get("_level", 2)} for r in table.totals],
    }


def _filters_given(query: QueryDict, form_fields) -> bool:
    return any(key in form_fields for key in query)


@login_required
def report_menu(request):
    sections: dict = {}
    for report in reports_for(request.user):
        sections.setdefault(report.section, []).append(report)
    return render(
        request,
        "analytics/reports.html",
        {
            "sections": [
                {"key": key.value, "title": SECTION_TITLES[key], "reports": found}
                for key, found in sections.items()
            ]
        },
    )


@login_required
def report_page(request, name: str):
    report = report_or_404(request.user, name)
    query = request.GET.copy()
    fmt = query.pop("format", [""])[-1]
    query.pop("page", None)
    fields = report.filters(user=request.user).fields
    saved = False
    if not _filters_given(query, fields):
        stored = report_settings_of(user=request.user, report=report)
        if stored:
            query = QueryDict(mutable=True)
            for key, value in stored.items():
                query.setlist(key, value if isinstance(value, list) else [value])
            saved = True
    form = report.filters(query, user=request.user).styled()
    result = table = chart = None
    if form.is_valid():
        try:
            result = report.run(user=request.user, **form.cleaned_data)
        except DomainError as error:
            for violation in error.violations:
                field = violation.field if violation.field in form.fields else None
                form.add_error(field, str(violation.message))
    if result is not None:
        table = report.table(result)
        if fmt in FORMATS:
            return table_response(
                name=report.name,
                title=str(report.title),
                headers=table.headers(),
                rows=table.value_rows(),
                fmt=fmt,
            )
        chart = chart_drawing(report.chart(result)) if report.chart else None
    return render(
        request,
        "analytics/report.html",
        {
            "report": report,
            "form": form,
            "result": result,
            "table": table_view(table) if table is not None else None,
            "has_rows": bool(table and (table.rows or table.totals)),
            "chart": chart,
            "query": query.urlencode(),
            "filters": [(k, v) for k in query for v in query.getlist(k)],
            "saved": saved,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def report_settings_page(request, name: str):
    report = report_or_404(request.user, name)
    data = request.POST.copy()
    data.pop("csrfmiddlewaretoken", None)
    try:
        report_settings_save(user=request.user, report=report, data=data)
    except DomainError as error:
        for violation in error.violations:
            messages.error(request, str(violation.message))
        return redirect(f"{reverse('analytics:report', args=[name])}?{data.urlencode()}")
    messages.success(request, _("These filters now open the report by default."))
    return redirect(f"{reverse('analytics:report', args=[name])}?{data.urlencode()}")
