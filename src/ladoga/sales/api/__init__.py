"""The sales domain's REST API (DESIGN.md "API shape"): parse → service or query → schema.

Every list and record goes through accounts.access: what the caller cannot see answers
404. Writing needs the role's permission (403 otherwise). Rule errors are problem
documents with SalesCode codes; posting an order that breaks its agreement answers 422
listing every violation.
"""

from ninja import Router

from . import agreements, catalogue, documents

router = Router()
router.add_router("", catalogue.router)
router.add_router("", agreements.router)
router.add_router("", documents.router)
