from django.contrib import admin
from django.urls import include, path

from ladoga.accounts import urls as accounts_urls
from ladoga.analytics import views as analytics_views
from ladoga.api import api
from ladoga.claims import urls as claims_urls
from ladoga.core import health
from ladoga.dav import urls as dav_urls
from ladoga.deals import urls as deals_urls
from ladoga.interactions import urls as interactions_urls
from ladoga.loyalty import urls as loyalty_urls
from ladoga.portal import urls as portal_urls
from ladoga.sales import urls as sales_urls
from ladoga.web import views as web_views
from ladoga.webhooks import urls as webhooks_urls

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", analytics_views.dashboard, name="dashboard"),
    path(
        "dashboard/blocks/<slug:name>/",
        analytics_views.dashboard_block,
        name="dashboard_block",
    ),
    path("", include(accounts_urls)),
    path("soon/<slug:key>/", web_views.upcoming, name="upcoming"),
    path("partners/", include("ladoga.partners.urls")),
    path("interactions/", include(interactions_urls)),
    path("claims/", include(claims_urls)),
    path("deals/", include(deals_urls)),
    path("portal/", include(portal_urls)),
    path("sales/", include(sales_urls)),
    path("", include("ladoga.analytics.urls")),
    path("loyalty/", include(loyalty_urls)),
    path("settings/webhooks/", include(webhooks_urls)),
    path("api/v1/", api.urls),
    path("", include(dav_urls)),
    path("admin/", admin.site.urls),
]
