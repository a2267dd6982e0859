"""The REST API (X2): one NinjaAPI at /api/v1/ that every domain adds its router to."""

import re

from ninja import NinjaAPI

from ladoga.accounts.api import auth_router
from ladoga.accounts.api import router as accounts_router
from ladoga.accounts.attachments import router as files_router
from ladoga.accounts.auth import api_auth
from ladoga.analytics.api import router as analytics_router
from ladoga.analytics.classification_api import router as classification_router
from ladoga.analytics.clients_api import router as analytics_clients_router
from ladoga.claims.api import router as claims_router
from ladoga.core.api import install_problem_handlers
from ladoga.deals.api import router as deals_router
from ladoga.interactions import api as interactions_api
from ladoga.interactions.api_calendar import router as interactions_calendar_router
from ladoga.interactions.mail_api import router as mail_accounts_router
from ladoga.interactions.norms_api import router as contact_norms_router
from ladoga.loyalty.api import router as loyalty_router
from ladoga.partners.api import router as partners_router
from ladoga.partners.exchange_api import router as partners_exchange_router
from ladoga.sales.api import router as sales_router
from ladoga.webhooks.api import router as webhooks_router

IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": (
        "Send a unique key (e.g. a UUID) to make a retry safe: the first answer is kept for "
        "24 hours and replayed (with `Idempotent-Replayed: true`) for the same key and body; "
        "the same key with another body is 422, and 409 while the first request still runs."
    ),
}


def _generic_report_names(paths: dict) -> None:
    """The generic `reports/{name}` answers every report but those with an address of their
    own (the deals and claims reports, in their older shapes, routed first): say so in its
    parameter's pattern, so the document promises one shape per address."""
    own = sorted(
        path.rsplit("/", 1)[1] for path in paths if re.fullmatch(r".*/reports/[^/{}]+", path)
    )
    generic = next((p for p in paths if p.endswith("/reports/{name}")), None)
    if not own or generic is None:
        return
    for parameter in paths[generic]["get"].get("parameters", []):
        if parameter["name"] == "name" and parameter["in"] == "path":
            parameter["schema"]["pattern"] = "^(?!(" + "|".join(own) + ")$)[^/]+$"


class LadogaApi(NinjaAPI):
    """The API, whose schema documents the Idempotency-Key header of every POST (S5)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, operations in schema["paths"].items():
            post = operations.get("post")
            if post is not None and "/auth/" not in path:
                post.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
        _generic_report_names(schema["paths"])
        return schema


api = LadogaApi(
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
api.add_router("/contact-norms", contact_norms_router)
api.add_router("/mail-accounts", mail_accounts_router)
api.add_router("/", claims_router)
api.add_router("/", loyalty_router)
api.add_router("/", sales_router)
api.add_router("/", deals_router)
api.add_router("/", classification_router)
# After the deals and claims routers: their own /reports/funnel etc. stay as they are.
api.add_router("/", analytics_router)
api.add_router("/", analytics_clients_router)
api.add_router("/webhooks", webhooks_router)
