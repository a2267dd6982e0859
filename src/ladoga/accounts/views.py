from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.core.errors import DomainError
from ladoga.web.forms import form_errors_from

from . import queries, services
from .forms import LoginForm, ProfileForm, TokenForm
from .profile import profile_panels


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def login_view(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_attempt(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except DomainError as error:
            form_errors_from(form, error)
            retry_after = getattr(error, "retry_after", None)
        else:
            login(request, user)
            return HttpResponseRedirect(_safe_next(request, "/"))
    response = render(
        request,
        "accounts/login.html",
        {"form": form, "next": _safe_next(request, "")},
        status=429 if retry_after else 400 if form.errors else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def logout_view(request):
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_POST
def language_set(request):
    """Switch the interface language: for the signed-in user it is remembered in the profile."""
    language = request.POST.get("language", "")
    target = _safe_next(request, "/")
    if language not in dict(settings.LANGUAGES):
        return redirect(target)
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


@login_required
def profile(request):
    user = request.user
    initial = {
        "version": user.version,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": user.language,
        "time_zone": user.time_zone,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.user_profile_update(user=user, expected_version=data.pop("version"), **data)
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": TokenForm(),
            "tokens": queries.tokens_of(user=user),
            "panels": profile_panels(request),
        },
    )


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("profile")
    _record, token = services.token_create(user=request.user, name=form.cleaned_data["name"])
    return render(request, "accounts/token_created.html", {"token": token})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(queries.tokens_of(user=request.user), pk=token_id)
    services.token_revoke(token=token)
    messages.success(request, _("The token is revoked."))
    return redirect("profile")
