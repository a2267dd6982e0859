from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import LossReason


@admin.register(LossReason)
class LossReasonAdmin(SimpleHistoryAdmin):
    """Read-only here: the catalogue is changed on the deals pages and through the API,
    whose services keep the rules."""

    list_display = ("name", "is_active")
    search_fields = ("name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
