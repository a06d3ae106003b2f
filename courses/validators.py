"""Checks on files learners upload: size, extension, and the content matching it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_EXTENSIONS = ("pdf", "docx", "odt", "txt", "xlsx", "png", "jpg", "jpeg")

_ZIP_MARKERS = {
    # extension: a member name that an Office / OpenDocument file of that type contains
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "odt": "content.xml",
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "COURSES_ASSIGNMENT_MAX_BYTES", 10 * 1024 * 1024))


def _content_matches(extension: str, upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "txt":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # a multi-byte character cut at the end of the sample is fine
            return exc.start >= len(head) - 3
        return True
    if extension in _ZIP_MARKERS:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                if extension == "odt":
                    mimetype = archive.read("mimetype") if "mimetype" in names else b""
                    return mimetype.strip() == b"application/vnd.oasis.opendocument.text"
                return _ZIP_MARKERS[extension] in names
        except (zipfile.BadZipFile, KeyError):
            return False
        finally:
            upload.seek(0)
    return False


def validate_submission_file(upload: UploadedFile) -> None:
    """Raises ValidationError unless the file is small enough, of an allowed type, and its
    content is what its extension says."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Files of this type are not accepted. Allowed: %(types)s.")
            % {"types": ", ".join(ALLOWED_EXTENSIONS)},
            code="bad_extension",
        )
    if not _content_matches(extension, upload):
        raise ValidationError(
            _("The file's content does not match its type (.%(ext)s).") % {"ext": extension},
            code="bad_content",
        )
