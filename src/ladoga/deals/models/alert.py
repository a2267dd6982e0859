"""What deal monitoring (A11) already told a manager, so nothing is told twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .deal import Deal


class AlertSignal(models.TextChoices):
    STALLED = "stalled", _("Stalled")
    STAGE_NORM = "stage_norm", _("Stage past its norm")
    TASK_OVERDUE = "task_overdue", _("Overdue task")
    CLOSE_DATE = "close_date", _("Past the expected close date")


class DealAlert(models.Model):
    """One thing the nightly monitoring told the deal's manager about.

    `key` names the occurrence: the task, the stage entry, the day the deal went quiet,
    the expected close date. A new occurrence (another task, a later stage entry, a moved
    close date) is a new alert; the same one is never sent again.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="alerts")
    signal = models.CharField(_("signal"), max_length=16, choices=AlertSignal.choices)
    key = models.CharField(_("occurrence"), max_length=64)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("deal alert")
        verbose_name_plural = _("deal alerts")
        constraints = [
            models.UniqueConstraint(fields=["deal", "signal", "key"], name="deal_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.signal} {self.key}"
