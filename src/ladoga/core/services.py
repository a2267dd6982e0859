"""Writes of the shared kernel: attachments, saved report settings, the scheduler's beat."""

import datetime
import hashlib
import os
import socket

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from .files import check_size, clean_file_name, detect_type, file_save
from .models import Attachment, ReportSettings, SchedulerBeat, stored_name_new
from .reports import Report


@transaction.atomic
def attachment_add(*, target: models.Model, upload: UploadedFile, by, name: str = "") -> Attachment:
    """Attach an uploaded file to `target` after checking its name, size and real type.

    The caller has already checked that `by` may see `target`. The file is stored first,
    under a generated name, then the record; a store that cannot be reached raises
    FileStoreUnavailable before anything is recorded, and if the transaction (this one or
    the caller's) rolls back, the stored object is removed again.
    """
    name = clean_file_name(name or upload.name or "")
    check_size(upload.size or 0)
    upload.seek(0)
    head = upload.read(8192)
    mime_type = detect_type(head, name)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)

    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        name=name,
        mime_type=mime_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        stored_name=file_save(stored_name_new(), upload),
        created_by=by,
    )


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by) -> None:
    """Remove an attachment; its file goes once the transaction has committed (see
    core.signals: any deleted attachment row takes its object with it)."""
    attachment.delete()


def attachments_of(target: models.Model):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("created_by")


@transaction.atomic
def report_settings_save(*, user, report: Report, data) -> ReportSettings:
    """Save `data` as `user`'s default filters of `report`.

    The report's own form checks them first: bad filters raise ValidationFailed (a filter
    naming a record the user may not see, Http404), and nothing is written then."""
    form = report.filters(data, user=user)
    form.filters()
    saved, _created = ReportSettings.objects.update_or_create(
        user=user, report=report.name, defaults={"filters": form.saved_data()}
    )
    return saved


SCHEDULER_BEATS_KEPT = datetime.timedelta(days=1)


@transaction.atomic
def scheduler_beat_record() -> SchedulerBeat:
    """Note that the scheduler's every-minute beat ran here, and forget beats older than a day."""
    beat = SchedulerBeat.objects.create(worker=f"{socket.gethostname()}:{os.getpid()}")
    SchedulerBeat.objects.filter(ran_at__lt=timezone.now() - SCHEDULER_BEATS_KEPT).delete()
    return beat
