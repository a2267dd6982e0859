"""Writes of the accounts domain: users, departments, roles, API tokens, sign-in throttling."""

import datetime
import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.core.errors import Conflict, DomainError, ValidationFailed, Violation
from ladoga.core.versioning import version_check

from . import access
from .errors import AccountsCode
from .models import ApiToken, Department, LoginFailure, User
from .roles import ROLE_PERMISSIONS, Role, group_name

TOKEN_PREFIX = "ldg_"
# last_used_at is written at most this often per token, so reads do not become writes.
TOKEN_TOUCH_INTERVAL = datetime.timedelta(minutes=1)


def roles_sync() -> None:
    """Create a group per role and give it exactly the role's permissions."""
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name(role))
        wanted = []
        for code in sorted(codes):
            app_label, codename = code.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


def _role_check(role: str) -> Role:
    if role not in Role.values:
        raise ValidationFailed.single(
            AccountsCode.ROLE_UNKNOWN,
            _("Unknown role %(role)s; choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            "role",
        )
    return Role(role)


@transaction.atomic
def department_create(*, name: str, parent: Department | None = None, by=None) -> Department:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.single(
            AccountsCode.DEPARTMENT_UNKNOWN, _("A department needs a name."), "name"
        )
    if Department.objects.filter(name__iexact=name).exists():
        raise Conflict.single(
            AccountsCode.DEPARTMENT_NAME_TAKEN,
            _("A department named %(name)s already exists.") % {"name": name},
            "name",
        )
    return Department.objects.create(name=name, parent=parent, created_by=by)


@transaction.atomic
def department_head_set(*, department: Department, head: User | None, by=None) -> Department:
    department.head = head
    department.save(update_fields=["head"])
    return department


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    department: Department | None = None,
    language: str = "ru",
    by: User | None = None,
) -> User:
    """Create a user with a role (its group and access scope). No password: cannot sign in."""
    violations: list[Violation] = []
    username = (username or "").strip()
    try:
        UnicodeUsernameValidator()(username)
        if not username:
            raise DjangoValidationError("empty")
    except DjangoValidationError:
        violations.append(
            Violation(
                AccountsCode.USERNAME_INVALID,
                _("A user name is 1–150 letters, digits and @/./+/-/_ only."),
                "username",
            )
        )
    try:
        role = _role_check(role)
    except DomainError as error:
        violations.extend(error.violations)
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            violations.append(
                Violation(AccountsCode.EMAIL_INVALID, _("Enter a valid e-mail address."), "email")
            )
    if language not in dict(settings.LANGUAGES):
        violations.append(
            Violation(AccountsCode.LANGUAGE_UNKNOWN, _("Unknown language."), "language")
        )
    if violations:
        raise ValidationFailed(violations)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict.single(
            AccountsCode.USERNAME_TAKEN,
            _("The user name %(username)s is taken.") % {"username": username},
            "username",
        )
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        department=department,
        language=language,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
        created_by=by,
    )
    if password:
        try:
            validate_password(password, user)
        except DjangoValidationError as error:
            raise ValidationFailed(
                [Violation(AccountsCode.PASSWORD_WEAK, str(m), "password") for m in error.messages]
            ) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.set([Group.objects.get_or_create(name=group_name(role))[0]])
    return user


@transaction.atomic
def user_profile_update(*, user: User, expected_version: int | None, **changes) -> User:
    """Change a user's own name, e-mail, language or time zone (X5: on the version read)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    version_check(record=user, expected=expected_version)
    violations = []
    if changes.get("email"):
        try:
            validate_email(changes["email"])
        except DjangoValidationError:
            violations.append(
                Violation(AccountsCode.EMAIL_INVALID, _("Enter a valid e-mail address."), "email")
            )
    if "language" in changes and changes["language"] not in dict(settings.LANGUAGES):
        violations.append(
            Violation(AccountsCode.LANGUAGE_UNKNOWN, _("Unknown language."), "language")
        )
    if "time_zone" in changes and changes["time_zone"] not in zoneinfo.available_timezones():
        violations.append(
            Violation(AccountsCode.TIME_ZONE_UNKNOWN, _("Unknown time zone."), "time_zone")
        )
    if violations:
        raise ValidationFailed(violations)
    allowed = {"first_name", "last_name", "email", "language", "time_zone"}
    for name, value in changes.items():
        if name in allowed:
            setattr(user, name, value)
    user.save()
    return user


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed.single(
            AccountsCode.LANGUAGE_UNKNOWN, _("Unknown language."), "language"
        )
    user.language = language
    user.save(update_fields=["language"])
    return user


def token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for `user`. Returns the record and the token, which is never stored."""
    secret = secrets.token_urlsafe(32)
    token = f"{TOKEN_PREFIX}{secret}"
    record = ApiToken.objects.create(
        user=user, name=name[:100], prefix=token[:12], key_hash=token_hash(token)
    )
    return record, token


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_use(*, token: str) -> User | None:
    """The active user behind a token, noting when it was last used; None if unknown."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


def _recent_failures(**lookup) -> int:
    since = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return LoginFailure.objects.filter(at__gte=since, **lookup).count()


def login_throttle_check(*, username: str, address: str | None) -> None:
    """Refuse a sign-in after too many recent failures for this name or this address."""
    limit = settings.LOGIN_FAILURE_LIMIT
    if _recent_failures(username__iexact=username) >= limit or (
        address and _recent_failures(address=address) >= limit * 4
    ):
        minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
        raise DomainError.single(
            AccountsCode.LOGIN_THROTTLED,
            _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.")
            % {"minutes": minutes},
        )


def login_attempt(*, request, username: str, password: str) -> User:
    """Check a name and password, with throttling; records failures, forgets them on success."""
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    login_throttle_check(username=username, address=address)
    user = authenticate(request, username=username, password=password)
    if user is None:
        LoginFailure.objects.create(username=username[:150], address=address)
        raise ValidationFailed.single(
            AccountsCode.CREDENTIALS_INVALID, _("The user name or password is wrong.")
        )
    LoginFailure.objects.filter(username__iexact=username).delete()
    return user


@transaction.atomic
def user_portal_partner_bind(*, user: User, partner_id: int) -> None:
    """Bind a portal user to the partner it acts for (the portal domain keeps the link)."""
    if user.role != Role.PORTAL:
        raise ValidationFailed.single(
            AccountsCode.PORTAL_PARTNER_REQUIRED,
            _("Only portal users are bound to a partner."),
            "partner",
        )
    binders = access.portal_partner_binders()
    if not binders:
        raise ValidationFailed.single(
            AccountsCode.PORTAL_PARTNER_REQUIRED,
            _("The client portal is not installed, so portal users cannot be bound yet."),
            "partner",
        )
    for binder in binders:
        binder(user, partner_id)


def login_failures_prune() -> int:
    """Forget failed sign-ins older than the throttling window: they no longer count against
    anyone. Idempotent; returns how many were removed."""
    since = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    removed, _by_model = LoginFailure.objects.filter(at__lt=since).delete()
    return removed
