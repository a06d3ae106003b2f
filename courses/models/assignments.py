"""Assignment submissions: each submission is a row; staff mark it with feedback."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder outside MEDIA_ROOT, read from the setting on each use (so tests and
    deployments can move it), with no public URL."""

    @property
    def base_location(self):  # type: ignore[override]
        return str(
            getattr(settings, "COURSES_PRIVATE_MEDIA_ROOT", None)
            or Path(settings.BASE_DIR) / "private-media"
        )

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):  # type: ignore[override]
        return None


def private_storage() -> Storage:
    """Storage for learners' files, never served from /media/.

    A ``private`` entry in STORAGES wins (object storage in production); otherwise a folder
    outside MEDIA_ROOT (setting ``COURSES_PRIVATE_MEDIA_ROOT``).
    """
    if "private" in settings.STORAGES:
        return storages["private"]
    return PrivateFileSystemStorage()


def submission_upload_to(instance: Submission, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"submissions/{instance.assignment_id}/{uuid.uuid4().hex}{suffix}"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for marking")
    ACCEPTED = "accepted", _("Accepted")
    NEEDS_REVISION = "needs_revision", _("Needs revision")


class Submission(models.Model):
    assignment = models.ForeignKey(
        "courses.Assignment", on_delete=models.PROTECT, related_name="submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment_submissions"
    )
    enrollment = models.ForeignKey(
        "courses.Enrollment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    text = models.TextField(_("answer"), blank=True)
    file = models.FileField(
        _("file"), upload_to=submission_upload_to, storage=private_storage, blank=True
    )
    original_filename = models.CharField(max_length=255, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.SUBMITTED,
    )
    feedback = models.TextField(_("feedback"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    reviewed_at = models.DateTimeField(_("marked"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("assignment submission")
        verbose_name_plural = _("assignment submissions")
        indexes = [models.Index(fields=["assignment", "user", "status"])]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.user}"
