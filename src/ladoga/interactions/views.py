"""The interactions pages: list, kind-specific forms, detail, unprocessed, .eml upload,
notifications, the partner timeline fragment. The calendar and feeds are in calendar.py."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.core.errors import DomainError
from ladoga.core.exports import Column, export_response
from ladoga.core.services import attachment_add, attachments_of
from ladoga.partners.cards import partner_of_request
from ladoga.partners.models import Partner
from ladoga.web.forms import form_errors_from
from ladoga.web.listing import list_period, listing_of

from . import queries, services, subjects
from .based_on import based_on_for
from .forms import (
    ContactFromParticipantForm,
    EmlForm,
    InteractionForm,
    ReviewForm,
    addresses_text,
    participants_text,
)
from .models import Interaction, InteractionKind, Participant, ParticipantRole

PAGE_SIZE = 25
SORTS = {
    "start": ("start", "id"),
    "kind": ("kind", "-start", "-id"),
    "title": ("title", "id"),
    "partner": ("partner__name", "-start", "-id"),
    "responsible": ("responsible__last_name", "responsible__username", "-start", "-id"),
}
THREAD_ORDER = {"thread": ("thread_id", "start", "id")}


def local_time(view):
    """Show and read times in the signed-in user's time zone."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        zone = getattr(request.user, "time_zone", "") or None
        with timezone.override(zone):
            return view(request, *args, **kwargs)

    return wrapped


def _staff_required(request, permission="interactions.change_interaction"):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _visible_or_404(request, pk: int) -> Interaction:
    return access.get_visible_or_404(
        queries.interaction_detail_queryset(user=request.user), request.user, pk=pk
    )


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@login_required
@local_time
def interaction_list(request):
    params = request.GET
    responsible = params.get("responsible", "")
    filters = {
        "q": params.get("q", "").strip(),
        "kind": params.get("kind", "") if params.get("kind") in InteractionKind.values else "",
        "review": params.get("review", "")
        if params.get("review") in ("unprocessed", "deferred", "reviewed")
        else "",
        "responsible": request.user.pk if responsible == "me" else _int(responsible),
        "partner": _int(params.get("partner")),
    }
    grouped = params.get("group") == "thread"
    period = list_period(params)
    found = queries.interactions_filter(
        queries.interactions_visible_to(user=request.user),
        date_from=period.date_from,
        date_to=period.date_to,
        **filters,
    )
    if period.error:
        found = found.none()
    if grouped:
        listing = listing_of(request, found, sorts=THREAD_ORDER, default="thread")
    else:
        listing = listing_of(request, found, sorts=SORTS, default="-start")
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "interactions/list.html",
        {
            "page": listing.page,
            "listing": listing,
            "filters": filters,
            "responsible": responsible,
            "grouped": grouped,
            "kinds": InteractionKind.choices,
            "query": query.urlencode(),
            "period": period,
            "filtered": any(filters.values()) or period.active or bool(period.error),
            "unread": queries.unread_count(user=request.user),
        },
    )


def _initial_for_new(request, kind: str) -> dict:
    initial = {"responsible": request.user.pk}
    based_on = _int(request.GET.get("based_on"))
    if based_on:
        parent = _visible_or_404(request, based_on)
        initial |= {
            "subject_type": "interactions.interaction",
            "subject_id": parent.pk,
            "title": parent.title
            if parent.title.lower().startswith("re:") or kind != "email"
            else f"Re: {parent.title}",
        }
        people = [p for p in parent.participants.all() if p.user_id != request.user.pk]
        initial["participants"] = participants_text(people)
        if kind == InteractionKind.EMAIL:
            senders = [p for p in people if p.role == ParticipantRole.FROM] or people
            initial["to"] = ", ".join(
                f"{p.name} <{p.email}>" if p.name else p.email for p in senders if p.email
            )
    subject_type = request.GET.get("subject_type", "")
    subject_id = _int(request.GET.get("subject_id"))
    if subject_type and subject_id:
        initial |= {"subject_type": subject_type, "subject_id": subject_id}
    partner = partner_of_request(request)  # from the partner card: about that partner
    if partner is not None:
        initial |= {"subject_type": subjects.subject_key_of(partner), "subject_id": partner.pk}
    return initial


@login_required
@local_time
def interaction_create(request, kind: str):
    if kind not in InteractionKind.values:
        raise Http404
    _staff_required(request, "interactions.add_interaction")
    initial = _initial_for_new(request, kind)
    form = InteractionForm(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            interaction = services.interaction_create(
                kind=kind, by=request.user, **form.service_arguments()
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The interaction is saved."))
            return redirect("interactions:detail", interaction.pk)
    return render(
        request,
        "interactions/form.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": InteractionKind(kind).label,
            "kinds": InteractionKind.choices,
            "partner": partner_of_request(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
@local_time
def interaction_edit(request, pk: int):
    _staff_required(request)
    interaction = _visible_or_404(request, pk)
    people = list(interaction.participants.all())
    initial = {
        "version": interaction.version,
        "subject_type": interaction.subject_type,
        "subject_id": interaction.subject_id,
        "title": interaction.title,
        "body": interaction.body,
        "start": interaction.start and timezone.localtime(interaction.start),
        "end": interaction.end and timezone.localtime(interaction.end),
        "place": interaction.place,
        "direction": interaction.direction,
        "phone": interaction.phone,
        "duration_minutes": interaction.duration // 60 if interaction.duration else None,
        "participants": participants_text(people),
        "to": addresses_text(people, ParticipantRole.TO),
        "cc": addresses_text(people, ParticipantRole.CC),
        "responsible": interaction.responsible_id,
        "reminder_minutes": interaction.reminders.filter(delivered_at__isnull=True)
        .values_list("minutes_before", flat=True)
        .first(),
    }
    form = InteractionForm(request.POST or None, kind=interaction.kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        # Only what the user changed: a sent e-mail's frozen fields stay out of it.
        renamed = {"duration_minutes": "duration", "to": "participants", "cc": "participants"}
        changed = {renamed.get(name, name) for name in form.changed_data}
        args = {k: v for k, v in form.service_arguments().items() if k in changed}
        args.pop("subject_type", None), args.pop("subject_id", None)
        try:
            services.interaction_update(
                interaction=interaction,
                expected_version=form.cleaned_data.get("version"),
                by=request.user,
                **args,
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The interaction is saved."))
            return redirect("interactions:detail", interaction.pk)
    return render(
        request,
        "interactions/form.html",
        {
            "form": form,
            "kind": interaction.kind,
            "kind_label": interaction.get_kind_display(),
            "interaction": interaction,
        },
        status=400 if form.errors else 200,
    )


@login_required
@local_time
def interaction_detail(request, pk: int):
    interaction = _visible_or_404(request, pk)
    participants = list(interaction.participants.all())
    suggestions = {
        p.pk: services.participant_suggestions(participant=p, user=request.user)
        for p in participants
        if not p.is_linked and (p.email_key or p.phone_key)
    }
    subject_type = subjects.subject_type_of(interaction.subject_type)
    subject = subjects.subject_of(interaction.subject_type, interaction.subject_id)
    partners_for_contact = []
    if interaction.partner_id and access.can_see(interaction.partner, request.user):
        partners_for_contact = [interaction.partner]
    return render(
        request,
        "interactions/detail.html",
        {
            "interaction": interaction,
            "participants": [(p, suggestions.get(p.pk, [])) for p in participants],
            "attachments": attachments_of(interaction),
            "thread": queries.thread_of(interaction=interaction, user=request.user),
            "reminders": interaction.reminders.select_related("user").filter(user=request.user),
            "subject": subject,
            "subject_label": subject_type.label if subject_type else "",
            "subject_url": subject_type.url(subject) if subject_type and subject else "",
            "based_on": based_on_for(interaction, request.user),
            "review_form": ReviewForm(),
            "partners_for_contact": partners_for_contact,
            "can_change": request.user.has_perm("interactions.change_interaction"),
        },
    )


@login_required
@require_POST
def interaction_review(request, pk: int):
    _staff_required(request)
    interaction = _visible_or_404(request, pk)
    action = request.POST.get("action", "reviewed")
    form = ReviewForm(request.POST)
    try:
        if action == "defer":
            if not form.is_valid() or not form.cleaned_data["review_after"]:
                messages.error(request, _("Choose the date to review it after."))
                return redirect("interactions:detail", pk)
            services.interaction_review(
                interaction=interaction,
                by=request.user,
                review_after=form.cleaned_data["review_after"],
            )
            messages.success(request, _("The review is deferred."))
        elif action == "handover":
            user = User.objects.filter(pk=_int(request.POST.get("responsible"))).first()
            services.interaction_review(
                interaction=interaction, by=request.user, responsible=user, reviewed=False
            )
            messages.success(request, _("The interaction is handed over."))
        else:
            services.interaction_review(
                interaction=interaction, by=request.user, reviewed=action != "unreview"
            )
            messages.success(request, _("The review status is saved."))
    except DomainError as error:
        messages.error(request, error.detail)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("interactions:detail", args=[pk])
    return redirect(target)


@login_required
@require_POST
def interaction_send(request, pk: int):
    _staff_required(request)
    interaction = _visible_or_404(request, pk)
    try:
        services.email_send(interaction=interaction, by=request.user)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The e-mail is sent."))
    return redirect("interactions:detail", pk)


@login_required
@require_POST
def participant_link(request, pk: int, participant_id: int):
    _staff_required(request)
    interaction = _visible_or_404(request, pk)
    participant = get_object_or_404(Participant, pk=participant_id, interaction=interaction)
    try:
        linked = services.participant_link(
            participant=participant,
            by=request.user,
            partner_id=_int(request.POST.get("partner_id")),
            contact_id=_int(request.POST.get("contact_id")),
            user_id=_int(request.POST.get("user_id")),
            same_address=bool(request.POST.get("same_address")),
        )
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Linked: %(count)d.") % {"count": linked})
    return redirect("interactions:detail", pk)


@login_required
@require_POST
def contact_from_participant(request, pk: int, participant_id: int):
    _staff_required(request, "partners.add_contactperson")
    interaction = _visible_or_404(request, pk)
    participant = get_object_or_404(Participant, pk=participant_id, interaction=interaction)
    form = ContactFromParticipantForm(request.POST)
    if form.is_valid():
        partner = access.get_visible_or_404(
            Partner, request.user, pk=form.cleaned_data["partner_id"]
        )
        try:
            contact = services.contact_from_participant(
                participant=participant,
                partner=partner,
                by=request.user,
                last_name=form.cleaned_data["last_name"],
                first_name=form.cleaned_data["first_name"],
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Contact person %(name)s is created.") % {"name": contact})
    return redirect("interactions:detail", pk)


@login_required
@require_POST
def attachment_upload(request, pk: int):
    _staff_required(request)
    interaction = _visible_or_404(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            attachment_add(target=interaction, upload=upload, by=request.user)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("The file is attached."))
    return redirect("interactions:detail", pk)


@login_required
@local_time
def import_eml(request):
    _staff_required(request, "interactions.add_interaction")
    form = EmlForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            interaction = services.email_register(
                raw=upload.read(), by=request.user, file_name=upload.name or "message.eml"
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The e-mail is registered."))
            for skipped in interaction.skipped_attachments:
                messages.warning(
                    request, _("Attachment not kept separately: %(name)s") % {"name": skipped}
                )
            return redirect("interactions:detail", interaction.pk)
    return render(
        request, "interactions/import_eml.html", {"form": form}, status=400 if form.errors else 200
    )


UNPROCESSED_COLUMNS = [
    Column(_lazy("When"), "start"),
    Column(_lazy("Kind"), "get_kind_display"),
    Column(_lazy("Topic"), "title"),
    Column(_lazy("Partner"), "partner.name"),
    Column(_lazy("Responsible"), lambda interaction: str(interaction.responsible or "")),
]


@login_required
@local_time
def unprocessed(request):
    responsible = _int(request.GET.get("responsible"))
    found = queries.unprocessed_visible_to(user=request.user, responsible=responsible)
    if request.GET.get("format"):
        return export_response(
            request,
            rows=found.select_related("partner", "responsible"),
            columns=UNPROCESSED_COLUMNS,
            filename="unprocessed-interactions",
            title=_("Unprocessed interactions"),
        )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interactions/unprocessed.html",
        {
            "page": page,
            "counts": queries.unprocessed_counts(user=request.user),
            "responsible": responsible,
            "review_form": ReviewForm(),
        },
    )


@login_required
@local_time
def partner_timeline(request, partner_id: int):
    """The partner card's interactions tab (an htmx fragment), newest first."""
    partner = access.get_visible_or_404(Partner, request.user, pk=partner_id)
    kind = request.GET.get("kind", "")
    kind = kind if kind in InteractionKind.values else ""
    found = queries.partner_timeline(user=request.user, partner_id=partner.pk, kind=kind)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interactions/_timeline.html",
        {"partner": partner, "page": page, "kind": kind, "kinds": InteractionKind.choices},
    )


@login_required
@local_time
def notifications(request):
    found = queries.notifications_of(user=request.user)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interactions/notifications.html",
        {"page": page, "unread": queries.unread_count(user=request.user)},
    )


@login_required
def notifications_badge(request):
    return render(
        request, "interactions/_badge.html", {"unread": queries.unread_count(user=request.user)}
    )


@login_required
@require_POST
def notification_read(request, notification_id: int):
    notification = get_object_or_404(
        queries.notifications_of(user=request.user), pk=notification_id
    )
    services.notification_read(notification=notification, by=request.user)
    if notification.url and request.POST.get("open"):
        return redirect(notification.url)
    return redirect("interactions:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_read_all(user=request.user)
    return redirect("interactions:notifications")
