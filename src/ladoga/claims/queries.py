"""Reads of the claims domain, always through record-level access (accounts.access)."""

import datetime

from django.db.models import Q, QuerySet

from ladoga.accounts import access
from ladoga.accounts.roles import Role
from ladoga.partners.models import Partner

from . import integrations
from .models import Claim, ClaimComment, ClaimReason, ClaimStatus, ClaimTransition


def claims_visible_to(*, user) -> QuerySet[Claim]:
    return access.visible(
        Claim.objects.select_related(
            "partner", "reason", "culprit_department", "culprit_employee", "responsible"
        ),
        user,
    )


def partners_for_claims(*, user) -> QuerySet[Partner]:
    """The active partners `user` may register a claim of: those they see, and for a
    claims officer, who handles every claim, any partner."""
    if user.role == Role.CLAIMS and user.is_active:
        partners = Partner.objects.all()
    else:
        partners = access.visible(Partner, user)
    return partners.filter(status="active")


def claims_filter(
    claims: QuerySet[Claim],
    *,
    q: str = "",
    status: str = "",
    partner: int | None = None,
    reason: int | None = None,
    department: int | None = None,
    responsible: int | None = None,
    resolution: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    open_only: bool = False,
) -> QuerySet[Claim]:
    """Narrow a list of claims by the list page's and the API's filters."""
    q = (q or "").strip()
    if q:
        claims = claims.filter(
            Q(number__icontains=q) | Q(essence__icontains=q) | Q(partner__name__icontains=q)
        )
    if status:
        claims = claims.filter(status=status)
    if open_only:
        claims = claims.filter(status__in=[ClaimStatus.REGISTERED, ClaimStatus.INVESTIGATING])
    if resolution:
        claims = claims.filter(resolution=resolution)
    if partner:
        claims = claims.filter(partner_id=partner)
    if reason:
        claims = claims.filter(reason_id=reason)
    if department:
        claims = claims.filter(culprit_department_id=department)
    if responsible:
        claims = claims.filter(responsible_id=responsible)
    if date_from:
        claims = claims.filter(date__gte=date_from)
    if date_to:
        claims = claims.filter(date__lte=date_to)
    return claims


def claim_transitions(*, claim: Claim) -> QuerySet[ClaimTransition]:
    # In the order they were recorded (a backdated step keeps its place).
    return claim.transitions.select_related("by").order_by("id")


def claim_comments(*, claim: Claim, user) -> QuerySet[ClaimComment]:
    """A claim's comments as `user` may see them: a portal client only the public ones."""
    comments = access.visible(ClaimComment.objects.filter(claim=claim), user)
    if user.is_portal:
        comments = comments.filter(is_public=True)
    return comments.select_related("author")


def reasons_visible_to(*, user, active_only: bool = False) -> QuerySet[ClaimReason]:
    reasons = access.visible(ClaimReason, user)
    return reasons.filter(is_active=True) if active_only else reasons


def claim_plan(*, claim: Claim) -> dict:
    """The investigation plan: the claim's tasks and how far along they are."""
    return integrations.plan_of(claim)


def claim_interactions(*, claim: Claim, user):
    return integrations.interactions_of(claim, user)
