from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _staff_sees_all(user):
    """The catalogue (products, prices, typical agreements…) is open to every member of
    staff; portal clients never reach this grant (accounts.access stops them first)."""
    from django.db.models import Q

    from ladoga.accounts.roles import STAFF_ROLES

    return Q(pk__isnull=False) if user.role in STAFF_ROLES else None


def _staff_sees_typical(user):
    from django.db.models import Q

    from ladoga.accounts.roles import STAFF_ROLES

    return Q(kind="typical") if user.role in STAFF_ROLES else None


class SalesConfig(AppConfig):
    name = "ladoga.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from ladoga.accounts import access
        from ladoga.accounts.roles import ROLE_PERMISSIONS, Role
        from ladoga.accounts.services import roles_sync
        from ladoga.core import files
        from ladoga.loyalty.purchases import purchases_source_register
        from ladoga.partners.merging import merge_references_register

        from . import loyalty_source
        from . import models as m

        # Loyalty (below sales) reads purchases through its registry: accumulative cards'
        # thresholds and the card-holder analysis.
        purchases_source_register(
            totals=loyalty_source.shipped_totals, monthly=loyalty_source.purchases_by_month
        )

        # Record-level access (X1). The catalogue is everyone's on the staff; agreements
        # and documents follow their partner's responsible manager (and the manager's
        # heads); portal clients see their own partner's documents once the portal
        # domain resolves them.
        for model in (m.ProductGroup, m.Product, m.PriceType, m.Price, m.SegmentRule, m.OwnCompany):
            access.register(model, owner="created_by", also=_staff_sees_all)
        access.register(
            m.Agreement,
            owner="partner__manager",
            portal_partner="partner_id",
            also=_staff_sees_typical,
        )
        for model in (
            m.Contract,
            m.Proposal,
            m.CustomerOrder,
            m.Invoice,
            m.Shipment,
            m.Payment,
        ):
            access.register(model, owner="partner__manager", portal_partner="partner_id")
        access.register(m.ProposalLine, owner="proposal__partner__manager")
        access.register(m.OrderLine, owner="order__partner__manager")
        # A supplier order is seen through the supplier and through the customer order.
        access.register(
            m.SupplierOrder, owner=("partner__manager", "customer_order__partner__manager")
        )

        for model in (m.Agreement, m.Contract, m.Proposal, m.CustomerOrder, m.Invoice):
            files.attachable_register(model)

        # A partner merge (P9) moves the duplicate's agreements and documents too.
        for model in (
            m.Agreement,
            m.Contract,
            m.Proposal,
            m.CustomerOrder,
            m.Invoice,
            m.Shipment,
            m.Payment,
            m.SupplierOrder,
        ):
            merge_references_register(model, "partner")

        # Who may do what (how far they see it is accounts.access's business). The
        # approve permission itself is in accounts.roles.
        for role in (Role.ADMIN, Role.HEAD, Role.MANAGER):
            ROLE_PERMISSIONS[role] |= {"sales.edit_documents"}
        for role in (Role.ADMIN, Role.HEAD):
            ROLE_PERMISSIONS[role] |= {"sales.manage_catalogue"}
        ROLE_PERMISSIONS[Role.ADMIN] |= {"sales.change_owncompany"}
        # accounts syncs the role groups after its own migrations, before this app's
        # permissions exist; sync again once they do.
        # Revenue by partner and payment discipline (S8) in the report registry.
        from .reports_registry import install as reports_install

        reports_install()
        # Its tabs and "new record" buttons on the partner card.
        from .partner_card import install as partner_card_install

        partner_card_install()
        post_migrate.connect(lambda **kwargs: roles_sync(), sender=self, weak=False)
