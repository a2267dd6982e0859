"""The shared kernel's models: the base every business record stands on, numbering, files."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BusinessModel(models.Model):
    """Timestamps, author and an optimistic-lock `version` (X5).

    `version` rises by one on every save; the API hands it out as the ETag and refuses a
    PATCH whose If-Match names an older one, so two people cannot overwrite each other.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
        super().save(*args, **kwargs)


class DocumentSequence(models.Model):
    """The last number given to a kind of document in a year (DL-2026-000123)."""

    kind = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="document_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}-{self.year}: {self.last}"


def stored_name_new() -> str:
    """A generated place for an upload: the user's file name never reaches the file system."""
    return f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to any business record; served only to users who can see the record."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ReportSettings(models.Model):
    """A user's saved filters of one report (SPEC A12): the report page opens with them
    when no filters are given."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="report_settings",
    )
    report = models.CharField(_("report"), max_length=80)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")
        constraints = [
            models.UniqueConstraint(fields=["user", "report"], name="report_settings_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.report}"


class SchedulerBeat(models.Model):
    """One run of the every-minute heartbeat task: the scheduler is alive, and which worker ran
    the beat. `/healthz` shows the last one; more than one a minute would mean two schedulers
    enqueue the same work (core.scheduling prevents that on Redis)."""

    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True, db_index=True)
    worker = models.CharField(_("worker"), max_length=200)

    class Meta:
        verbose_name = _("scheduler beat")
        verbose_name_plural = _("scheduler beats")

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M:%S} {self.worker}"
