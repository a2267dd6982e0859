from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "ladoga.portal"
    label = "portal"
    verbose_name = _("Client portal")

    def ready(self):
        from ladoga.accounts import access
        from ladoga.partners.merging import merge_references_register

        from .models import PortalAccount
        from .services import portal_partner_bind, portal_partner_id_of

        # accounts.access asks the portal which partner a portal user acts for, and
        # `ladoga user create … --role portal --partner ID` binds one through it.
        access.portal_partner_resolver_register(portal_partner_id_of)
        access.portal_partner_binder_register(portal_partner_bind)
        access.register(PortalAccount, owner="partner__manager", portal_partner="partner_id")
        # A partner merge (P9) moves the duplicate's portal users to the survivor.
        merge_references_register(PortalAccount, "partner")
