from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What each role may do with the partners domain's records (how far it sees them is
# decided by accounts.access; these say whether it may change them at all).
_RECORDS = (
    "partner",
    "counterparty",
    "contactperson",
    "contactinfo",
    "bankaccount",
    "propertyvalue",
    "partnerrelation",
    "contactrelation",
)
_CATALOGUES = ("partnergroup", "segment", "propertydefinition", "relationtype")
_WORK = {f"partners.{verb}_{model}" for model in _RECORDS for verb in ("add", "change", "view")}
_READ = {f"partners.view_{model}" for model in (*_RECORDS, *_CATALOGUES)}
_ADMINISTER = {
    f"partners.{verb}_{model}" for model in _CATALOGUES for verb in ("add", "change", "delete")
}


class PartnersConfig(AppConfig):
    name = "ladoga.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from ladoga.accounts import access
        from ladoga.accounts.roles import ROLE_PERMISSIONS, Role
        from ladoga.accounts.services import roles_sync
        from ladoga.core import files

        from . import models as m
        from .merging import merge_references_register

        # Record-level access (X1): a manager sees the partners they are responsible for
        # and everything hanging off them; a head their department's; an administrator all.
        access.register(m.Partner, owner="manager", portal_partner="id")
        access.register(m.Counterparty, owner="partner__manager", portal_partner="partner_id")
        access.register(m.ContactPerson, owner="partner__manager", portal_partner="partner_id")
        access.register(m.ContactInfo, owner="partner__manager", portal_partner="partner_id")
        access.register(m.BankAccount, owner="counterparty__partner__manager")
        access.register(m.PropertyValue, owner=("partner__manager", "contact__partner__manager"))
        # A relation is seen by whoever sees either end.
        access.register(m.PartnerRelation, owner=("source__manager", "target__manager"))
        access.register(
            m.ContactRelation,
            owner=("source__partner__manager", "target__partner__manager"),
        )
        access.register(m.PartnerMerge, owner="survivor__manager")

        for model in (m.Partner, m.Counterparty, m.ContactPerson):
            if hasattr(files, "attachable_register"):
                files.attachable_register(model)

        # The partners domain's own references: moved by partner_merge like any other.
        merge_references_register(m.Counterparty, "partner")
        merge_references_register(m.ContactPerson, "partner")
        merge_references_register(m.ContactInfo, "partner")

        for role in (Role.ADMIN, Role.HEAD, Role.MANAGER):
            ROLE_PERMISSIONS[role] |= _WORK | _READ
        ROLE_PERMISSIONS[Role.ADMIN] |= _ADMINISTER
        ROLE_PERMISSIONS[Role.CLAIMS] |= _READ
        # accounts syncs the role groups after its own migrations, before this app's
        # permissions exist; sync again once they do.
        post_migrate.connect(lambda **kwargs: roles_sync(), sender=self, weak=False)
