from django.urls import path

from . import administration, attachments, password, views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.language_set, name="language_set"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", password.password_change, name="password_change"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("password-reset/", password.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        password.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        password.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        password.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("settings/users/", administration.user_list, name="user_list"),
    path("settings/users/new/", administration.user_create, name="user_create"),
    path("settings/users/<int:user_id>/", administration.user_edit, name="user_edit"),
    path(
        "settings/users/<int:user_id>/password/",
        administration.user_password_set,
        name="user_password_set",
    ),
    path(
        "settings/users/<int:user_id>/active/",
        administration.user_active_set,
        name="user_active_set",
    ),
    path("settings/departments/", administration.department_list, name="department_list"),
    path("settings/departments/new/", administration.department_edit, name="department_create"),
    path(
        "settings/departments/<int:department_id>/",
        administration.department_edit,
        name="department_edit",
    ),
    path("files/<int:attachment_id>/", attachments.attachment_download, name="attachment_download"),
]
