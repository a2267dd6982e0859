from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _staff_sees_kinds(user):
    """Card kinds are the catalogue of the whole staff; portal clients never see them."""
    from django.db.models import Q

    from ladoga.accounts.roles import STAFF_ROLES

    return Q(pk__isnull=False) if user.role in STAFF_ROLES else None


class LoyaltyConfig(AppConfig):
    name = "ladoga.loyalty"
    label = "loyalty"
    verbose_name = _("Loyalty cards")

    def ready(self):
        from ladoga.accounts import access
        from ladoga.accounts.roles import ROLE_PERMISSIONS, Role
        from ladoga.accounts.services import roles_sync
        from ladoga.partners.merging import merge_references_register

        from . import reports
        from .models import CardKind, CardThreshold, LoyaltyCard

        # Record-level access (X1): a card follows its client's responsible manager (and
        # the manager's heads); a portal client sees its own cards.
        access.register(LoyaltyCard, owner="partner__manager", portal_partner="partner_id")
        access.register(CardKind, owner="created_by", also=_staff_sees_kinds)
        access.register(CardThreshold, owner="kind__created_by", also=_staff_sees_kinds)
        # A partner merge (P9) moves the duplicate's cards to the survivor.
        merge_references_register(LoyaltyCard, "partner")
        reports.install()

        for role in (Role.ADMIN, Role.HEAD, Role.MANAGER):
            ROLE_PERMISSIONS[role] |= {"loyalty.issue_cards"}
        for role in (Role.ADMIN, Role.HEAD):
            ROLE_PERMISSIONS[role] |= {"loyalty.manage_kinds"}
        post_migrate.connect(lambda **kwargs: roles_sync(), sender=self, weak=False)
