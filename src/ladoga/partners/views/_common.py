"""Helpers shared by the partners pages."""

import functools

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from ladoga.accounts import access

from .. import queries


def local_time(view):
    """Show times in the signed-in user's time zone."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        zone = getattr(request.user, "time_zone", "") or None
        with timezone.override(zone):
            return view(request, *args, **kwargs)

    return wrapped


def require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def partner_or_404(request, pk: int, queryset=None):
    return access.get_visible_or_404(
        queryset if queryset is not None else queries.partners_visible_to(user=request.user),
        request.user,
        pk=pk,
    )


def contact_or_404(request, pk: int, queryset=None):
    return access.get_visible_or_404(
        queryset if queryset is not None else queries.contacts_visible_to(user=request.user),
        request.user,
        pk=pk,
    )


def counterparty_or_404(request, pk: int, queryset=None):
    return access.get_visible_or_404(
        queryset if queryset is not None else queries.counterparties_visible_to(user=request.user),
        request.user,
        pk=pk,
    )


def int_or_none(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def registry_configured() -> bool:
    """Whether registry auto-fill can work: another provider is plugged in, or the DaData
    client has a token (LADOGA_REGISTRY_TOKEN)."""
    from .. import registry

    source = registry.provider()
    return not isinstance(source, registry.DaDataProvider) or bool(source.token)
