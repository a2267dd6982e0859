"""The REST API (X2): one NinjaAPI at /api/v1/ that every domain adds its router to."""

from ninja import NinjaAPI

from ladoga.accounts.api import auth_router
from ladoga.accounts.api import router as accounts_router
from ladoga.accounts.attachments import router as files_router
from ladoga.accounts.auth import api_auth
from ladoga.claims.api import router as claims_router
from ladoga.core.api import install_problem_handlers
from ladoga.deals.api import router as deals_router
from ladoga.interactions import api as interactions_api
from ladoga.interactions.api_calendar import router as interactions_calendar_router
from ladoga.partners.api import router as partners_router
from ladoga.partners.exchange_api import router as partners_exchange_router
from ladoga.sales.api import router as sales_router

api = NinjaAPI(
    title="Ladoga API",
    version="1",
    description=(
        "The Ladoga CRM API. Authenticate with `Authorization: Bearer <token>` (from "
        "`ladoga token create USERNAME` or `POST /api/v1/auth/token`). Lists answer "
        '`{"items": [...], "count": N}` and take `limit` and `offset`. Errors are RFC 9457 '
        "problem documents. Records carry a version: GET returns it as the ETag and PATCH "
        "needs it in If-Match."
    ),
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_problem_handlers(api)
api.add_router("/auth", auth_router)
api.add_router("/", accounts_router)
api.add_router("/files", files_router)
# Before the partners router: its /contacts/{contact_id} would otherwise take /contacts/vcard.
api.add_router("/", partners_exchange_router)
api.add_router("/", partners_router)
# Before the interactions router: its /{interaction_id} would otherwise take /calendar-feed.
api.add_router("/interactions", interactions_calendar_router)
api.add_router("/interactions", interactions_api.router)
api.add_router("/tasks", interactions_api.tasks_router)
api.add_router("/notifications", interactions_api.notifications_router)
api.add_router("/", claims_router)
api.add_router("/", sales_router)
api.add_router("/", deals_router)
