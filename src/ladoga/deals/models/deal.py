"""Deals (D2), their stage history (D8) and the catalogue of loss reasons (D10).

A deal's probability (D9) is not stored: it is the manual override when one is set, else
its stage's (or, for a non-process kind, its kind's) estimate, recomputed from finished
deals by `probability.py`. So recomputing changes a handful of stage rows, never the deals.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel

from .kind import DealKind, Stage, probability_field


class DealStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


CLOSED_STATUSES = (DealStatus.WON, DealStatus.LOST)


class DealSource(models.TextChoices):
    NONE = "", _("Not known")
    INCOMING_CALL = "incoming_call", _("Incoming call")
    WEBSITE = "website", _("Web site")
    EMAIL = "email", _("E-mail")
    REFERRAL = "referral", _("Recommendation")
    EXHIBITION = "exhibition", _("Exhibition")
    ADVERTISING = "advertising", _("Advertising")
    REPEAT = "repeat", _("Repeat client")
    COLD = "cold", _("Cold contact")
    INTERACTION = "interaction", _("Interaction")


class LossReason(BusinessModel):
    """Why deals are lost (price, a competitor, no budget…): a catalogue (D10)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loss reason")
        verbose_name_plural = _("loss reasons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Deal(BusinessModel):
    """A sales opportunity with a client or a potential client («Сделка с клиентом»).

    `opened_on` is the deal's date (reports group by it); `stage_entered_at` is when it
    entered its current stage (the board shows the time in stage); `lost_at_stage` is the
    open stage it was in when lost, so the funnel counts losses per stage (A1).
    """

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("client"), on_delete=models.PROTECT, related_name="deals"
    )
    contacts = models.ManyToManyField(
        "partners.ContactPerson",
        verbose_name=_("contact persons"),
        blank=True,
        related_name="deals",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="deals",
    )
    kind = models.ForeignKey(
        DealKind, verbose_name=_("deal kind"), on_delete=models.PROTECT, related_name="deals"
    )
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DealStatus.choices, default=DealStatus.IN_PROGRESS
    )
    amount = models.DecimalField(
        _("potential amount"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    probability_override = probability_field(_("probability set by hand, %"), null=True, blank=True)
    agreement = models.ForeignKey(
        "sales.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=16, choices=DealSource.choices, blank=True, default=""
    )
    interaction = models.ForeignKey(
        "interactions.Interaction",
        verbose_name=_("based on interaction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_on = models.DateField(_("opened"), default=datetime.date.today)
    stage_entered_at = models.DateTimeField(_("in the stage since"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    loss_reason = models.ForeignKey(
        LossReason,
        verbose_name=_("loss reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
    )
    competitor = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("winning competitor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals_won_against",
    )
    lost_at_stage = models.ForeignKey(
        Stage,
        verbose_name=_("lost at stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[contacts])

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-opened_on", "-id"]
        indexes = [
            # the board: a kind's open deals by stage, soonest expected close first
            models.Index(
                fields=["kind", "status", "stage", "expected_close_date", "-amount", "id"],
                name="deal_board",
            ),
            models.Index(fields=["kind", "opened_on"], name="deal_kind_opened"),
            # the board's "won and lost in the last 30 days"
            models.Index(fields=["kind", "closed_at", "status"], name="deal_kind_closed"),
            models.Index(fields=["manager", "status"], name="deal_manager_status"),
            # the manager comparison: deals opened, and deals closed, in a period
            models.Index(fields=["manager", "opened_on"], name="deal_manager_opened"),
            models.Index(fields=["manager", "closed_at", "status"], name="deal_manager_closed"),
            # the weighted forecast: open deals by expected month
            models.Index(
                fields=["expected_close_date"],
                condition=Q(status="in_progress"),
                name="deal_open_by_close_date",
            ),
            models.Index(fields=["partner", "status"], name="deal_partner_status"),
            # deal monitoring: open deals long in their stage, per kind (stalled) and per
            # stage (past the stage's norm)
            models.Index(
                fields=["kind", "stage_entered_at"],
                condition=Q(status="in_progress"),
                name="deal_open_by_kind_entry",
            ),
            models.Index(
                fields=["stage", "stage_entered_at"],
                condition=Q(status="in_progress"),
                name="deal_open_by_stage_entry",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability_override__isnull=True) | Q(probability_override__lte=100),
                name="deal_probability_override_0_100",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="deal_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def probability_is_override(self) -> bool:
        return self.probability_override is not None and not self.is_closed

    @property
    def probability_computed(self):
        """The estimate for the deal's stage (or kind), ignoring the override (D9)."""
        if self.status == DealStatus.WON:
            return 100
        if self.status == DealStatus.LOST:
            return 0
        if self.stage_id is not None:
            return self.stage.probability
        kind = self.kind
        if kind.estimated_probability is not None:
            return kind.estimated_probability
        return kind.default_probability

    @property
    def probability(self):
        """What the deal shows and the forecast weighs: the override, else the estimate."""
        if self.probability_is_override:
            return self.probability_override
        return self.probability_computed

    @property
    def weighted_amount(self):
        if self.amount is None:
            return None
        from decimal import Decimal

        from ladoga.core.numbers import money

        return money(self.amount * Decimal(str(self.probability)) / 100)


class DealAction(models.TextChoices):
    CREATED = "created", _("Created")
    MOVED = "moved", _("Moved")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    REOPENED = "reopened", _("Reopened")


class StageTransition(models.Model):
    """One step of a deal's history (D8): who, when, from which stage and status to which.
    The time a deal spent in a stage is the gap to the next row."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=16, choices=DealAction.choices)
    from_stage = models.ForeignKey(
        Stage,
        verbose_name=_("from stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_stage = models.ForeignKey(
        Stage,
        verbose_name=_("to stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(
        _("from status"), max_length=16, choices=DealStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=16, choices=DealStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    loss_reason = models.ForeignKey(
        LossReason,
        verbose_name=_("loss reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["deal", "at"], name="deal_transition_deal_at")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"


class StageReach(models.Model):
    """That a deal reached a stage, once per (deal, stage), with when it first did.

    Written together with the transition; the funnel (A1) and the probability estimate
    (D9) read it as a set, so a deal that returned to a stage counts once.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="reached")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    first_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stage reached")
        verbose_name_plural = _("stages reached")
        constraints = [
            models.UniqueConstraint(fields=["deal", "stage"], name="deal_stage_reach_unique")
        ]
        indexes = [models.Index(fields=["stage", "deal"], name="deal_reach_stage_deal")]

    def __str__(self) -> str:
        return f"{self.deal_id} reached {self.stage_id}"


class DealStageTask(models.Model):
    """A task created from a stage's template when the deal entered the stage (D4). Links
    the one Task model of the product (interactions) to the stage, so "the required tasks
    of the stage are done" is one indexed question. Hand-made tasks of the work plan (D5)
    are plain tasks whose subject is the deal."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_tasks")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    task = models.OneToOneField(
        "interactions.Task", on_delete=models.CASCADE, related_name="deal_stage_link"
    )
    template = models.ForeignKey(
        "deals.StageTaskTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("stage task")
        verbose_name_plural = _("stage tasks")
        indexes = [models.Index(fields=["deal", "stage"], name="deal_stage_task")]

    def __str__(self) -> str:
        return f"{self.deal_id}/{self.stage_id}: {self.task_id}"
