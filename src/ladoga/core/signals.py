"""A deleted record takes its files with it.

Whatever deletes an Attachment row — `attachment_delete`, the deletion of the record it is
attached to, a cascade — its stored object is removed once the transaction has committed
(never before: a rollback brings the row back, and the file must still be there).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete

from .files import file_delete_on_commit
from .models import Attachment


def _attachment_deleted(sender, instance: Attachment, **kwargs) -> None:
    file_delete_on_commit(instance.stored_name)


def _attached_record_deleted(sender, instance, **kwargs) -> None:
    content_type = ContentType.objects.get_for_model(sender)
    Attachment.objects.filter(content_type=content_type, object_id=instance.pk).delete()


def attachments_connect() -> None:
    post_delete.connect(_attachment_deleted, sender=Attachment, dispatch_uid="attachment_file")


def attachable_connect(model: type) -> None:
    post_delete.connect(
        _attached_record_deleted,
        sender=model,
        dispatch_uid=f"attachments_of_{model._meta.label_lower}",
    )
