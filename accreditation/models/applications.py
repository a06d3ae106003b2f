"""Auditors' applications for accreditation, their status history and the evidence
uploaded for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accreditation.models.auditors import AuditorProfile
from accreditation.models.firms import AuditFirm
from accreditation.models.standards import Requirement, Sector, StandardVersion
from lms.storage import private_storage, random_name

# --- Applications ---------------------------------------------------------------------


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_TRAINING = "in_training", _("In training")
        READY_FOR_REVIEW = "ready_for_review", _("Ready for review")
        GRANTED = "granted", _("Granted")
        REJECTED = "rejected", _("Rejected")

    auditor = models.ForeignKey(
        AuditorProfile, on_delete=models.PROTECT, related_name="applications"
    )
    firm = models.ForeignKey(AuditFirm, on_delete=models.PROTECT, related_name="applications")
    standard_version = models.ForeignKey(
        StandardVersion, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    sectors = models.ManyToManyField(Sector, related_name="+", verbose_name=_("sectors requested"))
    countries = models.JSONField(
        _("countries requested"), default=list, help_text=_("ISO 3166-1 alpha-2 codes")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.auditor} – {self.standard_version}"


# Submitted and not decided yet: these move by themselves as requirements are met or lapse.
OPEN_APPLICATION_STATUSES = (
    Application.Status.SUBMITTED,
    Application.Status.IN_TRAINING,
    Application.Status.READY_FOR_REVIEW,
)


class ApplicationStatusChange(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "at", "pk"]

    @property
    def to_label(self) -> str:
        return str(dict(Application.Status.choices).get(self.to_status, self.to_status))

    @property
    def from_label(self) -> str:
        return str(dict(Application.Status.choices).get(self.from_status, self.from_status))


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """Evidence is personal (CVs, certificates): a random name in the private storage."""
    return random_name("accreditation/evidence", filename)


class Evidence(models.Model):
    """A document an auditor uploads for an 'evidence accepted by staff' requirement.

    The file lives in the private storage under a random name; only the auditor and staff
    who review applications download it (``views.auditor.evidence_file``). The name it was
    uploaded with is kept for that download.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    description = models.CharField(_("description"), max_length=300)
    file = models.FileField(
        _("file"), upload_to=evidence_upload_to, storage=private_storage, max_length=255
    )
    original_filename = models.CharField(_("original file name"), max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
