from django.urls import path, re_path

from . import views

app_name = "dav"

urlpatterns = [
    path("dav/", views.dav, name="root"),
    re_path(r"^dav(?P<path>/.*)?$", views.dav, name="path"),
    path(".well-known/caldav", views.well_known, name="well_known_caldav"),
    path(".well-known/carddav", views.well_known, name="well_known_carddav"),
]
