"""Tasks: one model for the whole product (interactions, deals D4/D5, claims C2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(BusinessModel):
    """Something a user has to do by a date. Higher domains give it a subject through the
    same registry as interactions (a deal, a claim…) and may mark it `required` (a deal
    stage may refuse to be left while a required task is open)."""

    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    required = models.BooleanField(_("required"), default=False)
    subject_type = models.CharField(_("subject type"), max_length=64, blank=True)
    subject_id = models.PositiveBigIntegerField(_("subject"), null=True, blank=True)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(
                fields=["assignee", "due_date"],
                condition=Q(status="open"),
                name="task_open_by_assignee",
            ),
            models.Index(fields=["subject_type", "subject_id"], name="task_subject"),
            # deal monitoring: the open tasks of deals that are overdue
            models.Index(
                fields=["subject_type", "due_date", "subject_id"],
                condition=Q(status="open"),
                name="task_open_by_subject_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN
