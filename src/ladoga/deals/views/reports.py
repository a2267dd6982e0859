"""The old report addresses (A1, A2, A4): the generic report page shows every report now
(analytics, `/reports/<name>/`); these keep bookmarks and links working."""

from django.shortcuts import redirect
from django.urls import reverse


def _to_report(request, name: str):
    query = request.GET.urlencode()
    return redirect(reverse("analytics:report", args=[name]) + (f"?{query}" if query else ""))


def report_funnel(request):
    return _to_report(request, "funnel")


def report_efficiency(request):
    return _to_report(request, "deal-efficiency")


def report_forecast(request):
    return _to_report(request, "weighted-forecast")
