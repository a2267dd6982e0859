"""The deals domain's REST API (DESIGN.md "API shape"): parse → service or query → schema."""

from ninja import Router

from . import deals, kinds, reports

router = Router()
router.add_router("", kinds.router)
router.add_router("", deals.router)
router.add_router("", reports.router)
