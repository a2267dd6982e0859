"""The analytics pages: the Reports menu and the generic report pages under /reports/, the
classification, monitoring, contact norms and the dossier under /analytics/."""

from django.urls import include, path

from . import reports_views

app_name = "analytics"

urlpatterns = [
    path("reports/", reports_views.report_menu, name="reports"),
    path("reports/<slug:name>/", reports_views.report_page, name="report"),
    path(
        "reports/<slug:name>/settings/",
        reports_views.report_settings_page,
        name="report_settings",
    ),
    path("analytics/", include("ladoga.analytics.classification_urls")),
    path("analytics/", include("ladoga.analytics.clients_urls")),
]
