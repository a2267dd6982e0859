"""The funnel's running totals (A1): per kind, stage, opening day, manager and currency, how
many deals (and how much) reached the stage, and how many were lost at it, by reason.

Reading 1,000,000 stage moves for each funnel would take seconds; these cells hold the same
figures pre-added — a few rows per stage and day — so the funnel over any period, manager
and kind is one small aggregate. They are derived data, kept in step by the deal commands
in the same transaction (`funnel.py`) and rebuilt from the facts by `funnel.rebuild`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kind import DealKind, Stage


class FunnelMeasure(models.TextChoices):
    OPENED = "opened", _("Opened")  # at the stage the deal started at
    REACHED = "reached", _("Reached")
    LOST = "lost", _("Lost")


class FunnelCell(models.Model):
    kind = models.ForeignKey(DealKind, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the deals' opening day
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    currency = models.CharField(max_length=3)
    measure = models.CharField(max_length=8, choices=FunnelMeasure.choices)
    reason_id = models.PositiveBigIntegerField(default=0)  # the loss reason; 0 for "reached"
    deals = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("funnel cell")
        verbose_name_plural = _("funnel cells")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "day", "stage", "manager", "currency", "measure", "reason_id"],
                name="deal_funnel_cell_unique",
            )
        ]
        indexes = [
            # the funnel's one query reads only this index
            models.Index(
                fields=[
                    "kind",
                    "currency",
                    "day",
                    "measure",
                    "stage",
                    "reason_id",
                    "manager",
                    "deals",
                    "amount",
                ],
                name="deal_funnel_cell_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind_id}/{self.stage_id}/{self.day}/{self.measure}: {self.deals}"
