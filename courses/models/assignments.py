"""Assignment submissions: each submission is a row; staff mark it with feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The project's one private storage (see lms.storage); ``private_storage`` stays importable
# from here because migration 0002 refers to it by this path.
from lms.storage import PrivateFileSystemStorage, private_storage, random_name

__all__ = ["PrivateFileSystemStorage", "Submission", "SubmissionStatus", "private_storage"]


def submission_upload_to(instance: Submission, filename: str) -> str:
    return random_name(f"submissions/{instance.assignment_id}", filename)


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
