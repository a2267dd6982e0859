"""The administration shows claims read-only: every change goes through the services (the
API and the pages), so the status flow, its history and the compensation rules are never
bypassed."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Claim, ClaimReason


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "partner", "reason", "culprit_department", "status")
    list_filter = ("status", "resolution", "source", "reason", "culprit_department")
    search_fields = ("number", "essence", "partner__name")
    list_select_related = ("partner", "reason", "culprit_department")
    date_hierarchy = "date"


@admin.register(ClaimReason)
class ClaimReasonAdmin(ReadOnlyAdmin):
    list_display = ("name", "is_active")
