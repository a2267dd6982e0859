"""The agreement form: a new typical agreement, or a draft agreement's conditions with its
payment schedule. The services decide who may (`sales.manage_catalogue` for typical ones)
and refuse to change anything but a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts.access import get_visible_or_404
from ladoga.partners.queries import segments_all

from .. import queries, services
from ..forms import AgreementForm, StageFormSet
from ..models import Agreement
from ..services._common import CATALOGUE, DOCUMENTS
from ._common import form_submit

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
        initial = {"valid_from": timezone.localdate()}
        stages_initial = [{"basis": "prepayment", "percent": 100, "days": 0}]
    form = AgreementForm(
        request.POST or None,
        initial=initial,
        price_types=price_types.order_by("name"),
        segments=segments_all() if typical else None,
    )
    formset = StageFormSet(request.POST or None, initial=stages_initial, prefix="stages")

    def save(data: dict, rows: list[dict]) -> Agreement:
        stages = [(row["basis"], row["percent"], row.get("days") or 0) for row in rows]
        conditions = {f: data[f] for f in CONDITION_FIELDS}
        if typical:
            conditions["segments"] = list(data["segments"])
        if agreement is None:
            return services.agreement_create(**conditions, stages=stages, by=request.user)
        return services.agreement_update(
            agreement=agreement,
            expected_version=data["version"],
            by=request.user,
            stages=stages,
            **conditions,
        )

    submitted = form_submit(request, form, save, formset=formset, filled_by="percent")
    if submitted.saved is not None:
        messages.success(
            request, _("Agreement %(number)s is saved.") % {"number": submitted.saved.number}
        )
        return redirect("sales:agreement_detail", submitted.saved.pk)
    may_change = request.user.has_perm(CATALOGUE if typical else DOCUMENTS)
    return render(
        request,
        "sales/agreement_form.html",
        {
            "form": form,
            "formset": formset,
            "stage_errors": submitted.row_errors,
            "agreement": agreement,
            "may_change": may_change,
        },
        status=submitted.status,
    )
