"""Deal kinds (D1): the process a deal follows, its ordered stages, each stage's guards and
task templates (D3, D4), and the kind's reference documents (links here, files as
attachments of the kind).

A *strict* kind moves one stage forward at a time and enforces every guard the stage
lists; a *manual* kind goes to any stage in any order; a *non-process* kind has no stages
at all — its deals are only in progress, won or lost. Each kind with stages ends with one
won and one lost stage: closing a deal puts it there.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.accounts.roles import Role
from ladoga.core.models import BusinessModel


class ProcessType(models.TextChoices):
    STRICT = "strict", _("Strict: stages in order, guarded")
    MANUAL = "manual", _("Manual: any stage, skipping allowed")
    NON_PROCESS = "non_process", _("Non-process: no stages")


class StageOutcome(models.TextChoices):
    OPEN = "open", _("In progress")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


def probability_field(verbose_name, **kwargs):
    """A percentage, 0 to 100."""
    return models.PositiveSmallIntegerField(
        verbose_name, validators=[MaxValueValidator(100)], **kwargs
    )


NORM_DAYS_MAX = 3650


def norm_days_field(verbose_name, help_text):
    """A number of days, 1 to NORM_DAYS_MAX, or None for no norm."""
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(NORM_DAYS_MAX)],
        help_text=help_text,
    )


def estimate_field(verbose_name):
    """An estimated percentage with two decimals, or None while never computed."""
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, null=True, blank=True)


class DealKind(BusinessModel):
    """A kind of deal and its sales process («Вид сделки»).

    `default_probability` is the prior of a non-process kind (stages carry their own);
    `estimated_probability` and the sample are recomputed from finished deals (D9,
    `probability.py`) and are never edited by hand.
    """

    name = models.CharField(_("name"), max_length=150, unique=True)
    process_type = models.CharField(
        _("process"), max_length=16, choices=ProcessType.choices, default=ProcessType.STRICT
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    default_probability = probability_field(_("default probability, %"), default=20)
    estimated_probability = estimate_field(_("estimated probability, %"))
    sample_size = models.PositiveIntegerField(_("finished deals in the estimate"), default=0)
    sample_won = models.PositiveIntegerField(_("won deals in the estimate"), default=0)
    stall_days = norm_days_field(
        _("stalled after, days"),
        _("A deal with no stage move and no interaction for this many days is stalled."),
    )
    history = HistoricalRecords(
        excluded_fields=["estimated_probability", "sample_size", "sample_won"]
    )

    class Meta:
        verbose_name = _("deal kind")
        verbose_name_plural = _("deal kinds")
        ordering = ["name"]
        permissions = [("manage_deal_kinds", _("Can configure deal kinds and loss reasons"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_probability__lte=100), name="deal_kind_probability_0_100"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_stages(self) -> bool:
        return self.process_type != ProcessType.NON_PROCESS

    @property
    def is_strict(self) -> bool:
        return self.process_type == ProcessType.STRICT


class Stage(BusinessModel):
    """One stage of a kind («Этап»): a code stable across renames, a name, a position, the
    default probability of winning from here, whether it is the won or lost stage, the
    guards that must hold to enter it (strict kinds) and whether its required tasks must
    be done before leaving it."""

    kind = models.ForeignKey(
        DealKind, verbose_name=_("deal kind"), on_delete=models.CASCADE, related_name="stages"
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=150)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=StageOutcome.choices, default=StageOutcome.OPEN
    )
    default_probability = probability_field(_("default probability, %"), default=10)
    guards = models.JSONField(_("guards"), default=list, blank=True)
    requires_tasks_done = models.BooleanField(
        _("required tasks done before leaving"), default=False
    )
    norm_days = norm_days_field(
        _("norm, days"), _("How long a deal should stay in this stage at most.")
    )
    estimated_probability = estimate_field(_("estimated probability, %"))
    sample_size = models.PositiveIntegerField(_("finished deals in the estimate"), default=0)
    sample_won = models.PositiveIntegerField(_("won deals in the estimate"), default=0)
    history = HistoricalRecords(
        excluded_fields=["estimated_probability", "sample_size", "sample_won"]
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="deal_stage_code_unique"),
            models.CheckConstraint(
                condition=Q(default_probability__lte=100), name="deal_stage_probability_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.outcome == StageOutcome.OPEN

    @property
    def probability(self):
        """The computed probability of winning from this stage (D9), in %."""
        if self.outcome == StageOutcome.WON:
            return 100
        if self.outcome == StageOutcome.LOST:
            return 0
        if self.estimated_probability is not None:
            return self.estimated_probability
        return self.default_probability


class AssigneeKind(models.TextChoices):
    MANAGER = "manager", _("The deal's manager")
    ROLE = "role", _("A role")
    USER = "user", _("A user")


class StageTaskTemplate(BusinessModel):
    """A task created when a deal enters the stage (D4): for the deal's manager, for a
    role (the head of the manager's department, or the first active user of that role in
    it, else anywhere) or for a named user; due in N working days."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="task_templates"
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    assignee_kind = models.CharField(
        _("assignee"), max_length=8, choices=AssigneeKind.choices, default=AssigneeKind.MANAGER
    )
    assignee_role = models.CharField(
        _("assignee role"), max_length=16, choices=Role.choices, blank=True
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_in_days = models.PositiveSmallIntegerField(_("due in working days"), default=1)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task template")
        verbose_name_plural = _("task templates")
        ordering = ["stage", "position", "id"]

    def __str__(self) -> str:
        return self.title


class KindLink(BusinessModel):
    """A reference document of a kind given as a link (an instruction, a template)."""

    kind = models.ForeignKey(
        DealKind, verbose_name=_("deal kind"), on_delete=models.CASCADE, related_name="links"
    )
    title = models.CharField(_("title"), max_length=255)
    url = models.URLField(_("address"), max_length=1000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reference document")
        verbose_name_plural = _("reference documents")
        ordering = ["kind", "title", "id"]

    def __str__(self) -> str:
        return self.title
