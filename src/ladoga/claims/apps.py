from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

_RECORDS = ("claim", "claimcomment")
_WORK = {f"claims.{verb}_{model}" for model in _RECORDS for verb in ("add", "change", "view")}
_READ = {"claims.view_claim", "claims.view_claimcomment", "claims.view_claimreason"}
_CATALOGUE = {f"claims.{verb}_claimreason" for verb in ("add", "change", "delete")}


class ClaimsConfig(AppConfig):
    name = "ladoga.claims"
    label = "claims"
    verbose_name = _("Claims")

    def ready(self):
        from ladoga.accounts import access
        from ladoga.accounts.roles import ROLE_PERMISSIONS, Role
        from ladoga.accounts.services import roles_sync
        from ladoga.core.files import attachable_register
        from ladoga.partners.merging import merge_references_register

        from . import integrations
        from .access_rules import OWNER, claims_also, through
        from .models import Claim, ClaimComment, ClaimReason, ClaimTransition

        # Record-level access (X1): see access_rules for who sees what.
        access.register(Claim, owner=OWNER, portal_partner="partner_id", also=claims_also)
        claim_owner = tuple(f"claim__{path}" for path in OWNER)
        access.register(
            ClaimComment,
            owner=claim_owner,
            portal_partner="claim__partner_id",
            also=through("claim"),
        )
        access.register(ClaimTransition, owner=claim_owner, also=through("claim"))
        # The catalogue of reasons is shared by everyone on the staff.
        access.register(ClaimReason, owner="created_by", also=_staff_sees_catalogue)
        attachable_register(Claim)
        # A partner merge (P9) moves the duplicate's claims to the survivor.
        merge_references_register(Claim, "partner")
        integrations.install()

        for role in (Role.ADMIN, Role.HEAD, Role.MANAGER, Role.CLAIMS):
            ROLE_PERMISSIONS[role] |= _WORK | _READ
        for role in (Role.ADMIN, Role.CLAIMS):
            ROLE_PERMISSIONS[role] |= _CATALOGUE
        # The claim reports (C5) in the report registry.
        from .reports_registry import install as reports_install

        reports_install()
        # Its tabs and "new record" buttons on the partner card.
        from .partner_card import install as partner_card_install

        partner_card_install()
        post_migrate.connect(lambda **kwargs: roles_sync(), sender=self, weak=False)


def _staff_sees_catalogue(user):
    from django.db.models import Q

    from ladoga.accounts.roles import Role

    return Q(pk__isnull=False) if user.role != Role.PORTAL else None
