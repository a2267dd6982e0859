"""Pages of deal monitoring (A11), clients past their contact norm (A10) and the client
dossier (A9). The report pages are simple until the generic report pages take them over."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from ladoga.core.reports import report_named, staff

from .dossier import dossier_chart, dossier_of
from .dossier_pdf import dossier_pdf


def staff_only(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _report_page(request, name: str):
    report = report_named(name)
    form = report.filters(request.GET or None, user=request.user)
    context = {"report": report, "form": form, "table": None, "chart": None}
    if form.is_bound and not form.is_valid():
        return render(request, "analytics/clients_report.html", context, status=422)
    form = report.filters(request.GET, user=request.user)
    form.is_valid()
    result = report.run(user=request.user, **form.cleaned_data)
    table = report.table(result)
    keys = [column.key for column in table.columns]
    context.update(
        form=form,
        table=table,
        chart=report.chart(result),
        rows=[{"url": row.get("_url"), "cells": [row.get(k) for k in keys]} for row in table.rows],
        totals=[[row.get(k) for k in keys] for row in table.totals],
    )
    return render(request, "analytics/clients_report.html", context)


@staff_only
def deal_monitoring(request):
    return _report_page(request, "deal-monitoring")


@staff_only
def contact_norms_overdue(request):
    return _report_page(request, "contact-norms-overdue")


@staff_only
def dossier(request, partner_id: int):
    found = dossier_of(partner_id=partner_id, user=request.user)
    return render(
        request, "analytics/dossier.html", {"dossier": found, "chart": dossier_chart(found)}
    )


@staff_only
def dossier_download(request, partner_id: int):
    found = dossier_of(partner_id=partner_id, user=request.user)
    response = HttpResponse(dossier_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dossier-{found.partner.pk}.pdf"'
    return response
