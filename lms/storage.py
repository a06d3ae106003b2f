"""Private storage: where personal and restricted files live, never under MEDIA_ROOT.

Evidence (CVs, certificates), assignment submissions and Wagtail documents (members-only
and course material among them) are kept here under random names. Nothing publishes this
storage: each file is served only by a view that checks who asks (the evidence and
submission downloads, Wagtail's document serve view with its ``before_serve_document``
hooks). Which paths of MEDIA_ROOT a web server or bucket may publish is said in
``PUBLIC_MEDIA_PREFIXES`` (and the README).

The storage is the ``private`` entry of ``STORAGES``: this folder storage by default
(setting ``PRIVATE_MEDIA_ROOT``), a private bucket in production.
"""

from __future__ import annotations

import os
import posixpath
import re
import uuid
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import FieldDoesNotExist
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models, transaction
from django.utils.deconstruct import deconstructible

_SAFE_EXTENSION = re.compile(r"^\.[a-z0-9]{1,10}$")
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


@deconstructible(path="lms.storage.PrivateFileSystemStorage")
class PrivateFileSystemStorage(FileSystemStorage):
    """A folder outside MEDIA_ROOT with no URL at all (``url()`` raises).

    The folder is read from ``PRIVATE_MEDIA_ROOT`` on each use (so tests and deployments
    can move it) unless a ``location`` is given.
    """

    @property
    def base_location(self):  # type: ignore[override]
        return str(self._location or private_media_root())

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):  # type: ignore[override]
        return None

    def url(self, name):
        # NotImplementedError is how a storage says it has no URLs (Wagtail's document
        # view then serves the file itself, after its checks).
        raise NotImplementedError("Private files have no URL: serve them through a view.")


def private_media_root() -> Path:
    return Path(
        getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.BASE_DIR) / "private-media"
    )


def private_storage() -> Storage:
    """The storage of every personal or restricted file (used as ``storage=`` of fields)."""
    if "private" in settings.STORAGES:
        return storages["private"]
    return PrivateFileSystemStorage()


def is_private_storage(storage: Storage) -> bool:
    if isinstance(storage, PrivateFileSystemStorage):
        return True
    return "private" in settings.STORAGES and storage is storages["private"]


def safe_extension(filename: str) -> str:
    """The file's extension, lower case, if it is a plain one (".pdf"); else nothing."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    return suffix if _SAFE_EXTENSION.match(suffix) else ""


def random_name(folder: str, filename: str) -> str:
    """``<folder>/<32 random hex digits><.ext>``: nothing of the original name is kept."""
    return posixpath.join(folder, f"{uuid.uuid4().hex}{safe_extension(filename)}")


def random_folder_name(folder: str, filename: str, *, max_length: int = 100) -> str:
    """``<folder>/<32 random hex digits>/<original name, made safe>``.

    For files whose name people see when they download them (Wagtail documents): the path
    cannot be guessed, and the download keeps its name. The name is cut to fit
    ``max_length`` (the column's length).
    """
    base = posixpath.basename(filename.replace("\\", "/"))
    extension = safe_extension(base)
    stem = base[: len(base) - len(extension)] if extension else base
    stem = _UNSAFE_NAME_CHARACTERS.sub("-", stem).strip(".-") or "file"
    prefix = posixpath.join(folder, uuid.uuid4().hex) + "/"
    room = max(max_length - len(prefix) - len(extension), 1)
    return f"{prefix}{stem[:room]}{extension}"


@register()
def check_private_media_root(app_configs, **kwargs) -> list[Error]:
    """The private folder must not be inside a published folder, nor hold one."""
    private_root = private_media_root().resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        value = getattr(settings, name, None)
        if not value:
            continue
        public = Path(value).resolve()
        if (
            private_root == public
            or public in private_root.parents
            or private_root in public.parents
        ):
            errors.append(
                Error(
                    f"PRIVATE_MEDIA_ROOT ({private_root}) overlaps {name} ({public}).",
                    hint="Keep private files in a folder of their own, outside published ones.",
                    id="lms.E010",
                )
            )
    return errors


# --- Moving files that were stored publicly -------------------------------------------


@dataclass
class MoveReport:
    """What ``move_private_files`` did for one file field."""

    label: str  # "accreditation.Evidence.file"
    moved: int = 0
    already_private: int = 0
    missing: list[str] = dataclass_field(default_factory=list)


def private_file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every model file field whose files belong in the private storage."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, models.FileField) and is_private_storage(field.storage):
                found.append((model, field))
    return found


def move_private_files(*, dry_run: bool = False) -> list[MoveReport]:
    """Moves the files of private fields that are still in the public (default) storage
    into the private storage, each under a new random name, and deletes the public copy.

    Safe to run again: a file already in the private storage is left alone. A row whose
    file is in neither storage is reported, not changed. Each row is updated on its own,
    only if its file name has not changed meanwhile.
    """
    public = storages["default"]
    reports = []
    for model, field in private_file_fields():
        report = MoveReport(label=f"{model._meta.app_label}.{model.__name__}.{field.name}")
        rows = model._base_manager.exclude(**{field.attname: ""}).exclude(
            **{f"{field.attname}__isnull": True}
        )
        for pk, name in rows.values_list("pk", field.attname).iterator():
            if field.storage.exists(name):
                report.already_private += 1
            elif not public.exists(name):
                report.missing.append(name)
            else:
                if not dry_run:
                    _move_one(model, field, pk, name, public)
                report.moved += 1
        reports.append(report)
    return reports


def _move_one(model, field: models.FileField, pk, name: str, public: Storage) -> None:
    instance = model._base_manager.get(pk=pk)
    original = posixpath.basename(name)
    target = field.generate_filename(instance, original)
    with public.open(name, "rb") as source:
        target = field.storage.save(
            target, File(source, name=original), max_length=field.max_length
        )
    updates = {field.attname: target}
    keeps_name = _original_name_field(model)
    if keeps_name is not None and not getattr(instance, keeps_name.attname):
        updates[keeps_name.attname] = original[: keeps_name.max_length]
    try:
        with transaction.atomic():
            changed = model._base_manager.filter(pk=pk, **{field.attname: name}).update(**updates)
    except Exception:
        field.storage.delete(target)
        raise
    if not changed:  # the row changed meanwhile: keep things as they are
        field.storage.delete(target)
        return
    if not model._base_manager.filter(**{field.attname: name}).exists():
        public.delete(name)


def _original_name_field(model) -> models.CharField | None:
    try:
        field = model._meta.get_field("original_filename")
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.CharField) else None
