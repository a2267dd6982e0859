"""Stored client classification (SPEC A7, L3): the settings, every recomputation (a run)
and each client's class in it.

The current class of a client is its row in the latest finished run: the provider that
`partners.classes` asks reads it with one query over the (run, partner) index. A run keeps
each client's class since when it has held it and the class it had before, so the card
reads "A X since March 2026; was B Y" without looking at older runs.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ladoga.partners.models import Partner


class Basis(models.TextChoices):
    REVENUE = "revenue", _("Revenue")
    ORDERS = "orders", _("Number of shipments")


class ClassificationSettings(models.Model):
    """The one row of thresholds the classification runs with (`settings_current`)."""

    basis = models.CharField(
        _("basis"), max_length=16, choices=Basis.choices, default=Basis.REVENUE
    )
    a_share = models.DecimalField(_("A share, %"), max_digits=5, decimal_places=2, default=80)
    b_share = models.DecimalField(_("B share, %"), max_digits=5, decimal_places=2, default=15)
    c_share = models.DecimalField(_("C share, %"), max_digits=5, decimal_places=2, default=5)
    months = models.PositiveSmallIntegerField(_("months"), default=12)
    x_limit = models.DecimalField(_("X up to, %"), max_digits=6, decimal_places=2, default=10)
    y_limit = models.DecimalField(_("Y up to, %"), max_digits=6, decimal_places=2, default=25)
    stopped_factor = models.DecimalField(
        _("stopped buying after N usual intervals"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("classification settings")
        verbose_name_plural = _("classification settings")

    def __str__(self) -> str:
        return f"{self.a_share}/{self.b_share}/{self.c_share} %, {self.months}"


class ClassificationRun(models.Model):
    """One recomputation: when, by whom (or the schedule), with which settings, over
    which months."""

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    scheduled = models.BooleanField(_("by the schedule"), default=False)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    a_share = models.DecimalField(_("A share, %"), max_digits=5, decimal_places=2)
    b_share = models.DecimalField(_("B share, %"), max_digits=5, decimal_places=2)
    c_share = models.DecimalField(_("C share, %"), max_digits=5, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("months"))
    x_limit = models.DecimalField(_("X up to, %"), max_digits=6, decimal_places=2)
    y_limit = models.DecimalField(_("Y up to, %"), max_digits=6, decimal_places=2)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    clients = models.PositiveIntegerField(_("clients"), default=0)
    # The ABC×XYZ matrix of all clients, written with the run: {"AX": [clients, "revenue"]}.
    # Whoever sees every client reads it instead of grouping 100,000 rows on each visit.
    cells = models.JSONField(_("matrix cells"), default=dict, blank=True)

    class Meta:
        verbose_name = _("classification run")
        verbose_name_plural = _("classification runs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["finished_at", "id"], name="classification_run_done")]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m} – {self.period_end:%Y-%m}"


class ClientClassification(models.Model):
    """A client's class in one run, with the figures it was decided by."""

    # The rows of a run are written once, 100,000 at a time, by the recomputation that
    # created the run, for clients it has just read from their shipments in the same
    # transaction. So the database does not check each row's run and partner at commit
    # (that check locks every client's partner row, and costs a sixth of the recompute);
    # deleting a run or a partner still deletes its rows (Django's cascade), and reads
    # join the partner. The run needs no index of its own: the unique (run, partner)
    # index leads with it.
    run = models.ForeignKey(
        ClassificationRun,
        on_delete=models.CASCADE,
        related_name="classes",
        verbose_name=_("run"),
        db_index=False,
        db_constraint=False,
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partner"),
        db_constraint=False,
    )
    abc = models.CharField(_("ABC"), max_length=1)
    xyz = models.CharField(_("XYZ"), max_length=1, blank=True)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    revenue = models.DecimalField(_("revenue"), max_digits=18, decimal_places=2)
    shipments = models.PositiveIntegerField(_("shipments"), default=0)
    share = models.DecimalField(_("share, %"), max_digits=9, decimal_places=4)
    cumulative_share = models.DecimalField(_("cumulative share, %"), max_digits=9, decimal_places=4)
    cv = models.DecimalField(_("variation, %"), max_digits=12, decimal_places=2, null=True)
    last_purchase = models.DateField(_("last purchase"), null=True)
    recency = models.PositiveSmallIntegerField(_("R"), default=0)
    frequency = models.PositiveSmallIntegerField(_("F"), default=0)
    monetary = models.PositiveSmallIntegerField(_("M"), default=0)
    rfm = models.CharField(_("RFM segment"), max_length=16, blank=True)
    since = models.DateField(_("since"))
    previous = models.CharField(_("previous class"), max_length=2, blank=True)
    previous_rfm = models.CharField(_("previous RFM segment"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("client class")
        verbose_name_plural = _("client classes")
        constraints = [
            models.UniqueConstraint(fields=["run", "partner"], name="classification_run_partner")
        ]
        indexes = [models.Index(fields=["run", "abc", "xyz"], name="classification_cell")]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.label}"

    @property
    def label(self) -> str:
        return f"{self.abc}{self.xyz}"
