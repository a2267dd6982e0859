"""The agreement form: a new typical agreement, or a draft agreement's conditions with its
payment schedule. The services decide who may (`sales.manage_catalogue` for typical ones)
and refuse to change anything but a draft."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ladoga.accounts.access import get_visible_or_404
from ladoga.core.errors import DomainError
from ladoga.partners.queries import segments_all

from .. import queries, services
from ..forms import AgreementForm, StageFormSet
from ..models import Agreement
from ..services._common import CATALOGUE, DOCUMENTS
from ._common import errors_onto, row_errors_onto

CONDITION_FIELDS = (
    "name",
    "price_type",
    "delivery_days",
    "tax_regime",
    "discount_percent",
    "max_manual_discount",
    "valid_from",
    "valid_to",
    "contract_required",
    "returnable_packaging",
    "comment",
)


def _stages_from(formset) -> tuple[list[tuple], list[int]]:
    """The filled-in stages as (basis, percent, days), and the form each came from."""
    stages, rows = [], []
    for index, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data or data.get("percent") is None:
            continue
        stages.append((data["basis"], data["percent"], data.get("days") or 0))
        rows.append(index)
    return stages, rows


@login_required
def agreement_form(request, agreement_id: int | None = None):
    agreement = None
    if agreement_id:
        agreement = get_visible_or_404(
            Agreement.objects.select_related("price_type", "partner"), request.user, pk=agreement_id
        )
    typical = agreement is None or agreement.is_typical
    price_types = queries.price_types_visible_to(user=request.user).filter(is_archived=False)
    if agreement is not None:
        price_types = price_types | queries.price_types_visible_to(user=request.user).filter(
            pk=agreement.price_type_id
        )
        initial = {f: getattr(agreement, f) for f in CONDITION_FIELDS}
        initial["version"] = agreement.version
        if typical:
            initial["segments"] = list(agreement.segments.all())
        stages_initial = [
            {"basis": s.basis, "percent": s.percent, "days": s.days} for s in agreement.stages.all()
        ]
    else:
        initial = {"valid_from": datetime.date.today()}
        stages_initial = [{"basis": "prepayment", "percent": 100, "days": 0}]
    form = AgreementForm(
        request.POST or None,
        initial=initial,
        price_types=price_types.order_by("name"),
        segments=segments_all() if typical else None,
    )
    formset = StageFormSet(request.POST or None, initial=stages_initial, prefix="stages")
    stage_errors: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            stages, rows = _stages_from(formset)
            conditions = {f: data[f] for f in CONDITION_FIELDS}
            if typical:
                conditions["segments"] = list(data["segments"])
            try:
                if agreement is None:
                    agreement = services.agreement_create(
                        **conditions, stages=stages, by=request.user
                    )
                else:
                    agreement = services.agreement_update(
                        agreement=agreement,
                        expected_version=data["version"],
                        by=request.user,
                        stages=stages,
                        **conditions,
                    )
            except DomainError as error:
                status = errors_onto(form, error, rows=("stages",))
                stage_errors = row_errors_onto(formset, error, "stages", rows)
            else:
                messages.success(
                    request, _("Agreement %(number)s is saved.") % {"number": agreement.number}
                )
                return redirect("sales:agreement_detail", agreement.pk)
    may_change = request.user.has_perm(CATALOGUE if typical else DOCUMENTS)
    return render(
        request,
        "sales/agreement_form.html",
        {
            "form": form,
            "formset": formset,
            "stage_errors": stage_errors,
            "agreement": agreement,
            "may_change": may_change,
        },
        status=status,
    )
