"""Stable codes of the DAV face's refusals; the rules themselves stay in the domains."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ladoga.core.errors import DomainError


class DavCode(StrEnum):
    READ_ONLY = "dav_read_only"
    CREATE_REFUSED = "dav_create_refused"
    DELETE_REFUSED = "dav_delete_refused"
    EVENT_MISSING = "dav_event_missing"
    FORBIDDEN = "dav_forbidden"


class Refused(DomainError):
    """The calendar or address book does not take this change: answered 403 Forbidden."""

    status = 403
    title = _("The calendar does not accept this change")
