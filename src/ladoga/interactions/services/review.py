"""Reviewing interactions (I4): marking one reviewed, deferring its review to a later date
or handing it to another responsible user."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.accounts.models import User
from ladoga.core.errors import ValidationFailed, Violation

from ..errors import InteractionsCode
from ..models import Interaction, ReviewStatus
from ._common import locked_checked, staff_user_check
from .reminders import reminders_schedule


def review_after_check(review_after) -> list[Violation]:
    """A review is deferred to a day after today (also checked when an interaction is
    created with `review_after`)."""
    if review_after is not None and review_after <= timezone.localdate():
        return [
            Violation(
                InteractionsCode.REVIEW_AFTER_PAST,
                _("Defer the review to a date after today."),
                "review_after",
            )
        ]
    return []


@transaction.atomic
def interaction_review(
    *,
    interaction: Interaction,
    by: User,
    reviewed: bool = True,
    review_after: datetime.date | None = None,
    responsible: User | None = None,
    expected_version: int | None = None,
) -> Interaction:
    """Mark an interaction reviewed, defer its review to a later date, or hand it to
    another responsible user (whose unprocessed list it then joins) (I4)."""
    interaction = locked_checked(Interaction, interaction, expected_version)
    violations = review_after_check(review_after)
    if responsible is not None:
        violations += staff_user_check(
            responsible, InteractionsCode.RESPONSIBLE_INVALID, "responsible_id"
        )
    if violations:
        raise ValidationFailed(violations)
    if responsible is not None and responsible.pk != interaction.responsible_id:
        interaction.responsible = responsible
        if responsible.pk != by.pk:
            reviewed = False
    if review_after is not None:
        reviewed = False
    interaction.review_status = ReviewStatus.REVIEWED if reviewed else ReviewStatus.NOT_REVIEWED
    interaction.review_after = None if reviewed else review_after
    interaction.reviewed_by = by if reviewed else None
    interaction.reviewed_at = timezone.now() if reviewed else None
    interaction.save()
    if responsible is not None:
        reminders_schedule(interaction=interaction, minutes=None, keep=True)
    return interaction
