"""The deals reports (A1, A2, A4): JSON rows, or `?format=csv|xlsx` for a download. Each
counts only the deals the caller may see."""

from django.http import HttpRequest
from ninja import Query, Router

from ladoga.core.exports import format_check, table_response

from .. import reports
from ..models import DealKind
from ._common import VIEW, ref, require
from .schemas import EfficiencyOut, EfficiencyQuery, ForecastOut, FunnelOut, ReportQuery

router = Router(tags=["reports"])


def _run(request: HttpRequest, name: str, filters: ReportQuery):
    require(request, VIEW)
    params = filters.dict()
    fmt = params.pop("format")
    if fmt != "json":
        format_check(fmt)
    params["kind"] = ref(request, DealKind, params.pop("kind"), "kind")
    report = reports.REPORTS[name](user=request.user, **params)
    if fmt == "json":
        return report, None
    headers, rows = report.table()
    return report, table_response(
        name=name, title=str(report.title), headers=headers, rows=rows, fmt=fmt
    )


@router.get("/reports/funnel", response=FunnelOut)
def funnel(request: HttpRequest, filters: Query[ReportQuery]):
    """Sales funnel (A1) of a kind (default: the first strict one) for deals opened in
    the period (default: the last 365 days): reached, conversion, losses by reason."""
    report, download = _run(request, "funnel", filters)
    if download is not None:
        return download
    return {
        "kind_id": report.kind.pk,
        "date_from": report.period.date_from,
        "date_to": report.period.date_to,
        "currency": report.currency,
        "deals": report.deals,
        "rows": report.rows,
    }


@router.get("/reports/deal-efficiency", response=EfficiencyOut)
def efficiency(request: HttpRequest, filters: Query[EfficiencyQuery]):
    """Deal efficiency (A2) by manager or kind: won, lost, in progress, win rate, median
    cycle time, for deals opened in the period."""
    report, download = _run(request, "deal-efficiency", filters)
    if download is not None:
        return download
    return {
        "group_by": report.group_by,
        "date_from": report.period.date_from,
        "date_to": report.period.date_to,
        "currency": report.currency,
        "rows": report.rows,
        "total": report.total,
    }


@router.get("/reports/weighted-forecast", response=ForecastOut)
def forecast(request: HttpRequest, filters: Query[ReportQuery]):
    """Weighted forecast (A4): deals in progress by expected close month, Σ amount and
    Σ amount × probability."""
    report, download = _run(request, "weighted-forecast", filters)
    if download is not None:
        return download
    return {
        "date_from": report.period.date_from,
        "date_to": report.period.date_to,
        "currency": report.currency,
        "rows": report.rows,
        "total_amount": report.total_amount,
        "total_weighted": report.total_weighted,
    }
