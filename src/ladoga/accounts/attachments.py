"""Serving and uploading attachments (X6).

The files and their checks belong to the shared kernel (core.files, core.services); who may
fetch or add a file is an access decision, so the doors to them stand here, next to
`access`: a file is served only to a user who can see the record it is attached to.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from ladoga.core.errors import FileStoreUnavailable, ValidationFailed
from ladoga.core.files import attachable_model, download_response, store_unavailable_page
from ladoga.core.models import Attachment
from ladoga.core.services import attachment_add, attachment_delete, attachments_of

from . import access

router = Router(tags=["files"])


class AttachmentOut(Schema):
    id: int
    name: str
    mime_type: str
    size: int
    sha256: str
    created_at: datetime.datetime
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/api/v1/files/{obj.pk}/content"


def _target_or_404(user, target: str, target_id: int):
    model = attachable_model(target)
    if model is None:
        raise ValidationFailed.single(
            "file_target_unknown",
            _("Files cannot be attached to %(target)s.") % {"target": target},
            "target",
        )
    return access.get_visible_or_404(model, user, pk=target_id)


def _attachment_visible_or_404(user, attachment_id: int) -> Attachment:
    attachment = get_object_or_404(
        Attachment.objects.select_related("content_type"), pk=attachment_id
    )
    target = attachment.target
    if target is None or not access.can_see(target, user):
        raise Http404
    return attachment


def _file_response(attachment: Attachment) -> HttpResponse:
    return download_response(
        stored_name=attachment.stored_name, name=attachment.name, mime_type=attachment.mime_type
    )


@router.get("", response=list[AttachmentOut])
@paginate(LimitOffsetPagination)
def attachments(request: HttpRequest, target: str, target_id: int):
    """Files attached to one record, e.g. `?target=partners.partner&target_id=5`."""
    return attachments_of(_target_or_404(request.user, target, target_id))


@router.post("", response={201: AttachmentOut})
def attachment_upload(
    request: HttpRequest,
    target: Form[str],
    target_id: Form[int],
    file: File[UploadedFile],
    name: Form[str] = "",
):
    """Attach a file to a record. `name` overrides the file's own name (refused with a path)."""
    record = _target_or_404(request.user, target, target_id)
    return Status(201, attachment_add(target=record, upload=file, name=name, by=request.user))


@router.get("/{attachment_id}/content", response={200: None})
def attachment_content(request: HttpRequest, attachment_id: int):
    return _file_response(_attachment_visible_or_404(request.user, attachment_id))


@router.delete("/{attachment_id}", response={204: None})
def attachment_remove(request: HttpRequest, attachment_id: int):
    attachment_delete(
        attachment=_attachment_visible_or_404(request.user, attachment_id), by=request.user
    )
    return Status(204, None)


@login_required
def attachment_download(request, attachment_id: int):
    attachment = _attachment_visible_or_404(request.user, attachment_id)
    try:
        return _file_response(attachment)
    except FileStoreUnavailable as error:
        return store_unavailable_page(error)
