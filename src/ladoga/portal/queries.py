"""Reads of the client portal: only the portal user's own partner's claims (C4)."""

from django.db.models import Count, Q, QuerySet

from ladoga.accounts import access
from ladoga.claims.models import Claim, ClaimComment
from ladoga.core.services import attachments_of


def portal_claims(*, user) -> QuerySet[Claim]:
    """The claims of the user's partner, newest first, with their public comment counts.

    Goes through `accounts.access`, whose portal scope is the user's partner only."""
    return (
        access.visible(Claim.objects.all(), user)
        .annotate(public_comments=Count("comments", filter=Q(comments__is_public=True)))
        .only("id", "number", "date", "status", "resolution", "essence", "partner_id")
        .order_by("-date", "-id")
    )


def portal_comments(*, claim: Claim) -> QuerySet[ClaimComment]:
    return claim.comments.filter(is_public=True).select_related("author")


def portal_files(*, claim: Claim):
    return attachments_of(claim)
