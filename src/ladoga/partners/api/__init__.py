"""The partners domain's REST API (DESIGN.md "API shape"): parse → service or query → schema.

Every list and every record goes through accounts.access: records the caller cannot see
answer 404. Writing needs the role's permission (403 otherwise: portal clients, say).
"""

from . import catalogues, contacts, counterparties, partners, relations  # noqa: F401 -- endpoints
from ._common import router

__all__ = ["router"]
