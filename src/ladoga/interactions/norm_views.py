"""The settings page of contact norms (A10): list, create, edit, delete with
confirmation. The rules are the services' (`services.norms`), as in the API."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ladoga.accounts import access
from ladoga.core.errors import DomainError
from ladoga.partners.models import Segment
from ladoga.web.forms import form_errors_from

from . import services
from .models import CONTACT_KINDS, AbcClass, ContactNorm, CountedContacts, XyzClass
from .services.norms import MANAGE_NORMS


class ContactNormForm(forms.Form):
    """Days are checked by the service, so 0 or a negative number gets its message."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    segment = forms.ModelChoiceField(
        label=gettext_lazy("Segment"), queryset=Segment.objects.all(), required=False
    )
    abc = forms.ChoiceField(
        label=gettext_lazy("or ABC class"),
        choices=[("", "—"), *AbcClass.choices],
        required=False,
    )
    xyz = forms.ChoiceField(
        label=gettext_lazy("XYZ class"), choices=XyzClass.choices, required=False
    )
    days = forms.IntegerField(label=gettext_lazy("At least every, days"))
    counted = forms.ChoiceField(
        label=gettext_lazy("Whose contacts count"), choices=CountedContacts.choices
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds that count"),
        choices=[(k.value, k.label) for k in CONTACT_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)


def _require(request, permission: str) -> None:
    if request.user.is_portal or not request.user.has_perm(permission):
        raise PermissionDenied


def _norm_or_404(request, norm_id: int) -> ContactNorm:
    return access.get_visible_or_404(ContactNorm.objects.all(), request.user, pk=norm_id)


@login_required
def norm_list(request):
    _require(request, "interactions.view_contactnorm")
    norms = access.visible(ContactNorm.objects.select_related("segment"), request.user)
    return render(
        request,
        "interactions/norms.html",
        {"norms": norms, "can_manage": request.user.has_perm(MANAGE_NORMS)},
    )


@login_required
def norm_edit(request, norm_id: int = 0):
    _require(request, MANAGE_NORMS)
    norm = _norm_or_404(request, norm_id) if norm_id else None
    initial = {"kinds": ["meeting", "call"], "counted": CountedContacts.RESPONSIBLE}
    if norm is not None:
        initial = {
            "name": norm.name,
            "segment": norm.segment_id,
            "abc": norm.abc,
            "xyz": norm.xyz,
            "days": norm.days,
            "counted": norm.counted,
            "kinds": norm.kinds,
            "is_active": norm.is_active,
        }
    form = ContactNormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if norm is None:
                services.contact_norm_create(by=request.user, **data)
            else:
                services.contact_norm_update(
                    norm=norm, expected_version=None, by=request.user, **data
                )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Contact norm saved."))
            return redirect("interactions:norms")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "interactions/norm_form.html", {"form": form, "norm": norm}, status=status
    )


@login_required
def norm_delete(request, norm_id: int):
    _require(request, MANAGE_NORMS)
    norm = _norm_or_404(request, norm_id)
    if request.method == "POST":
        services.contact_norm_delete(norm=norm, by=request.user)
        messages.success(request, _("Contact norm deleted."))
        return redirect("interactions:norms")
    return render(request, "interactions/norm_delete.html", {"norm": norm})
