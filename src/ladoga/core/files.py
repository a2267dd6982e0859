"""Upload checks: size, a safe name, and a type recognised from the content, never the name."""

import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

from .errors import FileRejected, FileTooLarge, Violation

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


def storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.FILES_ROOT)


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
    _attachable[model._meta.label_lower] = model


def attachable_model(label: str) -> type | None:
    return _attachable.get(label.lower())
