import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.core.api import expected_version, with_etag

from . import queries, services

auth_router = Router(tags=["auth"])
router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    name: str = Field("", max_length=100)


class TokenCreated(Schema):
    id: int
    name: str
    token: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class DepartmentOut(Schema):
    id: int
    name: str
    parent_id: int | None
    head_id: int | None


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    department_id: int | None
    language: str
    time_zone: str
    version: int


class ProfileIn(Schema):
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    language: str | None = Field(None, max_length=8)
    time_zone: str | None = Field(None, max_length=64)


@auth_router.post("/token", response={201: TokenCreated}, auth=None)
def token_obtain(request: HttpRequest, payload: TokenIn):
    """Trade a user name and password for a new API token (shown only in this answer)."""
    user = services.login_attempt(
        request=request, username=payload.username, password=payload.password
    )
    record, token = services.token_create(user=user, name=payload.name or "API")
    return Status(201, {"id": record.pk, "name": record.name, "token": token})


@router.get("/me", response=UserOut)
def me(request: HttpRequest, response: HttpResponse):
    with_etag(response, request.user)
    return request.user


@router.patch("/me", response=UserOut)
def me_update(request: HttpRequest, payload: ProfileIn, response: HttpResponse):
    user = services.user_profile_update(
        user=request.user,
        expected_version=expected_version(request),
        **payload.dict(exclude_unset=True, exclude_none=True),
    )
    with_etag(response, user)
    return user


@router.get("/tokens", response=list[TokenOut])
@paginate(LimitOffsetPagination)
def tokens(request: HttpRequest):
    return queries.tokens_of(user=request.user)


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request: HttpRequest, token_id: int):
    token = get_object_or_404(queries.tokens_of(user=request.user), pk=token_id)
    services.token_revoke(token=token)
    return Status(204, None)


@router.get("/users", response=list[UserOut])
@paginate(LimitOffsetPagination)
def users(request: HttpRequest, q: str = "", role: str = "", department: int | None = None):
    found = queries.colleagues_visible_to(user=request.user)
    if q:
        found = found.filter(username__icontains=q) | found.filter(last_name__icontains=q)
    if role:
        found = found.filter(role=role)
    if department:
        found = found.filter(department_id=department)
    return found


@router.get("/departments", response=list[DepartmentOut])
@paginate(LimitOffsetPagination)
def departments(request: HttpRequest):
    return queries.departments_visible_to(user=request.user)
