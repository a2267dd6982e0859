"""The administration shows sales records read-only: every change goes through the
services (the API and the pages), so rules and history are never bypassed."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models as m


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "unit", "vat_rate", "group", "is_archived")
    search_fields = ("code", "name")
    list_filter = ("is_archived", "group")


@admin.register(m.PriceType)
class PriceTypeAdmin(ReadOnlyAdmin):
    list_display = ("name", "currency", "base", "percent", "is_archived")


@admin.register(m.Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("number", "name", "kind", "partner", "status", "valid_from", "valid_to")
    list_filter = ("kind", "status")
    search_fields = ("number", "name")


@admin.register(m.CustomerOrder)
class CustomerOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "partner", "status", "total")
    list_filter = ("status",)
    search_fields = ("number",)
    list_select_related = ("partner",)


@admin.register(m.Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "partner", "total", "paid")
    list_select_related = ("partner",)
