from django.urls import path

from . import reports_views

app_name = "analytics"

urlpatterns = [
    path("", reports_views.report_menu, name="reports"),
    path("<slug:name>/", reports_views.report_page, name="report"),
    path("<slug:name>/settings/", reports_views.report_settings_page, name="report_settings"),
]
