"""Uploaded files (X6): where they are stored, how they are served, and the upload checks
(size, a safe name, and a type recognised from the content, never the name).

Every file goes through Django's storage API: `storage()` is settings.STORAGES["default"],
built from LADOGA_STORAGE_URL (a local folder, or an S3-compatible bucket through
django-storages). A store that cannot be reached raises FileStoreUnavailable with a message
for people, never a raw boto or OS error. Objects are written before the record that names
them and removed again if that record's transaction rolls back (`delete_on_rollback`).
"""

import logging
import unicodedata
import weakref
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .errors import FileRejected, FileStoreUnavailable, FileTooLarge, Violation

logger = logging.getLogger(__name__)

# What a store raises when it cannot be reached or refuses to work: the local disk (full,
# unmounted, no permission) and an S3-compatible server (down, timeout, bad credentials,
# no such bucket).
STORE_ERRORS = (OSError, BotoCoreError, ClientError)

# MIME types people attach to CRM records: documents, spreadsheets, images, mail and
# calendar files. HTML and SVG are left out on purpose: they can carry scripts.
ALLOWED_BINARY = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/msword",
    "application/vnd.ms-excel",
    "application/x-rar-compressed",
    "application/x-7z-compressed",
}
TEXT_TYPES_BY_SUFFIX = {
    ".csv": "text/csv",
    ".eml": "message/rfc822",
    ".ics": "text/calendar",
    ".vcf": "text/vcard",
    ".json": "application/json",
    ".xml": "application/xml",
    ".md": "text/markdown",
}
MARKUP_STARTS = (b"<!doctype html", b"<html", b"<svg", b"<script", b"<?xml-stylesheet")


def storage() -> Storage:
    """The configured store of uploaded files (STORAGES["default"], from LADOGA_STORAGE_URL)."""
    return storages["default"]


def store_is_local() -> bool:
    return isinstance(storage(), FileSystemStorage)


def store_description() -> dict | None:
    """Where the files live when they are not in the local files folder, for people and for
    the backup's manifest: {"kind": "s3", "bucket", "endpoint", "prefix"}; None when local."""
    store = storage()
    if isinstance(store, FileSystemStorage):
        return None
    return {
        "kind": "s3",
        "bucket": getattr(store, "bucket_name", ""),
        "endpoint": getattr(store, "endpoint_url", None) or "Amazon S3",
        "prefix": getattr(store, "location", ""),
    }


def store_unavailable(error: Exception, *, saving: bool) -> FileStoreUnavailable:
    logger.warning("The file store failed: %r", error)
    if saving:
        message = _(
            "The file store is unavailable, so the file was not saved. Try again in a few "
            "minutes; if it keeps failing, tell your administrator."
        )
    else:
        message = _("The file store is unavailable. Try again in a few minutes.")
    return FileStoreUnavailable.single("file_store_unavailable", message, "file")


def file_save(name: str, content) -> str:
    """Write `content` under `name` (or a free variant of it); returns the name stored.

    The object is removed again if the current transaction rolls back, so a record and its
    file are written together or not at all.
    """
    store = storage()
    try:
        stored = store.save(name, content)
    except STORE_ERRORS as error:
        raise store_unavailable(error, saving=True) from None
    delete_on_rollback(stored, store=store)
    return stored


def file_read(name: str) -> bytes:
    try:
        with storage().open(name, "rb") as handle:
            return handle.read()
    except STORE_ERRORS as error:
        raise store_unavailable(error, saving=False) from None


def file_delete(name: str, *, store: Storage | None = None) -> None:
    """Remove an object; a store that fails is logged, the object is then left behind (an
    orphan nobody can reach: no record names it)."""
    try:
        (store or storage()).delete(name)
    except STORE_ERRORS as error:
        logger.error("Could not delete the stored file %s: %r", name, error)


def file_delete_on_commit(name: str) -> None:
    store = storage()
    transaction.on_commit(lambda: file_delete(name, store=store))


class _Pending:
    """A stored object whose transaction has not ended yet (see delete_on_rollback)."""

    def __init__(self, store: Storage, name: str):
        self.kept = [False]  # shared with the finaliser, which must not refer to self
        weakref.finalize(self, _delete_unless_kept, store, name, self.kept)

    def keep(self) -> None:
        self.kept[0] = True


def _delete_unless_kept(store: Storage, name: str, kept: list[bool]) -> None:
    if kept[0]:
        return
    if getattr(connection, "run_commit_hooks_on_set_autocommit_on", False):
        # Committed, but an earlier on-commit callback raised and Django dropped the rest,
        # ours with them: the record exists, so its object stays.
        logger.warning("Kept %s: its transaction committed but its callbacks were cut", name)
        return
    file_delete(name, store=store)


def delete_on_rollback(name: str, *, store: Storage | None = None) -> None:
    """Remove the object `name` if the current transaction (or savepoint) rolls back.

    Django has no rollback hook, but on a rollback it drops the on-commit callbacks
    registered inside it without calling them. So the object is tied to such a callback:
    on commit Django calls it and the object is kept; on rollback Django drops it, its
    owner is freed and the owner's finaliser deletes the object. Outside a transaction the
    callback runs at once (kept). Django also drops the callbacks after a commit when an
    earlier one raises; its "hooks still to run" flag is then up, and the object is kept.
    Only a process that dies in between leaves an orphan (an object no record names).
    """
    pending = _Pending(store or storage(), name)
    transaction.on_commit(pending.keep, robust=True)


def download_response(*, stored_name: str, name: str, mime_type: str) -> HttpResponse:
    """The file for a user the caller has already let see it: streamed from the store, or,
    with LADOGA_FILE_DOWNLOADS=signed-url, a redirect to a short-lived signed URL that makes
    the store answer with the same name and type. Never a public URL."""
    store = storage()
    if settings.FILE_DOWNLOADS == "signed-url":
        url = store.url(
            stored_name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, name),
                "ResponseContentType": mime_type,
            },
            expire=settings.SIGNED_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "no-store"
        return response
    try:
        response = FileResponse(
            store.open(stored_name, "rb"),
            as_attachment=True,
            filename=name,
            content_type=mime_type,
        )
    except FileNotFoundError:
        logger.error("The stored file %s is missing", stored_name)
        raise Http404 from None
    except ClientError as error:
        if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            logger.error("The stored file %s is missing", stored_name)
            raise Http404 from None
        raise store_unavailable(error, saving=False) from None
    except STORE_ERRORS as error:
        raise store_unavailable(error, saving=False) from None
    response["X-Content-Type-Options"] = "nosniff"
    return response


def store_unavailable_page(error: FileStoreUnavailable) -> HttpResponse:
    """What a person's browser shows while the file store is down (the API answers 503
    problem+json through the usual DomainError handler)."""
    response = HttpResponse(
        error.detail, status=error.status, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = "60"
    return response


def clean_file_name(name: str) -> str:
    """The name as shown to people; refuses path tricks instead of silently fixing them."""
    if not name or "\x00" in name or ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise FileRejected.single(
            "file_name_unsafe", _("The file name contains a path or a NUL character."), "file"
        )
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = unicodedata.normalize("NFC", base).strip()
    if not base or base in {".", ".."} or any(ord(c) < 32 for c in base):
        raise FileRejected.single("file_name_unsafe", _("The file name is not allowed."), "file")
    return base[:255]


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1251"):
        try:
            # the head may cut a multi-byte character in two: ignore an incomplete tail
            head.decode(encoding) if encoding == "cp1251" else head[:-4].decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def detect_type(head: bytes, name: str) -> str:
    """The MIME type read from the first bytes; raises FileRejected when not allowed."""
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in ALLOWED_BINARY:
            return kind.mime
        raise FileRejected.single(
            "file_type_not_allowed",
            _("Files of type %(type)s are not accepted.") % {"type": kind.mime},
            "file",
        )
    if head and _is_text(head):
        if head.lstrip().lower().startswith(MARKUP_STARTS):
            raise FileRejected.single(
                "file_type_not_allowed", _("HTML and SVG files are not accepted."), "file"
            )
        return TEXT_TYPES_BY_SUFFIX.get(PurePosixPath(name).suffix.lower(), "text/plain")
    raise FileRejected.single(
        "file_type_not_allowed", _("This type of file is not accepted."), "file"
    )


def check_size(size: int) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise FileTooLarge(
            [
                Violation(
                    "file_too_large",
                    _("The file is larger than %(limit)d MB.") % {"limit": limit // 1024 // 1024},
                    "file",
                )
            ]
        )
    if size == 0:
        raise FileRejected.single("file_empty", _("The file is empty."), "file")


# Models whose records can carry attachments, by "app_label.model_name". Domains add theirs
# in AppConfig.ready(); a target that is not listed is refused.
_attachable: dict[str, type] = {}


def attachable_register(model: type) -> None:
    from .signals import attachable_connect

    _attachable[model._meta.label_lower] = model
    attachable_connect(model)  # deleting a record deletes its attachments and their files


def attachable_model(label: str) -> type | None:
    return _attachable.get(label.lower())
