"""Helpers shared by the partners API modules."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.core.api import expected_version
from ladoga.core.errors import ValidationFailed

from .. import queries
from ..errors import PartnersCode
from ..models import (
    Partner,
)
from ..schemas import (
    PropertiesIn,
)

router = Router(tags=["partners"])


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("Your role may not do this."))


def _if_match(request: HttpRequest) -> int | None:
    """The If-Match version when sent (commands where it is optional)."""
    return expected_version(request) if request.headers.get("If-Match") else None


def _lookup(model, pk: int | None, field: str):
    """A catalogue record named by id in a request body; 422 when there is none."""
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed.single(
            "not_found",
            _("No %(what)s with id %(id)d.") % {"what": model._meta.verbose_name, "id": pk},
            field,
        )
    return found


def _lookup_many(model, pks: list[int], field: str) -> list:
    found = model._default_manager.in_bulk(pks)
    missing = [pk for pk in pks if pk not in found]
    if missing:
        raise ValidationFailed.single(
            "not_found",
            _("No %(what)s with id %(ids)s.")
            % {"what": model._meta.verbose_name, "ids": ", ".join(map(str, missing))},
            field,
        )
    return [found[pk] for pk in pks]


def _manager(pk: int | None):
    return _lookup(User, pk, "manager_id")


def _properties(values: PropertiesIn) -> dict:
    parsed = {}
    for key, value in values.items():
        if not str(key).isdigit():
            raise ValidationFailed.single(
                PartnersCode.PROPERTY_NOT_APPLICABLE,
                _("Properties are keyed by their id."),
                f"properties.{key}",
            )
        parsed[int(key)] = value
    return parsed


def _partner_detail(request, partner_id: int) -> Partner:
    return access.get_visible_or_404(
        queries.partner_detail_queryset(user=request.user), request.user, pk=partner_id
    )
