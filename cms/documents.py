"""Wagtail documents live in the private storage, under unguessable paths.

Members-only slides, course handouts and lesson videos are Wagtail documents, so every
document file is kept in the private storage (``lms.storage``), never under MEDIA_ROOT, and
the only way to it is Wagtail's serve view (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``)
behind the ``before_serve_document`` hook of ``cms.wagtail_hooks``.

Wagtail's document model has no storage setting, and swapping in a custom document model
after the first migration means moving every document, tag, permission and reference to a
new table (and making ``courses`` depend on ``cms`` for its foreign keys). So the file
field of Wagtail's own model is pointed at the private storage when the app is ready; its
migration state is left as Wagtail ships it (storage does not change the database).
"""

from __future__ import annotations

from django.db.models import FileField

from lms.storage import private_storage, random_folder_name

DOCUMENTS_FOLDER = "documents"


def document_upload_to(instance, filename: str) -> str:
    """``documents/<random>/<name>``: the path cannot be guessed, the download keeps its
    name (the serve view's URL and ``Content-Disposition`` use it)."""
    field = type(instance)._meta.get_field("file")
    return random_folder_name(DOCUMENTS_FOLDER, filename, max_length=field.max_length or 100)


def keep_documents_private() -> None:
    """Points the document model's file field at the private storage (idempotent)."""
    from wagtail.documents import get_document_model

    field: FileField = get_document_model()._meta.get_field("file")
    if getattr(field, "_lms_private", False):
        return
    # What migrations see stays what Wagtail's migrations say: no migration in wagtaildocs.
    name, path, args, kwargs = field.deconstruct()
    field.deconstruct = lambda: (name, path, list(args), dict(kwargs))
    field.storage = private_storage()
    field.upload_to = document_upload_to
    field._lms_private = True
