"""Helpers of the sales API: references named in request bodies, line parsing."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ladoga.accounts.access import visible
from ladoga.core.api import expected_version
from ladoga.core.errors import ValidationFailed

from .. import services
from ..models import Product


def require(request: HttpRequest, permission: str) -> None:
    """403 for a role that may not do this (checked again by the service)."""
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("Your role may not do this."))


def if_match(request: HttpRequest) -> int | None:
    return expected_version(request) if request.headers.get("If-Match") else None


def ref(request: HttpRequest, model, pk: int | None, field: str, *, checked: bool = True):
    """The record a request body names by id, if the caller may see it; 422 otherwise
    (a record the caller cannot see is treated as one that does not exist). `checked=False`
    for the partners domain's catalogues (segments, groups), which are open to all."""
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


def refs(request: HttpRequest, model, pks: list[int], field: str) -> dict:
    found = visible(model._default_manager.all(), request.user).in_bulk(set(pks))
    missing = sorted({pk for pk in pks if pk not in found})
    if missing:
        raise ValidationFailed.single(
            "not_found",
            _("No %(what)s with id %(ids)s.")
            % {"what": model._meta.verbose_name, "ids": ", ".join(map(str, missing))},
            field,
        )
    return found


def lines_in(request: HttpRequest, lines) -> list[services.LineIn]:
    """Service lines from request lines, their products read in one query."""
    products = refs(request, Product, [line.product_id for line in lines], "lines")
    return [
        services.LineIn(
            product=products[line.product_id],
            quantity=line.quantity,
            price=getattr(line, "price", None),
            discount_percent=getattr(line, "discount_percent", 0),
        )
        for line in lines
    ]


def stages_in(stages) -> list[tuple]:
    return [(s.basis, s.percent, s.days) for s in stages]
