from django.urls import path

from . import partner_card_views, views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/", views.claim_create, name="create"),
    path("reasons/", views.reason_list, name="reasons"),
    path(
        "partner/<int:partner_id>/",
        partner_card_views.partner_claims,
        name="partner_claims",
    ),
    path("reports/dynamics/", views.report_dynamics, name="report_dynamics"),
    path("reports/satisfaction/", views.report_satisfaction, name="report_satisfaction"),
    path("reports/structure/", views.report_structure, name="report_structure"),
    path("<int:claim_id>/", views.claim_detail, name="detail"),
    path("<int:claim_id>/edit/", views.claim_edit, name="edit"),
    path("<int:claim_id>/transition/", views.claim_transition, name="transition"),
    path("<int:claim_id>/comments/", views.comment_add, name="comment_add"),
    path("<int:claim_id>/files/", views.file_add, name="file_add"),
    path("<int:claim_id>/plan/", views.task_add, name="task_add"),
    path("<int:claim_id>/plan/<int:task_id>/done/", views.task_complete, name="task_complete"),
]
