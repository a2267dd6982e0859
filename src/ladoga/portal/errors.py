"""Stable codes of the portal domain's rule errors."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ladoga.core.errors import DomainError


class PortalCode(StrEnum):
    NOT_A_PORTAL_USER = "portal_user_required"
    PARTNER_UNKNOWN = "portal_partner_unknown"
    ACCOUNT_MISSING = "portal_account_missing"
    ORDER_UNKNOWN = "portal_order_unknown"
    TOO_MANY_FILES = "portal_too_many_files"


class PortalNotFound(DomainError):
    """What a portal user asked for is not theirs: answered like a missing page (404), so
    nothing tells whether another partner's record exists."""

    status = 404
    title = _("Not found")
