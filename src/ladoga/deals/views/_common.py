"""What the deals pages share: who may open them, finding a deal, showing rule errors."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from ladoga.accounts import access
from ladoga.core.errors import DomainError

from .. import queries
from ..models import Deal


def staff_required(permission: str | None = None):
    """Signed-in staff (portal clients go to the portal), with `permission` when given."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if request.user.is_portal:
                return redirect("portal:home")
            if permission and not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def deal_or_404(request, pk: int) -> Deal:
    return access.get_visible_or_404(
        queries.deal_detail_queryset(user=request.user), request.user, pk=pk
    )


def error_messages(request, error: DomainError) -> None:
    for violation in error.violations:
        messages.error(request, str(violation.message))


def version_of(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None
