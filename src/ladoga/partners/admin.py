"""The administration shows partners' records read-only: every change goes through the
services (the API and the pages), which keep the search keys (`name_key`, `key`), the
tax-number checks, duplicate rules and history right."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import keys
from . import models as m


class ReadOnlyAdmin(SimpleHistoryAdmin):
    readonly_fields = ("version",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "manager", "status")
    list_filter = (
        "status",
        "kind",
        "is_client",
        "is_supplier",
        "is_competitor",
        "is_carrier",
        "is_other",
        "is_potential_client",
        "group",
    )
    search_fields = ("name", "name_key")
    list_select_related = ("manager",)
    readonly_fields = ("name_key", "version")

    def get_search_results(self, request, queryset, search_term):
        """Also find a partner by its normalised name: «ООО "Ромашка"» finds "Romashka LLC"."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = keys.name_key(search_term) if search_term else ""
        if key:
            found |= queryset.filter(name_key__contains=key)
        return found, may_have_duplicates


@admin.register(m.Counterparty)
class CounterpartyAdmin(ReadOnlyAdmin):
    list_display = ("short_name", "inn", "kpp", "kind", "partner", "registry_status", "status")
    list_filter = ("status", "kind", "registry_status")
    search_fields = ("inn", "short_name")
    list_select_related = ("partner",)


@admin.register(m.ContactPerson)
class ContactPersonAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "position", "partner", "status")
    list_filter = ("status", "decision_role")
    search_fields = ("last_name", "first_name", "middle_name", "position")
    list_select_related = ("partner",)


@admin.register(m.ContactInfo)
class ContactInfoAdmin(ReadOnlyAdmin):
    list_display = ("kind", "value", "key", "partner", "is_primary")
    list_filter = ("kind",)
    search_fields = ("key",)
    list_select_related = ("partner",)
    readonly_fields = ("key", "version")


@admin.register(m.PartnerGroup)
class PartnerGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "parent")
    search_fields = ("name",)
    list_select_related = ("parent",)


@admin.register(m.Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)


@admin.register(m.PropertyDefinition)
class PropertyDefinitionAdmin(ReadOnlyAdmin):
    list_display = ("name", "applies_to", "value_type", "position")
    list_filter = ("applies_to", "value_type")
    search_fields = ("name",)


@admin.register(m.RelationType)
class RelationTypeAdmin(ReadOnlyAdmin):
    list_display = ("name", "inverse_name", "applies_to")
    list_filter = ("applies_to",)
    search_fields = ("name", "inverse_name")
