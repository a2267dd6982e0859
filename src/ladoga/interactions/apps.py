from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

_MODELS = ("interaction", "participant", "task")
_WORK = {f"interactions.{verb}_{model}" for model in _MODELS for verb in ("add", "change", "view")}


class InteractionsConfig(AppConfig):
    name = "ladoga.interactions"
    label = "interactions"
    verbose_name = _("Interactions")

    def ready(self):
        from django.urls import reverse

        from ladoga.accounts import access
        from ladoga.accounts.roles import ROLE_PERMISSIONS, Role
        from ladoga.accounts.services import roles_sync
        from ladoga.core import files
        from ladoga.partners.merging import merge_references_register
        from ladoga.partners.models import Partner
        from ladoga.partners.services import counterparty_flagged_listen

        from . import subjects
        from .based_on import based_on_register
        from .models import (
            ContactFollowUp,
            ContactNorm,
            Interaction,
            MailAccount,
            Participant,
            Task,
        )
        from .partner_alerts import counterparty_flagged_notify

        # Record-level access (X1): an interaction is seen by its responsible user, by whoever
        # sees its partner or the interaction it follows, by whoever may see its subject
        # (deals, claims… through the subject registry), and by their heads; an
        # administrator sees all. Tasks: their assignee and author, and the same subjects.
        access.register(
            Interaction,
            owner=("responsible", "partner__manager", "parent__responsible"),
            also=subjects.subjects_visible_q,
        )
        access.register(
            Task,
            owner=("assignee", "created_by", "partner__manager"),
            also=subjects.subjects_visible_q,
        )
        # Contact norms (A10) are a catalogue every member of staff reads; a follow-up
        # planned for a client is the client's manager's.
        access.register(ContactNorm, owner="created_by", also=_staff_sees_catalogue)
        access.register(ContactFollowUp, owner="partner__manager")
        # A mail account (I7) is its owner's (and their heads'); a shared one is also seen
        # by the people of the department it is shared with.
        access.register(MailAccount, owner="owner", also=_shared_mailbox_q)
        files.attachable_register(Interaction)

        # Built-in subject types (I3): a partner and another interaction.
        subjects.subject_type_register(
            Partner,
            label=_("Partner"),
            partner_of=lambda partner: partner.pk,
            url_of=_partner_url,
        )
        subjects.subject_type_register(
            Interaction,
            label=_("Interaction"),
            partner_of=lambda interaction: interaction.partner_id,
            url_of=lambda interaction: reverse("interactions:detail", args=[interaction.pk]),
        )
        based_on_register(
            "follow_up",
            label=_("Follow-up interaction"),
            url=lambda interaction: (
                reverse("interactions:create", args=["planned"]) + f"?based_on={interaction.pk}"
            ),
        )

        # The nightly registry re-check (P11) tells the responsible manager in the app.
        counterparty_flagged_listen(counterparty_flagged_notify)

        # A partner merge (P9) moves what points at the duplicate.
        merge_references_register(Interaction, "partner")
        merge_references_register(Interaction, "subject_id", mover=_subjects_mover(Interaction))
        merge_references_register(Participant, "partner")
        merge_references_register(Task, "partner")
        merge_references_register(Task, "subject_id", mover=_subjects_mover(Task))

        for role in (Role.ADMIN, Role.HEAD, Role.MANAGER, Role.CLAIMS):
            ROLE_PERMISSIONS[role] |= _WORK | {"interactions.view_contactnorm"}
        for role in (Role.ADMIN, Role.HEAD):
            ROLE_PERMISSIONS[role] |= {"interactions.manage_contact_norms"}
        # Unprocessed interactions by responsible user (A5) in the report registry.
        from .reports_registry import install as reports_install

        reports_install()
        # The timeline tab and the "new call/meeting" buttons on the partner card.
        from .partner_card import install as partner_card_install

        partner_card_install()
        post_migrate.connect(lambda **kwargs: roles_sync(), sender=self, weak=False)


def _staff_sees_catalogue(user):
    from django.db.models import Q

    from ladoga.accounts.roles import Role

    return Q(pk__isnull=False) if user.role != Role.PORTAL else None


def _shared_mailbox_q(user):
    from django.db.models import Q

    from ladoga.accounts.access import department_ids_of
    from ladoga.accounts.roles import Role

    if user.role == Role.PORTAL:
        return None
    departments = department_ids_of(user)
    return Q(department__in=sorted(departments)) if departments else None


def _partner_url(partner) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("partners:detail", args=[partner.pk])
    except NoReverseMatch:
        return ""


def _subjects_mover(model):
    def move(survivor, duplicate) -> int:
        from django.db.models import F

        return model._default_manager.filter(
            subject_type="partners.partner", subject_id=duplicate.pk
        ).update(subject_id=survivor.pk, version=F("version") + 1)

    return move
