"""Helpers of the deals API: permissions, references named in request bodies, If-Match."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ladoga.accounts.access import visible
from ladoga.core.api import expected_version
from ladoga.core.errors import ValidationFailed

VIEW, ADD, CHANGE = "deals.view_deal", "deals.add_deal", "deals.change_deal"
MANAGE_KINDS = "deals.manage_deal_kinds"


def require(request: HttpRequest, permission: str) -> None:
    """403 for a role that may not do this at all (portal clients); what a role may do
    but cannot see answers 404 further on."""
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("Your role may not do this."))


def if_match(request: HttpRequest) -> int | None:
    """The version an action is based on, when the client names one (optional)."""
    return expected_version(request) if request.headers.get("If-Match") else None


def ref(request: HttpRequest, model, pk: int | None, field: str, *, checked: bool = True):
    """The record a request body names by id, if the caller may see it; 422 otherwise (a
    record the caller cannot see is treated as one that does not exist)."""
    if pk is None:
        return None
    records = model._default_manager.all()
    found = (visible(records, request.user) if checked else records).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed.single(
            "not_found",
            _("No %(what)s with id %(id)d.") % {"what": model._meta.verbose_name, "id": pk},
            field,
        )
    return found


def refs(request: HttpRequest, model, pks: list[int], field: str) -> list:
    found = visible(model._default_manager.all(), request.user).in_bulk(set(pks))
    missing = sorted({pk for pk in pks if pk not in found})
    if missing:
        raise ValidationFailed.single(
            "not_found",
            _("No %(what)s with id %(ids)s.")
            % {"what": model._meta.verbose_name, "ids": ", ".join(map(str, missing))},
            field,
        )
    return [found[pk] for pk in dict.fromkeys(pks)]
