"""Helpers shared by the partners pages."""

import functools

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ladoga.accounts import access

from .. import queries
from ..errors import PartnersCode


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


# Refusals of the state registry that only an administrator can remedy: their messages name
# the setting to fix (an environment variable), which is no one else's business.
REGISTRY_SETTING_CODES = frozenset(
    {PartnersCode.REGISTRY_NOT_CONFIGURED, PartnersCode.REGISTRY_TOKEN_REJECTED}
)


def registry_refusal_for(error, user) -> str:
    """What a page tells `user` when the state registry refused (`error`, a DomainError):
    its message, except that a setting to fix is named to administrators only; everyone
    else is told to turn to one."""
    if getattr(user, "is_administrator", False) or not REGISTRY_SETTING_CODES & set(error.codes):
        return error.detail
    return _("The state registry cannot be used now; tell an administrator.")
