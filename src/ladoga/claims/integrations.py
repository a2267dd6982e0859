"""How claims plug into the interactions domain below them.

- A claim is a subject type (I3): interactions and tasks can be about a claim, and the
  claim's card lists them.
- The investigation plan (C2) is the claim's tasks on the one shared Task model.
- "Create based on" an interaction offers "a claim".
- New portal claims become in-app notifications for the staff who handle them.
"""

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.interactions.models import Interaction, Task, TaskStatus

from . import flow

SUBJECT_KEY = "claims.claim"


def install() -> None:
    """Register claims with the interactions domain's registries (called from ready())."""
    from ladoga.interactions.based_on import based_on_register
    from ladoga.interactions.subjects import subject_type_register

    from .models import Claim

    subject_type_register(
        Claim,
        label=gettext_lazy("Claim"),
        partner_of=lambda claim: claim.partner_id,
        url_of=lambda claim: reverse("claims:detail", args=[claim.pk]),
    )
    based_on_register(
        "claim",
        label=gettext_lazy("Claim"),
        url=lambda interaction: reverse("claims:create") + f"?interaction={interaction.pk}",
        available=lambda interaction, user: (
            interaction.partner_id is not None and user.has_perm("claims.add_claim")
        ),
    )


def tasks_of(claim):
    return Task.objects.filter(subject_type=SUBJECT_KEY, subject_id=claim.pk)


def plan_of(claim) -> dict:
    """The claim's tasks with dates and assignees, and the share of them done."""
    tasks = list(tasks_of(claim).select_related("assignee").order_by("due_date", "id"))
    live = [t for t in tasks if t.status != TaskStatus.CANCELLED]
    done = sum(1 for t in live if t.status == TaskStatus.DONE)
    return {
        "tasks": tasks,
        "total": len(live),
        "done": done,
        "progress": flow.plan_progress(done, len(live)),
    }


def plan_progress_of(claim_ids) -> dict[int, int]:
    """Plan progress in percent for many claims at once (list pages: one query)."""
    rows = (
        Task.objects.filter(subject_type=SUBJECT_KEY, subject_id__in=list(claim_ids))
        .exclude(status=TaskStatus.CANCELLED)
        .values_list("subject_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
    )
    return {claim_id: flow.plan_progress(done, total) for claim_id, total, done in rows}


def interactions_of(claim, user):
    """Interactions about the claim (and the one it was based on) that `user` may see,
    newest first."""
    about = Q(subject_type=SUBJECT_KEY, subject_id=claim.pk)
    if claim.interaction_id:
        about |= Q(pk=claim.interaction_id)
    return (
        access.visible(Interaction, user)
        .filter(about)
        .select_related("responsible")
        .order_by("-start", "-id")
    )


def url_or_blank(name: str, pk: int | None) -> str:
    """A record's page in another domain, or "" when that page does not exist (yet)."""
    if pk is None:
        return ""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def interaction_url(interaction) -> str:
    return url_or_blank("interactions:detail", interaction.pk)


def interaction_for_claim(*, interaction_id, user) -> Interaction | None:
    """An interaction `user` may see, to base a new claim on (None when not visible)."""
    if not interaction_id:
        return None
    return access.visible(Interaction, user).filter(pk=interaction_id).first()


def staff_to_notify(claim) -> list[User]:
    """Who hears of a new portal claim: every claims officer and the partner's manager."""
    people = {
        user.pk: user
        for user in User.objects.filter(role=Role.CLAIMS, is_active=True).order_by("pk")
    }
    manager = claim.partner.manager
    if manager is not None and manager.is_active:
        people.setdefault(manager.pk, manager)
    return list(people.values())


def notify_new_portal_claim(claim) -> int:
    """Tell the staff of a claim filed on the portal, in the app, each in their own
    language. Returns how many were told.

    The interactions domain owns the in-app notification (notification_send).
    """
    from ladoga.interactions.services import notification_send

    url = reverse("claims:detail", args=[claim.pk])
    told = 0
    for user in staff_to_notify(claim):
        with translation.override(user.language or None):
            title = _("New claim %(number)s from %(partner)s on the portal") % {
                "number": claim.number,
                "partner": claim.partner.name,
            }
        notification_send(user=user, title=title, text=claim.essence, url=url)
        told += 1
    return told


def interaction_subject_set(*, interaction, claim, by) -> None:
    """Make the interaction a claim was based on an interaction about the claim, unless it
    is already about something else (a deal, another interaction): then the claim's own
    `interaction` link is what ties them."""
    from ladoga.interactions.services import interaction_update

    if interaction.subject_type not in ("", "partners.partner"):
        return
    interaction_update(
        interaction=interaction,
        expected_version=None,
        by=by,
        subject_type=SUBJECT_KEY,
        subject_id=claim.pk,
    )
