from django.urls import path

from .views import board, deals, kinds, partner_card, reports, tasks

app_name = "deals"

urlpatterns = [
    path("", deals.deal_list, name="list"),
    path("new/", deals.deal_create, name="create"),
    path("<int:pk>/", deals.deal_detail, name="detail"),
    path("<int:pk>/edit/", deals.deal_edit, name="edit"),
    path("<int:pk>/move/", deals.deal_move, name="move"),
    path("<int:pk>/win/", deals.deal_win, name="win"),
    path("<int:pk>/lose/", deals.deal_lose, name="lose"),
    path("<int:pk>/reopen/", deals.deal_reopen, name="reopen"),
    path("<int:pk>/probability/", deals.deal_probability, name="probability"),
    path("<int:pk>/parties/", deals.party_add, name="party_add"),
    path("<int:pk>/parties/<int:party_id>/remove/", deals.party_remove, name="party_remove"),
    path("<int:pk>/tasks/", deals.task_add, name="task_add"),
    path("<int:pk>/files/", deals.file_upload, name="file_upload"),
    path("<int:pk>/create/<slug:what>/", deals.document_create, name="document_create"),
    path("partner/<int:partner_id>/", partner_card.partner_deals, name="partner_deals"),
    path("board/", board.board, name="board"),
    path("board/<int:kind_id>/", board.board_kind, name="board_kind"),
    path("board/<int:kind_id>/column/<int:stage_id>/", board.board_column, name="board_column"),
    path("tasks/", tasks.my_tasks, name="tasks"),
    path("tasks/<int:task_id>/done/", tasks.task_done, name="task_done"),
    path("kinds/", kinds.kind_list, name="kinds"),
    path("kinds/new/", kinds.kind_create, name="kind_create"),
    path("kinds/<int:kind_id>/", kinds.kind_detail, name="kind_detail"),
    path("kinds/<int:kind_id>/edit/", kinds.kind_edit, name="kind_edit"),
    path("kinds/<int:kind_id>/stages/new/", kinds.stage_save, name="stage_add"),
    path("kinds/<int:kind_id>/stages/<int:stage_id>/", kinds.stage_save, name="stage_save"),
    path(
        "kinds/<int:kind_id>/stages/<int:stage_id>/templates/",
        kinds.template_save,
        name="template_add",
    ),
    path(
        "kinds/<int:kind_id>/stages/<int:stage_id>/templates/<int:template_index>/remove/",
        kinds.template_save,
        name="template_remove",
    ),
    path("kinds/<int:kind_id>/links/", kinds.link_save, name="link_add"),
    path("kinds/<int:kind_id>/links/<int:link_id>/remove/", kinds.link_save, name="link_remove"),
    path("kinds/<int:kind_id>/files/", kinds.kind_file, name="kind_file"),
    path("reasons/", kinds.reasons, name="reasons"),
    path("reasons/<int:reason_id>/toggle/", kinds.reason_toggle, name="reason_toggle"),
    path("reports/funnel/", reports.report_funnel, name="report_funnel"),
    path("reports/efficiency/", reports.report_efficiency, name="report_efficiency"),
    path("reports/forecast/", reports.report_forecast, name="report_forecast"),
]
