"""The webhooks settings pages (administrators): endpoints list, create (the secret shown
once), edit, delete with confirmation, an endpoint's delivery log with resend. The rules
are the services', as in the API."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.core.errors import DomainError
from ladoga.core.events import Event
from ladoga.web.forms import form_errors_from

from . import queries, services
from .models import DeliveryStatus, WebhookEndpoint

DELIVERIES_PER_PAGE = 50


class EndpointForm(forms.Form):
    """URL, scheme and address rules are the service's, so every refusal has its message."""

    url = forms.CharField(label=gettext_lazy("URL"), max_length=2000)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=255, required=False)
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    allow_private = forms.BooleanField(
        label=gettext_lazy("Allow addresses of the server's own network"),
        help_text=gettext_lazy(
            "Only for receivers inside your network (e.g. 10.x.x.x or localhost). "
            "Link-local and cloud metadata addresses are refused in any case."
        ),
        required=False,
    )


def _require(request) -> None:
    if request.user.is_portal or not request.user.has_perm(services.MANAGE):
        raise PermissionDenied


def _endpoint_or_404(request, endpoint_id: int) -> WebhookEndpoint:
    return access.get_visible_or_404(
        queries.endpoints_visible_to(user=request.user), request.user, pk=endpoint_id
    )


@login_required
def endpoint_list(request):
    _require(request)
    endpoints = queries.endpoints_visible_to(user=request.user)
    return render(request, "webhooks/endpoints.html", {"endpoints": endpoints})


@login_required
def endpoint_edit(request, endpoint_id: int = 0):
    _require(request)
    endpoint = _endpoint_or_404(request, endpoint_id) if endpoint_id else None
    initial = {"events": [], "is_active": True}
    if endpoint is not None:
        initial = {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "is_active": endpoint.is_active,
            "allow_private": endpoint.allow_private,
        }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if endpoint is None:
                created = services.endpoint_create(by=request.user, **data)
            else:
                services.endpoint_update(
                    endpoint=endpoint, expected_version=None, by=request.user, **data
                )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            if endpoint is None:
                # The only time the secret is shown: on this answer, not after a redirect.
                return render(request, "webhooks/endpoint_created.html", {"endpoint": created})
            messages.success(request, _("Webhook endpoint saved."))
            return redirect("webhooks:endpoint", endpoint.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint}, status=status
    )


@login_required
def endpoint_delete(request, endpoint_id: int):
    _require(request)
    endpoint = _endpoint_or_404(request, endpoint_id)
    if request.method == "POST":
        services.endpoint_delete(endpoint=endpoint, by=request.user)
        messages.success(request, _("Webhook endpoint deleted."))
        return redirect("webhooks:list")
    return render(request, "webhooks/endpoint_delete.html", {"endpoint": endpoint})


@login_required
def endpoint_detail(request, endpoint_id: int):
    """The endpoint and its delivery log, newest first, filterable by status."""
    _require(request)
    endpoint = _endpoint_or_404(request, endpoint_id)
    status = request.GET.get("status", "")
    if status not in DeliveryStatus.values:
        status = ""
    deliveries = queries.deliveries_of(endpoint=endpoint, user=request.user, status=status)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "page": page,
            "status": status,
            "statuses": DeliveryStatus.choices,
            "event_labels": dict(Event.choices),
        },
    )


@login_required
@require_POST
def delivery_resend(request, delivery_id: int):
    _require(request)
    delivery = access.get_visible_or_404(
        queries.deliveries_visible_to(user=request.user), request.user, pk=delivery_id
    )
    try:
        services.delivery_resend(delivery=delivery, by=request.user)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The delivery is queued to be sent again."))
    return redirect("webhooks:endpoint", delivery.endpoint_id)
