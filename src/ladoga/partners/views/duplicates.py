"""Duplicate review (P9): ranked candidates with their reasons, and the merge, confirmed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ladoga.accounts import access
from ladoga.core.errors import DomainError

from ..duplicates import duplicates_find
from ..forms import MergeForm
from ..models import ContactInfoKind, Partner, PartnerStatus
from ._common import int_or_none, partner_or_404, require


def _evidence_of(partner: Partner) -> dict:
    """What a partner is recognised by: its name, INNs, phones and e-mails."""
    info = partner.contact_info.filter(kind__in=[ContactInfoKind.PHONE, ContactInfoKind.EMAIL])
    return {
        "name": partner.name,
        "inn": [c.inn for c in partner.counterparties.filter(status=PartnerStatus.ACTIVE) if c.inn],
        "phone": [i.value for i in info if i.kind == ContactInfoKind.PHONE],
        "email": [i.value for i in info if i.kind == ContactInfoKind.EMAIL],
    }


@login_required
def duplicates_review(request):
    """Candidates for one partner (?partner=ID) or for what is typed in the search form."""
    partner = None
    if pk := int_or_none(request.GET.get("partner")):
        partner = partner_or_404(request, pk)
        search = _evidence_of(partner)
    else:
        search = {
            k: request.GET.get(k, "").strip()[:200] for k in ("name", "inn", "phone", "email")
        }
    error, candidates = None, []
    if any(search.values()):
        try:
            candidates = duplicates_find(
                **search, exclude=[partner.pk] if partner else [], limit=20
            )
        except DomainError as problem:
            error = problem.detail
    visible = set(
        access.visible(Partner, request.user)
        .filter(pk__in=[c.partner.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "partners/duplicates.html",
        {
            "partner": partner,
            "search": search if partner is None else {},
            "candidates": [(c, c.partner.pk in visible) for c in candidates],
            "error": error,
            "can_merge": request.user.has_perm("partners.change_partner"),
        },
        status=400 if error else 200,
    )


def _summary(partner_ids: list[int]) -> dict[int, Partner]:
    return (
        Partner.objects.select_related("manager")
        .annotate(
            counterparty_count=Count(
                "counterparties", filter=Q(counterparties__status="active"), distinct=True
            ),
            contact_count=Count("contacts", filter=Q(contacts__status="active"), distinct=True),
        )
        .in_bulk(partner_ids)
    )


@login_required
def partner_merge(request, pk: int, duplicate_id: int):
    """GET shows both partners side by side; POST (with the confirmation box) merges
    `duplicate_id` into `pk`."""
    require(request, "partners.change_partner")
    survivor = partner_or_404(request, pk)
    duplicate = partner_or_404(request, duplicate_id)
    form = MergeForm(request.POST or None, initial={"duplicate": duplicate.pk})
    if request.method == "POST" and form.is_valid():
        try:
            record = _merge(survivor, duplicate, request.user)
        except DomainError as error:
            form.add_error(None, error.detail)
        else:
            moved = sum(record.moved.values())
            messages.success(
                request,
                _("%(duplicate)s is merged into %(survivor)s (%(moved)d references moved).")
                % {"duplicate": duplicate.name, "survivor": survivor.name, "moved": moved},
            )
            return redirect("partners:detail", pk=survivor.pk)
    both = _summary([survivor.pk, duplicate.pk])
    reasons = []
    if survivor.pk != duplicate.pk:
        found = duplicates_find(**_evidence_of(survivor), limit=50)
        reasons = next((c.reasons for c in found if c.partner.pk == duplicate.pk), [])
    return render(
        request,
        "partners/merge.html",
        {
            "survivor": both.get(survivor.pk, survivor),
            "duplicate": both.get(duplicate.pk, duplicate),
            "reasons": reasons,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _merge(survivor, duplicate, user):
    from .. import services

    return services.partner_merge(survivor=survivor, duplicate=duplicate, by=user)
