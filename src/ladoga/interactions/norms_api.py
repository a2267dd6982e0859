"""Contact norms (A10): every member of staff reads them; heads and administrators
configure them."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.accounts import access
from ladoga.core.api import expected_version, with_etag

from . import services
from .models import ContactNorm
from .services.norms import MANAGE_NORMS

router = Router(tags=["contact norms"])
VIEW = "interactions.view_contactnorm"


class ContactNormIn(Schema):
    name: str = Field(max_length=150)
    segment_id: int | None = Field(None, description="the segment it applies to, or null")
    abc: str = Field("", description="A, B or C, when it applies to a class")
    xyz: str = Field("", description="X, Y or Z to narrow the class; empty: any")
    days: int = Field(description="contact at least every this many days, 1–3650")
    counted: str = Field("responsible", description="responsible or anyone")
    kinds: list[str] = Field(description="the kinds that count: meeting, call, email")
    is_active: bool = True


class ContactNormPatch(Schema):
    name: str | None = None
    segment_id: int | None = None
    abc: str | None = None
    xyz: str | None = None
    days: int | None = None
    counted: str | None = None
    kinds: list[str] | None = None
    is_active: bool | None = None


class ContactNormOut(Schema):
    id: int
    name: str
    segment_id: int | None
    abc: str
    xyz: str
    days: int
    counted: str
    kinds: list[str]
    is_active: bool
    version: int


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("Your role may not do this."))


def _norm(request: HttpRequest, norm_id: int) -> ContactNorm:
    return access.get_visible_or_404(ContactNorm.objects.all(), request.user, pk=norm_id)


@router.get("", response=list[ContactNormOut])
@paginate(LimitOffsetPagination)
def norm_list(request: HttpRequest):
    """The contact norms, the strictest first."""
    _require(request, VIEW)
    return access.visible(ContactNorm.objects.all(), request.user)


@router.post("", response={201: ContactNormOut})
def norm_create(request: HttpRequest, payload: ContactNormIn, response: HttpResponse):
    _require(request, MANAGE_NORMS)
    data = payload.dict()
    norm = services.contact_norm_create(segment=data.pop("segment_id"), by=request.user, **data)
    with_etag(response, norm)
    return Status(201, norm)


@router.get("/{norm_id}", response=ContactNormOut)
def norm_get(request: HttpRequest, norm_id: int, response: HttpResponse):
    _require(request, VIEW)
    norm = _norm(request, norm_id)
    with_etag(response, norm)
    return norm


@router.patch("/{norm_id}", response=ContactNormOut)
def norm_update(
    request: HttpRequest, norm_id: int, payload: ContactNormPatch, response: HttpResponse
):
    """Change a norm; `segment_id: null` with an `abc` turns it into a class norm."""
    _require(request, VIEW)
    norm = _norm(request, norm_id)
    _require(request, MANAGE_NORMS)
    changes = payload.dict(exclude_unset=True)
    if "segment_id" in changes:
        changes["segment"] = changes.pop("segment_id")
    norm = services.contact_norm_update(
        norm=norm, expected_version=expected_version(request), by=request.user, **changes
    )
    with_etag(response, norm)
    return norm


@router.delete("/{norm_id}", response={204: None})
def norm_delete(request: HttpRequest, norm_id: int):
    _require(request, VIEW)
    norm = _norm(request, norm_id)
    _require(request, MANAGE_NORMS)
    services.contact_norm_delete(norm=norm, by=request.user)
    return Status(204, None)
