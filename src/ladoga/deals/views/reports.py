"""The report pages (A1, A2, A4): filters, a chart, the table, CSV/XLSX download."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _

from ladoga.core.errors import DomainError
from ladoga.core.exports import table_response

from .. import charts, reports
from ..forms import ReportFilterForm
from ._common import error_messages, staff_required

PAGES = {
    "funnel": ("deals/report_funnel.html", charts.funnel_chart, True, False),
    "deal-efficiency": ("deals/report_efficiency.html", charts.efficiency_chart, False, True),
    "weighted-forecast": ("deals/report_forecast.html", charts.forecast_chart, False, False),
}


def _report_page(request, name: str):
    template, chart, with_stages, grouping = PAGES[name]
    form = ReportFilterForm(
        request.GET or None, user=request.user, with_stages=with_stages, grouping=grouping
    )
    params = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        params = {
            "kind": data["kind"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "manager": data["manager"].pk if data["manager"] else None,
            "currency": (data["currency"] or "RUB").upper(),
        }
        if grouping and data.get("group_by"):
            params["group_by"] = data["group_by"]
    elif form.is_bound:
        messages.error(request, _("Check the filters."))
    report = None
    try:
        report = reports.REPORTS[name](user=request.user, **params)
    except DomainError as error:
        error_messages(request, error)
    fmt = request.GET.get("format")
    if report is not None and fmt:
        headers, rows = report.table()
        return table_response(
            name=name, title=str(report.title), headers=headers, rows=rows, fmt=fmt
        )
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        template,
        {
            "form": form,
            "report": report,
            "chart": chart(report.rows) if report is not None else None,
            "query": query.urlencode(),
            "report_name": name,
            "section": {"funnel": "funnel", "deal-efficiency": "efficiency"}.get(name, "forecast"),
        },
    )


@staff_required("deals.view_deal")
def report_funnel(request):
    return _report_page(request, "funnel")


@staff_required("deals.view_deal")
def report_efficiency(request):
    return _report_page(request, "deal-efficiency")


@staff_required("deals.view_deal")
def report_forecast(request):
    return _report_page(request, "weighted-forecast")
