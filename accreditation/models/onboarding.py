"""Firm onboarding: an audit firm's application to be accredited, made online.

A person applies for a certification body (its legal name, country, its ISO/IEC 17021 or
17065 accreditation and the certificate of it), becomes its first admin, pays the
application fee through payments, and the secretariat approves or rejects it with a
reason. Approval creates the ``AuditFirm``, its first ``FirmAccreditationPeriod`` and makes
the applicant its admin (``services.firm_applications.firm_application_approve``).

Re-exported by ``accreditation.models``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from lms.storage import private_storage, random_name


def firm_certificate_upload_to(instance: FirmApplication, filename: str) -> str:
    """The firm's accreditation certificate: a random name in the private storage."""
    return random_name("accreditation/firm-certificates", filename)


class FirmApplication(models.Model):
    """An audit firm's application for accreditation, from draft to decision.

    ``draft`` -> ``submitted`` (by the applicant) -> ``approved`` or ``rejected`` (by staff,
    with a reason in the decisions log). Only the applicant edits a draft; a submitted
    application waits for the fee and for staff. At most one submitted application per
    legal name (case-insensitive), and never the name of an existing firm.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, waiting for a decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="firm_applications",
        verbose_name=_("applicant"),
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    country = CountryField(_("country"))
    website = models.URLField(_("website"), blank=True)
    scheme = models.CharField(
        _("accreditation scheme"),
        max_length=8,
        choices=[
            ("17021", _("ISO/IEC 17021")),
            ("17065", _("ISO/IEC 17065")),
        ],
    )
    accreditation_body = models.CharField(_("accreditation body"), max_length=200)
    accreditation_number = models.CharField(_("accreditation number"), max_length=100)
    accreditation_scope = models.TextField(_("scope of the accreditation"))
    accreditation_expires_on = models.DateField(_("accreditation expires on"))
    certificate = models.FileField(
        _("accreditation certificate"),
        upload_to=firm_certificate_upload_to,
        storage=private_storage,
        max_length=255,
    )
    original_filename = models.CharField(_("original file name"), max_length=255, blank=True)
    admin_name = models.CharField(_("first administrator's name"), max_length=200)
    admin_email = models.EmailField(_("first administrator's e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    firm = models.OneToOneField(
        "accreditation.AuditFirm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="onboarding_application",
        verbose_name=_("firm created"),
    )

    class Meta:
        ordering = ["-submitted_at", "-created_at", "-pk"]
        verbose_name = _("firm application")
        verbose_name_plural = _("firm applications")
        constraints = [
            models.UniqueConstraint(
                Lower("legal_name"),
                condition=Q(status="submitted"),
                name="firm_application_submitted_name_unique",
                violation_error_message=_(
                    "An application for a firm of this name is already waiting for a decision."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED)
