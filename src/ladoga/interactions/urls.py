from django.urls import path

from . import calendar, mail_views, norm_views, views

app_name = "interactions"

urlpatterns = [
    path("", views.interaction_list, name="list"),
    path("norms/", norm_views.norm_list, name="norms"),
    path("norms/new/", norm_views.norm_edit, name="norm_create"),
    path("norms/<int:norm_id>/", norm_views.norm_edit, name="norm_edit"),
    path("norms/<int:norm_id>/delete/", norm_views.norm_delete, name="norm_delete"),
    path("mail-accounts/", mail_views.mail_account_list, name="mail_accounts"),
    path("mail-accounts/new/", mail_views.mail_account_edit, name="mail_account_create"),
    path("mail-accounts/<int:account_id>/", mail_views.mail_account_edit, name="mail_account_edit"),
    path(
        "mail-accounts/<int:account_id>/test/",
        mail_views.mail_account_test,
        name="mail_account_test",
    ),
    path(
        "mail-accounts/<int:account_id>/fetch/",
        mail_views.mail_account_fetch_now,
        name="mail_account_fetch",
    ),
    path(
        "mail-accounts/<int:account_id>/delete/",
        mail_views.mail_account_delete,
        name="mail_account_delete",
    ),
    path("unprocessed/", views.unprocessed, name="unprocessed"),
    path("new/<slug:kind>/", views.interaction_create, name="create"),
    path("import-eml/", views.import_eml, name="import_eml"),
    path("<int:pk>/", views.interaction_detail, name="detail"),
    path("<int:pk>/edit/", views.interaction_edit, name="edit"),
    path("<int:pk>/review/", views.interaction_review, name="review"),
    path("<int:pk>/send/", views.interaction_send, name="send"),
    path("<int:pk>/files/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/event.ics", calendar.event_ics, name="ics"),
    path(
        "<int:pk>/participants/<int:participant_id>/link/",
        views.participant_link,
        name="participant_link",
    ),
    path(
        "<int:pk>/participants/<int:participant_id>/contact/",
        views.contact_from_participant,
        name="contact_from_participant",
    ),
    path("partner/<int:partner_id>/timeline/", views.partner_timeline, name="partner_timeline"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("<int:pk>/reschedule/", calendar.reschedule, name="reschedule"),
    path("calendar/feed/", calendar.feed_create, name="feed_create"),
    path("calendar/feed/revoke/", calendar.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", calendar.feed, name="feed"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/badge/", views.notifications_badge, name="notifications_badge"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
]
