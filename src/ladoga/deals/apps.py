from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

_RECORDS = ("deal", "dealparty", "stagetransition")
_WORK = {f"deals.{verb}_{model}" for model in _RECORDS for verb in ("add", "change", "view")}
_READ = {
    "deals.view_deal",
    "deals.view_dealkind",
    "deals.view_stage",
    "deals.view_lossreason",
    "deals.view_dealparty",
    "deals.view_stagetransition",
}
_CONFIGURE = {"deals.manage_deal_kinds"} | {
    f"deals.{verb}_{model}"
    for model in ("dealkind", "stage", "stagetasktemplate", "kindlink", "lossreason")
    for verb in ("add", "change", "delete", "view")
}


class DealsConfig(AppConfig):
    name = "ladoga.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self):
        from django.urls import reverse

        from ladoga.accounts import access
        from ladoga.accounts.roles import ROLE_PERMISSIONS, Role
        from ladoga.accounts.services import roles_sync
        from ladoga.core.files import attachable_register
        from ladoga.interactions.based_on import based_on_register
        from ladoga.interactions.subjects import subject_type_register
        from ladoga.partners.merging import merge_references_register
        from ladoga.sales.deal_links import deal_resolver_register

        from . import models as m

        # Record-level access (X1): a deal is its manager's (and the manager's heads');
        # an administrator sees all. Its history, environment, reached stages, tasks
        # (through the subject registry) and documents follow the deal; the funnel's
        # running totals are per manager, so they follow the same rule.
        access.register(m.Deal, owner="manager")
        through = "deal__manager"
        access.register(m.StageTransition, owner=through)
        access.register(m.DealParty, owner=through)
        access.register(m.StageReach, owner=through)
        access.register(m.FunnelCell, owner="manager")
        access.register(m.DealAlert, owner=through)
        # Kinds, stages and loss reasons are a catalogue every member of staff reads.
        for model in (m.DealKind, m.Stage, m.LossReason, m.KindLink):
            access.register(model, owner="created_by", also=_staff_sees_catalogue)
        attachable_register(m.Deal)
        attachable_register(m.DealKind)

        # Interactions and tasks can be about a deal (I3, D4); "create based on" an
        # interaction offers a deal.
        subject_type_register(
            m.Deal,
            label=_("Deal"),
            partner_of=lambda deal: deal.partner_id,
            url_of=lambda deal: reverse("deals:detail", args=[deal.pk]),
        )
        based_on_register(
            "deal",
            label=_("Deal"),
            url=lambda interaction: reverse("deals:create") + f"?interaction={interaction.pk}",
            available=lambda interaction, user: user.has_perm("deals.add_deal"),
        )

        # Sales documents name their deal by a plain `deal_id`; sales asks here whether
        # the deal exists and the user may see it before it stores one.
        deal_resolver_register(_deal_resolve)

        # A partner merge (P9) moves the duplicate's deals, environment and lost-to marks.
        merge_references_register(m.Deal, "partner")
        merge_references_register(m.Deal, "competitor")
        merge_references_register(m.DealParty, "partner", mover=_party_mover)

        for role in (Role.ADMIN, Role.HEAD, Role.MANAGER):
            ROLE_PERMISSIONS[role] |= _WORK | _READ
        ROLE_PERMISSIONS[Role.CLAIMS] |= _READ
        for role in (Role.ADMIN, Role.HEAD):
            ROLE_PERMISSIONS[role] |= _CONFIGURE
        # The funnel, efficiency and forecast reports (A1, A2, A4) in the report registry.
        from .reports_registry import install as reports_install

        reports_install()
        # Its tabs and "new record" buttons on the partner card.
        from .partner_card import install as partner_card_install

        partner_card_install()
        post_migrate.connect(lambda **kwargs: roles_sync(), sender=self, weak=False)


def _deal_resolve(deal_id: int, user) -> int | None:
    """The partner of deal `deal_id` if it exists and `user` may see it (`None`: the
    system); None otherwise."""
    from ladoga.accounts.access import visible

    from .models import Deal

    deals = Deal.objects.all() if user is None else visible(Deal.objects.all(), user)
    return deals.filter(pk=deal_id).values_list("partner_id", flat=True).first()


def _staff_sees_catalogue(user):
    from django.db.models import Q

    from ladoga.accounts.roles import Role

    return Q(pk__isnull=False) if user.role != Role.PORTAL else None


def _party_mover(survivor, duplicate) -> int:
    """Move environment parties, dropping one that would repeat the survivor's role."""
    from django.db.models import F

    from .models import DealParty

    moved = 0
    for party in DealParty.objects.filter(partner=duplicate):
        clash = DealParty.objects.filter(
            deal_id=party.deal_id, partner=survivor, role=party.role
        ).exists()
        if clash or party.deal.partner_id == survivor.pk:
            party.delete()
        else:
            moved += DealParty.objects.filter(pk=party.pk).update(
                partner=survivor, version=F("version") + 1
            )
    return moved
