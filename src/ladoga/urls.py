from django.contrib import admin
from django.urls import include, path

from ladoga.accounts import urls as accounts_urls
from ladoga.analytics import views as analytics_views
from ladoga.api import api
from ladoga.web import views as web_views

urlpatterns = [
    path("", analytics_views.dashboard, name="dashboard"),
    path("", include(accounts_urls)),
    path("soon/<slug:key>/", web_views.upcoming, name="upcoming"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
