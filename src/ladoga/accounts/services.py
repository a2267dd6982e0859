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
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.core.errors import (
    Conflict,
    DomainError,
    NotAuthenticated,
    Throttled,
    ValidationFailed,
    Violation,
)
from ladoga.core.text import control_characters_check
from ladoga.core.versioning import version_check

from . import access
from .errors import AccountsCode
from .models import ApiToken, Department, IdempotentRequest, LoginFailure, User
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


def _department_name_check(name: str, *, department: Department | None = None) -> str:
    name = (name or "").strip()
    limit = Department._meta.get_field("name").max_length
    if not name:
        raise ValidationFailed.single(
            AccountsCode.DEPARTMENT_UNKNOWN, _("A department needs a name."), "name"
        )
    if len(name) > limit:
        raise ValidationFailed.single(
            AccountsCode.DEPARTMENT_UNKNOWN,
            _("A department's name has at most %(limit)d characters.") % {"limit": limit},
            "name",
        )
    control_characters_check(name, field="name", multiline=False)
    taken = Department.objects.filter(name__iexact=name)
    if department is not None:
        taken = taken.exclude(pk=department.pk)
    if taken.exists():
        raise Conflict.single(
            AccountsCode.DEPARTMENT_NAME_TAKEN,
            _("A department named %(name)s already exists.") % {"name": name},
            "name",
        )
    return name


def _department_head_check(head: User | None) -> None:
    """A department's head is an active head of sales: the role whose scope is the
    departments they head (accounts.access)."""
    if head is not None and not (
        User.objects.filter(pk=head.pk, is_active=True, role=Role.HEAD).exists()
    ):
        raise ValidationFailed.single(
            AccountsCode.DEPARTMENT_HEAD_INVALID,
            _("%(user)s cannot head a department: a head is an active user with the role %(role)s.")
            % {"user": head, "role": Role.HEAD.label},
            "head",
        )


def _department_parent_check(department: Department, parent: Department | None) -> None:
    """A department cannot sit inside itself or inside one of its own sub-units."""
    parents = dict(Department.objects.values_list("id", "parent_id"))
    seen: set[int] = set()
    current = parent.pk if parent is not None else None
    while current is not None and current not in seen:
        if current == department.pk:
            raise ValidationFailed.single(
                AccountsCode.DEPARTMENT_PARENT_CYCLE,
                _("%(department)s cannot be inside itself or inside one of its sub-units.")
                % {"department": department},
                "parent",
            )
        seen.add(current)
        current = parents.get(current)


@transaction.atomic
def department_create(
    *,
    name: str,
    parent: Department | None = None,
    head: User | None = None,
    by: User | None = None,
) -> Department:
    name = _department_name_check(name)
    _department_head_check(head)
    department = Department(name=name, parent=parent, head=head, created_by=by)
    department._history_user = by
    department.save()
    return department


@transaction.atomic
def department_update(
    *,
    department: Department,
    expected_version: int | None,
    name: str,
    parent: Department | None,
    head: User | None,
    by: User | None = None,
) -> Department:
    """Rename a department, move it under another or none, change its head."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    version_check(record=department, expected=expected_version)
    name = _department_name_check(name, department=department)
    _department_parent_check(department, parent)
    if head is None or head.pk != department.head_id:
        _department_head_check(head)
    department.name, department.parent, department.head = name, parent, head
    department._history_user = by
    department.save()
    return department


@transaction.atomic
def department_head_set(*, department: Department, head: User | None, by=None) -> Department:
    _department_head_check(head)
    department.head = head
    department._history_user = by
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
    partner_id: int | None = None,
    by: User | None = None,
) -> User:
    """Create a user with a role (its group and access scope). No password: cannot sign in.
    A portal user acts for one partner, so it is created bound to `partner_id` or not at all."""
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
    if role == Role.PORTAL and partner_id is None:
        violations.append(
            Violation(
                AccountsCode.PORTAL_PARTNER_REQUIRED,
                _("A portal user needs the partner it acts for."),
                "partner",
            )
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
    user._history_user = by
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
    if partner_id is not None:
        user_portal_partner_bind(user=user, partner_id=partner_id)
    return user


def _is_active_administrator(user: User) -> bool:
    return user.is_active and (user.role == Role.ADMIN or user.is_superuser)


def _last_administrator_check(user: User, message) -> None:
    """Refuse a change that would leave nobody able to administer Ladoga. Every active
    administrator's row is locked (in key order), so two administrators removing each other
    at once cannot both succeed: the second sees the first's change when its lock arrives."""
    administrators = list(
        User.objects.select_for_update()
        .filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not [pk for pk in administrators if pk != user.pk]:
        raise Conflict.single(AccountsCode.LAST_ADMINISTRATOR, message)


def _name_violations(changes: dict) -> list[Violation]:
    violations = []
    for name in ("first_name", "last_name"):
        value = changes.get(name) or ""
        limit = User._meta.get_field(name).max_length
        if len(value) > limit:
            violations.append(
                Violation(
                    AccountsCode.USERNAME_INVALID,
                    _("%(field)s: at most %(limit)d characters.")
                    % {"field": User._meta.get_field(name).verbose_name, "limit": limit},
                    name,
                )
            )
    return violations


def _role_groups_set(user: User) -> None:
    user.groups.set([Group.objects.get_or_create(name=group_name(user.role))[0]])


@transaction.atomic
def user_update(
    *,
    user: User,
    expected_version: int | None,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    department: Department | None,
    by: User | None = None,
) -> User:
    """An administrator changes a user's name, e-mail, role and department. The role brings
    its group (permissions) and access scope; a portal user stays one (it acts for a
    partner), and the last active administrator keeps the role."""
    user = User.objects.select_for_update().get(pk=user.pk)
    version_check(record=user, expected=expected_version)
    changes = {"first_name": first_name.strip(), "last_name": last_name.strip()}
    violations = _name_violations(changes)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            violations.append(
                Violation(AccountsCode.EMAIL_INVALID, _("Enter a valid e-mail address."), "email")
            )
    try:
        role = _role_check(role)
    except DomainError as error:
        violations.extend(error.violations)
    else:
        if (role == Role.PORTAL) != (user.role == Role.PORTAL):
            violations.append(
                Violation(
                    AccountsCode.PORTAL_ROLE_FIXED,
                    _(
                        "A portal user acts for a partner: its role cannot be changed to or "
                        "from %(role)s."
                    )
                    % {"role": Role.PORTAL.label},
                    "role",
                )
            )
    if violations:
        raise ValidationFailed(violations)
    if role != Role.ADMIN and _is_active_administrator(user):
        _last_administrator_check(
            user, _("%(user)s is the last active administrator: the role stays.") % {"user": user}
        )
    role_changed = role != user.role
    user.first_name, user.last_name = changes["first_name"], changes["last_name"]
    user.email, user.role, user.department = email, role, department
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user._history_user = by
    user.save()
    if role_changed:
        _role_groups_set(user)
    return user


@transaction.atomic
def user_active_set(*, user: User, active: bool, by: User | None = None) -> User:
    """Let a user sign in again, or stop them: an inactive user cannot sign in, their
    session and API tokens stop working, and their records stay as they are. An
    administrator cannot deactivate themselves, nor the last active administrator."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    if not active:
        if by is not None and by.pk == user.pk:
            raise Conflict.single(
                AccountsCode.SELF_DEACTIVATION, _("You cannot deactivate yourself.")
            )
        if _is_active_administrator(user):
            _last_administrator_check(
                user,
                _("%(user)s is the last active administrator and cannot be deactivated.")
                % {"user": user},
            )
    user.is_active = active
    user._history_user = by
    user.save(update_fields=["is_active"])
    return user


def _password_check(user: User, password: str, field: str) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        raise ValidationFailed(
            [Violation(AccountsCode.PASSWORD_WEAK, str(m), field) for m in error.messages]
        ) from None


@transaction.atomic
def user_password_set(*, user: User, password: str, by: User | None = None) -> User:
    """An administrator gives a user a new password (Django's password validators apply)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _password_check(user, password, "password")
    user.set_password(password)
    user._history_user = by
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    """A user changes their own password: the old one first, then the validators."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password or ""):
        raise ValidationFailed.single(
            AccountsCode.PASSWORD_WRONG, _("The current password is wrong."), "old_password"
        )
    _password_check(user, new_password, "new_password")
    user.set_password(new_password)
    user._history_user = user
    user.save(update_fields=["password"])
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


def _retry_after(rows) -> int:
    """Seconds until the oldest of the counted attempts leaves the window."""
    oldest = rows.order_by("at").values_list("at", flat=True).first()
    window = datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    if oldest is None:
        return 1
    return max(1, int((oldest + window - timezone.now()).total_seconds()) + 1)


def login_throttle_take(*, username: str, address: str | None) -> LoginFailure:
    """Count this sign-in attempt before its password is checked, or refuse it.

    The attempt is written first and then counted together with the earlier ones, so of many
    parallel attempts at most the limit get through. A name is locked after
    LOGIN_FAILURE_LIMIT recent failures; an address after LOGIN_FAILURE_ADDRESS_LIMIT failures
    for existing names (made-up names lock only themselves). Refused attempts are not kept.
    """
    name = username.strip().lower()[:150]
    known = User.objects.filter(username__iexact=name).exists()
    attempt = LoginFailure.objects.create(username=name, address=address, known=known)
    since = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    by_name = recent.filter(username=name)
    by_address = recent.filter(address=address, known=True) if address and known else None
    locked = None
    if by_name.count() > settings.LOGIN_FAILURE_LIMIT:
        locked = by_name
    elif by_address is not None and by_address.count() > settings.LOGIN_FAILURE_ADDRESS_LIMIT:
        locked = by_address
    if locked is not None:
        attempt.delete()
        seconds = _retry_after(locked.exclude(pk=attempt.pk))
        raise Throttled(
            [
                Violation(
                    AccountsCode.LOGIN_THROTTLED,
                    _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.")
                    % {"minutes": max(1, (seconds + 59) // 60)},
                )
            ],
            retry_after=seconds,
        )
    return attempt


def login_attempt(*, request, username: str, password: str) -> User:
    """Check a name and password, with throttling (S2): the attempt is counted before the
    password is checked and kept as a failure; a success forgets the name's failures."""
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    attempt = login_throttle_take(username=username, address=address)
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise NotAuthenticated.single(
            AccountsCode.CREDENTIALS_INVALID, _("The user name or password is wrong.")
        )
    LoginFailure.objects.filter(username=attempt.username).delete()
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


IDEMPOTENCY_KEPT = datetime.timedelta(hours=24)
# Only these headers of a stored answer are replayed; the rest are recomputed per response.
IDEMPOTENCY_HEADERS = ("Content-Type", "Location", "ETag", "Content-Language")


def idempotency_fingerprint(*, method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def idempotency_claim(
    *, user: User, key: str, fingerprint: str
) -> tuple[IdempotentRequest | None, bool]:
    """Take `key` for this user's request, or find who has it.

    Returns (record, True) when this request is the first with the key: the row is committed
    at once, so a parallel request with the key cannot take it too (the unique constraint).
    Returns (record, False) for an earlier request: its stored answer, or status None while it
    still runs; (None, False) when the earlier request gave up the key a moment ago.
    """
    IdempotentRequest.objects.filter(
        user=user, key=key, created_at__lt=timezone.now() - IDEMPOTENCY_KEPT
    ).delete()
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint)
        return record, True
    except IntegrityError:
        return IdempotentRequest.objects.filter(user=user, key=key).first(), False


def idempotency_store(*, record: IdempotentRequest, status: int, headers, body: bytes) -> None:
    """Keep the answer the first request got, to replay it for retries."""
    IdempotentRequest.objects.filter(pk=record.pk).update(
        status=status,
        headers={name: headers[name] for name in IDEMPOTENCY_HEADERS if name in headers},
        body=body,
    )


def idempotency_release(*, record: IdempotentRequest) -> None:
    """Give the key back (the request failed on the server's side): a retry runs it anew."""
    IdempotentRequest.objects.filter(pk=record.pk).delete()


def idempotent_requests_prune() -> int:
    """Forget stored answers older than 24 h; their keys may be used again. Idempotent."""
    removed, _by_model = IdempotentRequest.objects.filter(
        created_at__lt=timezone.now() - IDEMPOTENCY_KEPT
    ).delete()
    return removed
