from django.urls import path

from .views import contacts, duplicates, imports, partners, records, relations, wizard

app_name = "partners"

urlpatterns = [
    path("", partners.partner_list, name="list"),
    path("new/", partners.partner_create, name="create"),
    path("register/", wizard.wizard, name="wizard_start"),
    path("register/registry/", wizard.registry_fill, name="registry_fill"),
    path("register/<slug:step>/", wizard.wizard, name="wizard"),
    path("duplicates/", duplicates.duplicates_review, name="duplicates"),
    path("duplicates/check/", partners.duplicate_check, name="duplicate_check"),
    path("import/", imports.import_upload, name="import"),
    path("import/<str:job_id>/", imports.import_job, name="import_job"),
    path("import/<str:job_id>/run/", imports.import_run, name="import_run"),
    path("import/<str:job_id>/progress/", imports.import_progress, name="import_progress"),
    path("pick/<slug:owner_type>/", relations.pick, name="pick"),
    path("<int:pk>/", partners.partner_detail, name="detail"),
    path("<int:pk>/edit/", partners.partner_edit, name="edit"),
    path("<int:pk>/archive/", partners.partner_archive, name="archive"),
    path("<int:pk>/restore/", partners.partner_restore, name="restore"),
    path("<int:pk>/merge/<int:duplicate_id>/", duplicates.partner_merge, name="merge"),
    path("<int:pk>/counterparties/new/", records.counterparty_create, name="counterparty_create"),
    path("<int:pk>/contacts/new/", contacts.contact_create, name="contact_create"),
    path("<int:pk>/contacts.vcf", contacts.partner_vcards, name="partner_vcards"),
    path("<int:pk>/contacts/import-vcard/", contacts.vcard_import, name="vcard_import"),
    path(
        "<slug:owner_type>/<int:pk>/contact-info/",
        records.contact_info_edit,
        name="contact_info_edit",
    ),
    path("<slug:owner_type>/<int:pk>/properties/", records.properties_edit, name="properties_edit"),
    path("<slug:owner_type>/<int:pk>/relations/", relations.relation_add, name="relation_add"),
    path(
        "<slug:owner_type>/<int:pk>/relations/<int:relation_id>/delete/",
        relations.relation_delete,
        name="relation_delete",
    ),
    path("counterparties/<int:pk>/edit/", records.counterparty_edit, name="counterparty_edit"),
    path(
        "counterparties/<int:pk>/registry-check/",
        records.counterparty_registry_check,
        name="registry_check",
    ),
    path(
        "counterparties/<int:pk>/bank-accounts/new/",
        records.bank_account_add,
        name="bank_account_add",
    ),
    path("bank-accounts/<int:pk>/delete/", records.bank_account_delete, name="bank_account_delete"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/vcard.vcf", contacts.contact_vcard, name="contact_vcard"),
]
