"""Portal accounts, read-only: bind a portal user with `ladoga user create … --partner ID`
(or portal_account_bind), so the binding rules are never bypassed."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PortalAccount


@admin.register(PortalAccount)
class PortalAccountAdmin(SimpleHistoryAdmin):
    list_display = ("user", "partner", "created_at")
    search_fields = ("user__username", "partner__name")
    list_select_related = ("user", "partner")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
