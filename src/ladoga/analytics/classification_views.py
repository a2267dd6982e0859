from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ladoga.core.errors import DomainError, ValidationFailed
from ladoga.core.exports import table_response
from ladoga.core.reports import plain, report_named, report_run, staff
from ladoga.web import forms as web_forms

from . import classification_services as services
from .classification_queries import abc_xyz_matrix
from .classification_reports import ClassListFilters, class_list, class_list_table
from .models import Basis

# The reports of this module that the page below renders until the generic report pages land.
OWN_REPORTS = ("abc-xyz-clients", "class-moves", "rfm", "stopped-buying", "bcg")


def _staff_only(request) -> None:
    if not staff(request.user):
        raise Http404


@login_required
def matrix(request):
    _staff_only(request)
    result = abc_xyz_matrix(user=request.user)
    return render(
        request,
        "analytics/classes_matrix.html",
        {
            "matrix": result,
            "may_manage": services.may_manage(request.user),
            "reports": [report_named(name) for name in OWN_REPORTS],
        },
    )


@login_required
def class_list_page(request):
    _staff_only(request)
    form = ClassListFilters(request.GET or None, user=request.user)
    rows = class_list(user=request.user, **form.cleaned_data) if form.is_valid() else []
    return render(
        request,
        "analytics/classes_report.html",
        {
            "title": _("ABC/XYZ classes of clients"),
            "form": form,
            "table": class_list_table(rows),
            "rows": table_rows(class_list_table(rows)),
        },
    )


@login_required
def report_page(request, name: str):
    """One of this module's registered reports as a page, with CSV export."""
    report = report_named(name)
    if report is None or name not in OWN_REPORTS or not report.allowed(request.user):
        raise Http404
    try:
        form, result = report_run(report, user=request.user, data=request.GET)
    except ValidationFailed:
        form, result = report.filters(request.GET, user=request.user), None
        form.is_valid()
    table = report.table(result) if result is not None else None
    if table is not None and request.GET.get("format") == "csv":
        return _csv(report.name, table)
    chart = report.chart(result) if (result is not None and report.chart) else None
    return render(
        request,
        "analytics/classes_report.html",
        {
            "title": report.title,
            "description": report.description,
            "form": form,
            "table": table,
            "rows": table_rows(table),
            "chart": chart,
            "report": report,
        },
    )


def _csv(name: str, table):
    """The report's table as CSV, written like every other export (`core.exports`)."""
    return table_response(
        name=name, title=name, headers=table.headers(), rows=table.value_rows(), fmt="csv"
    )


@login_required
def recompute(request):
    if not services.may_manage(request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            run = services.classification_recompute(by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Clients classified: %(count)s.") % {"count": run.clients})
        return redirect("analytics:classes")
    return render(request, "analytics/classes_recompute.html", {})


class SettingsForm(forms.Form):
    basis = forms.ChoiceField(label=gettext_lazy("Basis"), choices=Basis.choices)
    a_share = web_forms.DecimalField(label=gettext_lazy("A share, %"))
    b_share = web_forms.DecimalField(label=gettext_lazy("B share, %"))
    c_share = web_forms.DecimalField(label=gettext_lazy("C share, %"))
    months = forms.IntegerField(label=gettext_lazy("Months of demand"))
    x_limit = web_forms.DecimalField(label=gettext_lazy("X: variation up to, %"))
    y_limit = web_forms.DecimalField(label=gettext_lazy("Y: variation up to, %"))
    stopped_factor = web_forms.DecimalField(
        label=gettext_lazy("Stopped buying after this many usual intervals")
    )


SETTING_FIELDS = tuple(SettingsForm.base_fields)


@login_required
def settings_page(request):
    _staff_only(request)
    current = services.settings_current()
    may_manage = services.may_manage(request.user)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.classification_settings_update(by=request.user, **form.cleaned_data)
            except DomainError as error:
                for violation in error.violations:
                    field = violation.field if violation.field in form.fields else None
                    form.add_error(field, str(violation.message))
            else:
                messages.success(request, _("The classification settings are saved."))
                return redirect("analytics:classes_settings")
    else:
        form = SettingsForm(initial={name: getattr(current, name) for name in SETTING_FIELDS})
    return render(
        request, "analytics/classes_settings.html", {"form": form, "may_manage": may_manage}
    )


def table_rows(table) -> list[dict]:
    """The rows of a report table as the template shows them: cells in column order."""
    if table is None:
        return []
    return [
        {
            "url": row.get("_url", ""),
            "level": row.get("_level", 0),
            "cells": [
                {"value": plain(row.get(c.key), c.kind), "number": c.kind != "text"}
                for c in table.columns
            ],
        }
        for row in [*table.rows, *table.totals]
    ]
