"""Nightly work of analytics (X7), run by `ladoga worker`. Every task is idempotent:
running it twice tells nobody twice and plans nothing twice."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ladoga.deals.models import Deal
from ladoga.deals.services import deal_alert_record
from ladoga.interactions.models import ContactNorm
from ladoga.interactions.services import contact_follow_up_plan, notification_send
from ladoga.partners.models import Partner

from .classification_services import classification_recompute
from .monitoring import MonitoringLine, monitoring_lines
from .strategy import past_norm

MESSAGES = {
    "stalled": lambda line: (
        _("Deal %(deal)s is stalled: %(detail)s.")
        % {"deal": line.deal_number, "detail": line.detail}
    ),
    "stage_norm": lambda line: (
        _("Deal %(deal)s is past the norm of the stage «%(stage)s».")
        % {"deal": line.deal_number, "stage": line.detail}
    ),
    "task_overdue": lambda line: (
        _("Deal %(deal)s: the task «%(task)s» is overdue.")
        % {"deal": line.deal_number, "task": line.detail}
    ),
    "close_date": lambda line: (
        _("Deal %(deal)s is past its expected close date %(day)s.")
        % {"deal": line.deal_number, "day": line.due_on.strftime("%d.%m.%Y")}
    ),
}


def _notify(line: MonitoringLine, deal: Deal) -> None:
    manager = deal.manager
    with translation.override(manager.language or settings.LANGUAGE_CODE):
        notification_send(
            user=manager,
            title=MESSAGES[line.signal](line),
            text=f"{deal.number} {deal.name} — {deal.partner.name}",
            url=reverse("deals:detail", args=[deal.pk]),
        )


def monitoring_notify(on=None) -> int:
    """Tell each deal's manager, in their language, what became overdue since the last
    run; what was told before is not told again. Returns the number of notifications."""
    on = on or timezone.localdate()
    result = monitoring_lines(Deal.objects.all(), on=on)
    deals = Deal.objects.select_related("manager", "partner").in_bulk(
        {line.deal_id for line in result.lines}
    )
    sent = 0
    for line in result.lines:
        deal = deals[line.deal_id]
        with transaction.atomic():
            if deal_alert_record(deal=deal, signal=line.signal, key=line.key):
                _notify(line, deal)
                sent += 1
    return sent


def contact_follow_ups_plan(on=None) -> int:
    """Plan one interaction for the manager of each client newly past a contact norm.
    Returns how many were planned."""
    on = on or timezone.localdate()
    rows = past_norm(Partner.objects.all(), on=on)
    norms = ContactNorm.objects.in_bulk({row.norm_id for row in rows})
    partners = Partner.objects.select_related("manager").in_bulk({row.partner_id for row in rows})
    planned = 0
    for row in rows:
        manager = partners[row.partner_id].manager
        with translation.override(manager.language or settings.LANGUAGE_CODE):
            made = contact_follow_up_plan(
                norm=norms[row.norm_id], partner=partners[row.partner_id], due_on=row.due_on, on=on
            )
        planned += made is not None
    return planned


@db_periodic_task(crontab(minute="41", hour="3"), name="analytics.monitoring_notify")
def monitoring_notify_nightly() -> int:
    """Every night (03:41 UTC)."""
    return monitoring_notify()


@db_periodic_task(crontab(minute="47", hour="3"), name="analytics.contact_follow_ups_plan")
def contact_follow_ups_nightly() -> int:
    """Every night (03:47 UTC)."""
    return contact_follow_ups_plan()


@db_periodic_task(crontab(minute="17", hour="2"), name="analytics.classification_recompute")
def classification_nightly() -> int:
    """Every night (02:17 UTC) classify the clients again (ABC/XYZ, RFM) and tell managers
    about good clients who have become at risk. Returns the number of clients classified."""
    return classification_recompute(scheduled=True).clients
