"""Relations between partners and between contact persons (P7), seen from both ends, and
the search that picks the other end."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.core.errors import DomainError

from .. import queries, services
from ..forms import RelationForm
from ..models import ContactRelation, Partner, PartnerRelation, PropertyAppliesTo, RelationType
from ._common import contact_or_404, partner_or_404, require

PICK_LIMIT = 10


def relation_context(request, record, form: RelationForm | None = None) -> dict:
    applies_to = (
        PropertyAppliesTo.PARTNER if isinstance(record, Partner) else PropertyAppliesTo.CONTACT
    )
    types = list(queries.relation_types_all().filter(applies_to=applies_to))
    return {
        "relations": queries.relations_of(record),
        "relation_form": form or RelationForm(types=types),
        "relation_types": types,
    }


def _record(request, owner_type: str, pk: int):
    if owner_type == "contact":
        record = contact_or_404(request, pk)
        return record, reverse("partners:contact", args=[record.pk]) + "#relations"
    record = partner_or_404(request, pk)
    return record, reverse("partners:detail", args=[record.pk]) + "?tab=relations"


@login_required
@require_POST
def relation_add(request, owner_type: str, pk: int):
    record, back = _record(request, owner_type, pk)
    is_partner = isinstance(record, Partner)
    require(
        request, "partners.add_partnerrelation" if is_partner else "partners.add_contactrelation"
    )
    types = RelationType.objects.filter(
        applies_to=PropertyAppliesTo.PARTNER if is_partner else PropertyAppliesTo.CONTACT
    )
    form = RelationForm(request.POST, types=types)
    if not form.is_valid():
        messages.error(request, _("Choose the relation and the other end."))
        return redirect(back)
    type_id, _sep, direction = form.cleaned_data["reading"].partition(":")
    relation_type = types.get(pk=int(type_id))
    other = (
        partner_or_404(request, form.cleaned_data["target"])
        if is_partner
        else contact_or_404(request, form.cleaned_data["target"])
    )
    source, target = (record, other) if direction == "out" else (other, record)
    try:
        services.relation_create(
            type=relation_type,
            source=source,
            target=target,
            comment=form.cleaned_data["comment"],
            by=request.user,
        )
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The relation is added."))
    return redirect(back)


@login_required
@require_POST
def relation_delete(request, owner_type: str, pk: int, relation_id: int):
    record, back = _record(request, owner_type, pk)
    is_partner = isinstance(record, Partner)
    require(
        request,
        "partners.change_partnerrelation" if is_partner else "partners.change_contactrelation",
    )
    model = PartnerRelation if is_partner else ContactRelation
    relation = access.get_visible_or_404(model, request.user, pk=relation_id)
    if record.pk not in (relation.source_id, relation.target_id):
        return redirect(back)
    services.relation_delete(relation=relation, by=request.user)
    messages.success(request, _("The relation is removed."))
    return redirect(back)


@login_required
def pick(request, owner_type: str):
    """An htmx fragment: partners (or contact persons) matching `q` to choose from."""
    q = request.GET.get("q", "").strip()[:100]
    exclude = request.GET.get("exclude", "")
    found = []
    if len(q) >= 2:
        if owner_type == "contact":
            contacts = queries.contacts_visible_to(user=request.user).filter(status="active")
            found = list(
                queries.contacts_matching(contacts, q).order_by("last_name", "first_name")[
                    :PICK_LIMIT
                ]
            )
        else:
            found = list(
                queries.partners_filter(
                    queries.partners_visible_to(user=request.user), q=q, status="active"
                ).order_by("name")[:PICK_LIMIT]
            )
    found = [r for r in found if str(r.pk) != exclude]
    return render(
        request, "partners/_pick.html", {"found": found, "q": q, "owner_type": owner_type}
    )
