"""Pages of the analytics domain, under /analytics/."""

from django.urls import include, path

app_name = "analytics"

urlpatterns = [
    path("", include("ladoga.analytics.classification_urls")),
]
