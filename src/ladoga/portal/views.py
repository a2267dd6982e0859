from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.claims.models import ClaimStatus
from ladoga.core.errors import DomainError, FileStoreUnavailable
from ladoga.core.files import download_response, store_unavailable_page
from ladoga.partners.models import Partner
from ladoga.web.forms import form_errors_from

from . import queries, services
from .errors import PortalNotFound
from .forms import PortalClaimForm, PortalCommentForm

PAGE_SIZE = 20


def portal_user_required(view):
    """Signed-in portal users only; staff who open the portal go back to their desk."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_portal:
            return redirect("dashboard")
        partner_id = services.portal_partner_id_of(request.user)
        if partner_id is None:
            return render(request, "portal/unbound.html", status=403)
        request.portal_partner = Partner.objects.only("id", "name").get(pk=partner_id)
        try:
            return view(request, *args, **kwargs)
        except PortalNotFound:
            raise Http404 from None

    return wrapper


@portal_user_required
def home(request):
    claims = queries.portal_claims(user=request.user)
    status = request.GET.get("status", "")
    if status in ClaimStatus.values:
        claims = claims.filter(status=status)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/home.html",
        {
            "page": page,
            "status": status,
            "statuses": ClaimStatus.choices,
            "query": urlencode({"status": status}) if status in ClaimStatus.values else "",
        },
    )


@portal_user_required
def claim_new(request):
    partner = request.portal_partner
    form = PortalClaimForm(
        request.POST or None, request.FILES or None, initial={"partner": partner.pk}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.portal_claim_file(
                user=request.user,
                partner_id=data["partner"],
                essence=data["essence"],
                order_number=data["order_number"],
                files=data["files"],
            )
        except PortalNotFound:
            raise Http404 from None
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("Your claim %(number)s is registered. We will keep you posted here.")
                % {"number": claim.number},
            )
            return redirect("portal:claim", claim_id=claim.pk)
    return render(
        request, "portal/claim_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _detail(request, claim, comment_form=None):
    return render(
        request,
        "portal/claim_detail.html",
        {
            "claim": claim,
            "comments": queries.portal_comments(claim=claim),
            "files": queries.portal_files(claim=claim),
            "form": comment_form or PortalCommentForm(),
        },
        status=400 if comment_form is not None else 200,
    )


@portal_user_required
def claim_detail(request, claim_id: int):
    return _detail(request, services.portal_claim_get(user=request.user, claim_id=claim_id))


@require_POST
@portal_user_required
def comment_add(request, claim_id: int):
    claim = services.portal_claim_get(user=request.user, claim_id=claim_id)
    form = PortalCommentForm(request.POST)
    if form.is_valid():
        try:
            services.portal_comment_add(
                user=request.user, claim_id=claim.pk, text=form.cleaned_data["text"]
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Your comment is added."))
            return redirect("portal:claim", claim_id=claim.pk)
    return _detail(request, claim, form)


@portal_user_required
def file_download(request, claim_id: int, attachment_id: int):
    claim = services.portal_claim_get(user=request.user, claim_id=claim_id)
    attachment = queries.portal_files(claim=claim).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        return download_response(
            stored_name=attachment.stored_name,
            name=attachment.name,
            mime_type=attachment.mime_type,
        )
    except FileStoreUnavailable as error:
        return store_unavailable_page(error)
