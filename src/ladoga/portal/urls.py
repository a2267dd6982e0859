from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim"),
    path("claims/<int:claim_id>/comments/", views.comment_add, name="comment_add"),
    path(
        "claims/<int:claim_id>/files/<int:attachment_id>/",
        views.file_download,
        name="file",
    ),
]
