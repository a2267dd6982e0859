"""Pages of the client classification (SPEC A7, A8, L3), under /analytics/classes/."""

from django.urls import path

from . import classification_views as views

urlpatterns = [
    path("classes/", views.matrix, name="classes"),
    path("classes/list/", views.class_list_page, name="classes_list"),
    path("classes/recompute/", views.recompute, name="classes_recompute"),
    path("classes/settings/", views.settings_page, name="classes_settings"),
    path("classes/reports/<slug:name>/", views.report_page, name="classes_report"),
]
