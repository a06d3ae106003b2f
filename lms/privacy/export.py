"""Download my data: a person asks for a copy of everything the platform holds about them,
and gets a ZIP file by e-mail link.

How it goes:

1. :func:`export_request` (from the profile) queues a :class:`~lms.privacy.models.DataExport`.
   A person has at most one export waiting or being built (refused with a clear message
   otherwise); asking again once one is ready retires the older file.
2. The task :func:`build_data_export` (django-tasks: immediate in development and tests, a
   worker in production) asks every app for its part through the Wagtail hook
   ``privacy_export``, writes one JSON file per kind of record into a ZIP in the private
   storage, with a README, and moves the export's progress as it goes.
3. The export is ``ready`` for ``PRIVACY_EXPORT_VALID_DAYS`` (7) days; an e-mail in the
   person's language gives the link. Only the person, signed in, can download it
   (``export_views.download``); each download writes an audit entry.
4. The retention rule ``expired-downloads`` deletes the files of exports past their date
   and marks them ``expired``.

The hook: each app registers, in its own ``privacy_rights.py``, a function
``(user) -> dict[str, list | dict]``: section name (``enrolments``; it becomes
``enrolments.json``) to JSON-able data (dates, decimals and lazy strings are fine). A file
of the person's (an evidence file) is given as an :class:`ExportFile` anywhere in the
data: it is copied into the ZIP under ``files/`` and the JSON holds its path there. A
function must return the person's own data only: never other people's names or
addresses (say "staff" or "someone else" instead).
"""

from __future__ import annotations

import datetime
import json
import logging
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task
from wagtail import hooks
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from lms import audit
from lms.errors import ServiceError
from lms.i18n import language_of
from lms.privacy.erasure import ErasurePart, PlanLine, count_label, delete_file_after_commit
from lms.privacy.models import (
    OPEN_EXPORT_STATUSES,
    DataExport,
    ExportStatus,
    export_valid_days,
)
from lms.privacy.retention import Outcome, RetentionRule
from lms.tasks import send_account_email

logger = logging.getLogger(__name__)

HOOK = "privacy_export"
#: An export still waiting or building this long after it was asked for is taken as lost
#: (a worker that died): it no longer stops the person from asking again.
STALE_AFTER = datetime.timedelta(hours=6)

_SECTION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,60}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class ExportError(ServiceError):
    """A request for one's data that the rules refuse."""


@dataclass(frozen=True)
class ExportFile:
    """A file of the person's to copy into the ZIP under ``files/<folder>/``, named
    ``name`` (made safe). ``file`` is a field file (``evidence.file``)."""

    file: Any
    name: str
    folder: str = ""


class _Files:
    """The files met while writing the JSON: each gets a unique path in the ZIP."""

    def __init__(self) -> None:
        self.paths: dict[int, str] = {}
        self.items: list[tuple[str, ExportFile]] = []

    def add(self, item: ExportFile) -> str:
        key = id(item)
        if key in self.paths:
            return self.paths[key]
        stem = _UNSAFE.sub("-", posixpath.basename(item.name.replace("\\", "/"))).strip(".-")
        folder = _UNSAFE.sub("-", item.folder).strip(".-")
        base = posixpath.join("files", folder, stem or "file") if folder else f"files/{stem}"
        path, n = base, 1
        taken = {p for p, _item in self.items}
        while path in taken:
            n += 1
            root, ext = posixpath.splitext(base)
            path = f"{root}-{n}{ext}"
        self.paths[key] = path
        self.items.append((path, item))
        return path


def to_json(data: Any, files: _Files) -> str:
    encoder = DjangoJSONEncoder()

    def default(value):
        if isinstance(value, ExportFile):
            return files.add(value)
        return encoder.default(value)

    return json.dumps(data, default=default, indent=2, ensure_ascii=False)


# --- what the apps give ------------------------------------------------------------------


def providers() -> list[Callable[[Any], dict[str, Any]]]:
    """Every function registered with the ``privacy_export`` hook, in hook order."""
    return list(hooks.get_hooks(HOOK))


def collect_sections(
    user, *, on_progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Every app's sections for ``user``, by name. Two apps giving the same name, or a
    name that is not a plain file name, is a bug: refused loudly."""
    found: dict[str, Any] = {}
    functions = providers()
    for done, function in enumerate(functions):
        if on_progress is not None:
            on_progress(done, len(functions))
        for name, data in function(user).items():
            if not _SECTION_NAME.match(name):
                raise ValueError(f"Export section name {name!r} is not a plain name.")
            if name in found:
                raise ValueError(f"Two apps give the export section {name!r}.")
            found[name] = data
    return found


def by_whom(entry_user_id: int | None, user) -> str:
    """Who acted, as an export says it without naming anyone else."""
    if entry_user_id is None:
        return "system"
    return "you" if entry_user_id == user.pk else "staff"


def log_entries_about(user, objects: Iterable[models.Model]) -> list[dict[str, Any]]:
    """The audit entries about ``objects`` (the person's own records), oldest first: when,
    what, by whom (you / staff / system), and the entry's facts."""
    wanted = Q(pk__in=[])
    by_type: dict[int, list[str]] = {}
    for obj in objects:
        ct = ContentType.objects.get_for_model(obj)
        by_type.setdefault(ct.pk, []).append(str(obj.pk))
    for ct_id, ids in by_type.items():
        wanted |= Q(content_type_id=ct_id, object_id__in=ids)
    entries = ModelLogEntry.objects.filter(wanted).order_by("timestamp", "pk")
    return [
        {
            "at": entry.timestamp,
            "action": entry.action,
            "what": str(log_registry.get_action_label(entry.action)),
            "by": by_whom(entry.user_id, user),
            "details": entry.data or {},
        }
        for entry in entries
    ]


# --- asking -------------------------------------------------------------------------------


def exports_of(user) -> list[DataExport]:
    """The person's exports, newest first (what the export page lists)."""
    return list(DataExport.objects.filter(user=user)[:10])


def export_request(*, user, now: datetime.datetime | None = None) -> DataExport:
    """Queues a new export of ``user``'s data and starts building it after commit.

    Refused while another of theirs waits or builds (one at a time). A ready export of
    theirs is retired (its file deleted): the new one replaces it. An open export older
    than ``STALE_AFTER`` is taken as lost and marked failed first."""
    if user is None or not user.is_authenticated:
        raise ExportError(_("Sign in to ask for your data."))
    now = now or timezone.now()
    refusal = _(
        "Your data is already being prepared. You will get an e-mail when it is ready; "
        "you can ask again after that."
    )
    with transaction.atomic():
        mine = DataExport.objects.select_for_update().filter(user=user)
        for stale in mine.filter(
            status__in=OPEN_EXPORT_STATUSES, requested_at__lt=now - STALE_AFTER
        ):
            _fail(stale, "Not finished in time (lost).")
        if mine.filter(status__in=OPEN_EXPORT_STATUSES).exists():
            raise ExportError(refusal)
        for older in mine.filter(status=ExportStatus.READY):
            _retire(older, rule="replaced")
        try:
            with transaction.atomic():
                export = DataExport.objects.create(user=user, requested_at=now)
        except IntegrityError as exc:  # asked twice at the same moment
            raise ExportError(refusal) from exc
        audit.record(
            "privacy.export.requested",
            instance=export,
            user=user,
            data={"requested_at": now.isoformat()},
        )
        transaction.on_commit(lambda: build_data_export.enqueue(export.pk))
    return export


def _fail(export: DataExport, error: str) -> None:
    export.status = ExportStatus.FAILED
    export.error = error[:2000]
    export.save(update_fields=["status", "error"])
    # The log keeps the kind of error only; the message (which may quote data) stays on the row.
    audit.record("privacy.export.failed", instance=export, data={"error": error.split(":")[0]})


def _retire(export: DataExport, *, rule: str) -> None:
    """Deletes the export's file (after commit) and marks it expired."""
    name, storage = export.file.name, export.file.storage
    export.status = ExportStatus.EXPIRED
    export.file = ""
    export.save(update_fields=["status", "file"])
    audit.record(
        "privacy.export.expired",
        instance=export,
        data={
            "rule": rule,
            "expires_at": export.expires_at.isoformat() if export.expires_at else None,
        },
    )
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- building -----------------------------------------------------------------------------


@task()
def build_data_export(export_id: int) -> str:
    """Builds one queued export (see :func:`export_build`)."""
    return export_build(export_id=export_id)


def _set_progress(export_id: int, percent: int) -> None:
    # Outside any transaction: the person's page sees it at once.
    DataExport.objects.filter(pk=export_id, status=ExportStatus.BUILDING).update(
        progress=max(1, min(99, percent))
    )


def export_build(*, export_id: int, now: datetime.datetime | None = None) -> str:
    """Builds the ZIP of a queued export, and returns its status.

    Claims the export (queued -> building) so that it is built once even if the task runs
    twice; writes one JSON file per section, the files, and a README; saves the ZIP to
    the private storage; marks it ready for ``PRIVACY_EXPORT_VALID_DAYS`` days and e-mails
    the link after commit. Any error marks it failed (no file kept) and is logged."""
    claimed = DataExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.BUILDING, progress=1
    )
    if not claimed:
        return "skipped"
    export = DataExport.objects.select_related("user").get(pk=export_id)
    user = export.user
    saved_name = ""
    try:
        with translation.override(language_of(user)):  # labels in the person's language
            sections = collect_sections(
                user,
                on_progress=lambda done, total: _set_progress(
                    export_id, 5 + (80 * done) // max(total, 1)
                ),
            )
        _set_progress(export_id, 85)
        with tempfile.TemporaryFile() as handle:
            size = _write_zip(handle, user=user, sections=sections)
            handle.seek(0)
            _set_progress(export_id, 95)
            export.file.save("data.zip", File(handle, name="data.zip"), save=False)
            saved_name = export.file.name
        now = now or timezone.now()
        with transaction.atomic():
            updated = DataExport.objects.filter(pk=export_id, status=ExportStatus.BUILDING).update(
                status=ExportStatus.READY,
                progress=100,
                file=saved_name,
                size=size,
                ready_at=now,
                expires_at=now + datetime.timedelta(days=export_valid_days()),
            )
            if not updated:  # retired meanwhile: keep nothing
                raise RuntimeError("The export changed while it was built.")
            export.refresh_from_db()
            audit.record(
                "privacy.export.ready",
                instance=export,
                data={
                    "size": size,
                    "sections": sorted(sections),
                    "expires_at": export.expires_at.isoformat(),
                },
            )
            send_ready_email(export)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded, never half-kept
        logger.exception("Data export %s failed.", export_id)
        if saved_name:
            export.file.storage.delete(saved_name)
        with transaction.atomic():
            failed = DataExport.objects.select_for_update().filter(pk=export_id).first()
            if failed is not None and failed.status in OPEN_EXPORT_STATUSES:
                failed.file = ""
                failed.save(update_fields=["file"])
                _fail(failed, f"{type(exc).__name__}: {exc}")
        return ExportStatus.FAILED
    return ExportStatus.READY


def _write_zip(handle, *, user, sections: dict[str, Any]) -> int:
    files = _Files()
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in sections.items():
            archive.writestr(f"{name}.json", to_json(data, files))
        missing = []
        for path, item in files.items:
            try:
                with item.file.open("rb") as source, archive.open(path, "w") as target:
                    for chunk in iter(lambda source=source: source.read(1024 * 1024), b""):
                        target.write(chunk)
            except (FileNotFoundError, ValueError):  # deleted under retention, or no file
                missing.append(path)
        with translation.override(language_of(user)):
            readme = render_to_string(
                "privacy/export_readme.txt",
                {
                    "user": user,
                    "sections": sorted(sections),
                    "files": [p for p, _item in files.items if p not in missing],
                    "missing": missing,
                    "generated_at": timezone.now(),
                    "site_url": getattr(settings, "SITE_URL", ""),
                },
            )
        archive.writestr("README.txt", readme)
    handle.seek(0, 2)
    return handle.tell()


def download_url(export: DataExport) -> str:
    return reverse("privacy:export_download", args=[export.token])


def send_ready_email(export: DataExport) -> None:
    """The e-mail with the link, in the person's language, queued after commit."""
    user = export.user
    with translation.override(language_of(user)):
        link = settings.SITE_URL.rstrip("/") + download_url(export)
        text = render_to_string(
            "privacy/email/export_ready.txt",
            {
                "user": user,
                "link": link,
                "page": settings.SITE_URL.rstrip("/") + reverse("privacy:export"),
                "expires_at": export.expires_at,
                "valid_days": export_valid_days(),
            },
        ).strip()
    subject, _sep, body = text.partition("\n")
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = {
        "subject": f"{prefix}{subject.strip()}",
        "body": body.strip() + "\n",
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "to": [user.email],
    }
    transaction.on_commit(lambda: send_account_email.enqueue(**message))


# --- downloading --------------------------------------------------------------------------


def downloadable_export(*, user, token: str) -> DataExport | None:
    """The person's own export with this token (None if it is not theirs or unknown)."""
    if user is None or not user.is_authenticated:
        return None
    return DataExport.objects.filter(user=user, token=token).first()


def export_downloaded(*, export: DataExport, user) -> None:
    """Records a download of the person's own export."""
    audit.record(
        "privacy.export.downloaded",
        instance=export,
        user=user,
        data={"size": export.size},
    )


# --- retention ----------------------------------------------------------------------------


def expired_downloads(*, now: datetime.datetime, dry_run: bool) -> Outcome:
    """Exports past their date: their files are deleted, and they are marked expired."""
    due = DataExport.objects.filter(status=ExportStatus.READY, expires_at__lt=now).order_by("pk")
    if dry_run:
        return Outcome(count=due.count(), noun="download links", cutoff=now)
    ids = []
    for export in due.select_for_update():
        _retire(export, rule="expired-downloads")
        ids.append(export.pk)
    return Outcome(count=len(ids), noun="download links", cutoff=now, ids=ids)


def export_retention_rules() -> list[RetentionRule]:
    return [RetentionRule("expired-downloads", "Expired download links", expired_downloads)]


# lms's own rules come first (order -10); this one just after them.
hooks.register("privacy_retention_rules", export_retention_rules, order=-5)


# --- erasure (``lms.privacy.erasure``) -------------------------------------------------------


def erasure_part(user) -> ErasurePart | None:
    """Erasing an account deletes the copies of its data: the files and their rows."""
    count = DataExport.objects.filter(user=user).count()
    if not count:
        return None
    return ErasurePart(
        code="data_exports",
        title=str(gettext_lazy("Copies of the person's data")),
        erased=[
            PlanLine(
                count_label(
                    count,
                    gettext_lazy("%(count)s copy of the person's data asked for (with its file)"),
                    gettext_lazy("%(count)s copies of the person's data asked for (with files)"),
                )
            )
        ],
        erase=erase_exports,
    )


def erase_exports(user, pseudonym: str) -> dict[str, int]:
    files = 0
    exports = DataExport.objects.filter(user=user)
    for export in exports.select_for_update():
        files += int(delete_file_after_commit(export.file))
    deleted = exports.delete()[0]
    return {"data_exports_deleted": deleted, "data_export_files": files}


hooks.register("privacy_erasure", erasure_part)


@hooks.register("register_log_actions")
def register_export_log_actions(actions):
    for code, label, message in (
        (
            "privacy.export.requested",
            gettext_lazy("Ask for one's data"),
            gettext_lazy("Data export asked for"),
        ),
        (
            "privacy.export.ready",
            gettext_lazy("Prepare data export"),
            gettext_lazy("Data export ready"),
        ),
        (
            "privacy.export.failed",
            gettext_lazy("Data export failed"),
            gettext_lazy("Data export failed"),
        ),
        (
            "privacy.export.downloaded",
            gettext_lazy("Download one's data"),
            gettext_lazy("Data export downloaded"),
        ),
        (
            "privacy.export.expired",
            gettext_lazy("Expire data export"),
            gettext_lazy("Data export link expired and its file deleted"),
        ),
    ):
        actions.register_action(code, label, message)
