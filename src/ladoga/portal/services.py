"""Writes of the client portal (C4): binding portal users, filing claims, commenting.

A portal user acts for exactly one partner. Every command takes the partner the request
names and refuses, as "not found", anything that is not the user's own: a portal user
can neither file for another partner nor learn that another partner's record exists.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.claims import links
from ladoga.claims.errors import ClaimsCode
from ladoga.claims.models import Claim, ClaimComment, ClaimSource
from ladoga.claims.services import claim_comment_add, claim_create
from ladoga.core.errors import DomainError, ValidationFailed, Violation
from ladoga.core.files import check_size, clean_file_name, detect_type
from ladoga.core.services import attachment_add
from ladoga.partners.models import Partner

from .errors import PortalCode, PortalNotFound
from .models import PortalAccount

MAX_FILES = 10
_CACHE = "_portal_partner_id"


def portal_partner_id_of(user) -> int | None:
    """The partner a portal user acts for (None for staff and unbound users).

    Remembered on the user object for the request, since every visibility check asks.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "role", None) != Role.PORTAL:
        return None
    if not hasattr(user, _CACHE):
        setattr(
            user,
            _CACHE,
            PortalAccount.objects.filter(user_id=user.pk)
            .values_list("partner_id", flat=True)
            .first(),
        )
    return getattr(user, _CACHE)


@transaction.atomic
def portal_account_bind(*, user: User, partner_id: int, by: User | None = None) -> PortalAccount:
    """Bind a portal user to the partner it acts for (rebinding replaces the old link)."""
    if user.role != Role.PORTAL:
        raise ValidationFailed.single(
            PortalCode.NOT_A_PORTAL_USER, _("Only portal users are bound to a partner."), "user"
        )
    partner = Partner.objects.filter(pk=partner_id, status="active").first()
    if partner is None:
        raise ValidationFailed.single(
            PortalCode.PARTNER_UNKNOWN,
            _("There is no active partner number %(id)s.") % {"id": partner_id},
            "partner",
        )
    account = PortalAccount.objects.select_for_update().filter(user=user).first()
    if account is None:
        account = PortalAccount.objects.create(user=user, partner=partner, created_by=by)
    elif account.partner_id != partner.pk:
        account.partner = partner
        account.save(update_fields=["partner"])
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
    return account


def portal_partner_bind(user: User, partner_id: int) -> None:
    """The binder `accounts` calls for `ladoga user create … --role portal --partner ID`."""
    portal_account_bind(user=user, partner_id=partner_id)


def _own_partner(user: User, partner_id: int | None) -> Partner:
    own = portal_partner_id_of(user)
    if own is None:
        raise PortalNotFound.single(
            PortalCode.ACCOUNT_MISSING, _("Your portal account is not bound to a partner.")
        )
    if partner_id is not None and int(partner_id) != own:
        # Another partner's id: answered as if it did not exist.
        raise PortalNotFound.single(PortalCode.PARTNER_UNKNOWN, _("Not found."), "partner")
    return Partner.objects.get(pk=own)


def _files_check(files) -> list[Violation]:
    """Check every upload before anything is written, so a bad file stops the claim."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        return [
            Violation(
                PortalCode.TOO_MANY_FILES,
                _("Attach at most %(count)d files.") % {"count": MAX_FILES},
                "files",
            )
        ]
    violations = []
    for upload in files:
        try:
            name = clean_file_name(upload.name or "")
            check_size(upload.size or 0)
            upload.seek(0)
            detect_type(upload.read(8192), name)
            upload.seek(0)
        except DomainError as error:  # FileRejected, FileTooLarge
            violations += [
                Violation(v.code, f"{upload.name}: {v.message}", "files") for v in error.violations
            ]
    return violations


@transaction.atomic
def portal_claim_file(
    *, user: User, partner_id: int | None, essence: str, order_number: str = "", files=()
) -> Claim:
    """File a claim for the portal user's own partner, optionally naming one of its orders
    by number and attaching files. The staff who handle claims are notified. Nothing is
    written when anything is refused."""
    partner = _own_partner(user, partner_id)
    violations = _files_check(files)
    order = None
    order_number = (order_number or "").strip()
    if order_number:
        order = links.order_by_number(order_number, partner_id=partner.pk)
        if order is None:
            violations.append(
                Violation(
                    PortalCode.ORDER_UNKNOWN,
                    _("You have no order numbered %(number)s.") % {"number": order_number},
                    "order_number",
                )
            )
    if not (essence or "").strip():
        violations.insert(
            0,
            Violation(
                ClaimsCode.ESSENCE_REQUIRED, _("Describe what the claim is about."), "essence"
            ),
        )
    if violations:
        raise ValidationFailed(violations)
    claim = claim_create(
        partner=partner,
        essence=essence,
        order=order,
        by=user,
        responsible=None,
        source=ClaimSource.PORTAL,
    )
    # A failure rolls the rows back, and with them the files stored so far (core.files).
    for upload in files or []:
        attachment_add(target=claim, upload=upload, by=user)
    return claim


def portal_claim_get(*, user: User, claim_id: int) -> Claim:
    """One of the user's partner's claims; another partner's answers "not found"."""
    partner = _own_partner(user, None)
    claim = (
        Claim.objects.select_related("partner", "reason", "order")
        .filter(pk=claim_id, partner_id=partner.pk)
        .first()
    )
    if claim is None:
        raise PortalNotFound.single(PortalCode.PARTNER_UNKNOWN, _("Not found."))
    return claim


@transaction.atomic
def portal_comment_add(*, user: User, claim_id: int, text: str) -> ClaimComment:
    """Add the client's comment to one of its own claims (public; kept as plain text)."""
    claim = portal_claim_get(user=user, claim_id=claim_id)
    return claim_comment_add(claim=claim, text=text, by=user, is_public=True)
