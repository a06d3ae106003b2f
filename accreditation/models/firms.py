"""Audit firms: the certification bodies, and their own accreditation periods, status
changes and scope."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from accreditation.models.register_inputs import RegisterInputQuerySet
from accreditation.models.standards import Sector

# --- Audit firms ----------------------------------------------------------------------


class AuditFirm(ClusterableModel):
    """A certification body accredited to ISO/IEC 17021 or 17065."""

    class Scheme(models.TextChoices):
        ISO_17021 = "17021", _("ISO/IEC 17021")
        ISO_17065 = "17065", _("ISO/IEC 17065")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    country = CountryField(_("country"))
    website = models.URLField(_("website"), blank=True)
    scheme = models.CharField(_("accreditation scheme"), max_length=8, choices=Scheme.choices)
    accreditation_body = models.CharField(_("accreditation body"), max_length=200, blank=True)
    accreditation_number = models.CharField(_("accreditation number"), max_length=100, blank=True)
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="administered_firms"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("audit firm")
        verbose_name_plural = _("audit firms")

    def __str__(self) -> str:
        return self.name


class FirmAccreditationPeriod(models.Model):
    """One period of the firm's own accreditation (granted, or renewed yearly)."""

    firm = models.ForeignKey(AuditFirm, on_delete=models.CASCADE, related_name="periods")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    source = models.CharField(_("source"), max_length=16, default="granted")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegisterInputQuerySet.as_manager()

    class Meta:
        ordering = ["firm", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="firm_period_dates_ordered",
            )
        ]


class FirmStatusChange(models.Model):
    """A change of a firm's accreditation status from a date on (suspension, reinstatement...)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    firm = models.ForeignKey(AuditFirm, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    effective_from = models.DateField(_("effective from"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = RegisterInputQuerySet.as_manager()

    class Meta:
        ordering = ["firm", "effective_from", "created_at"]


class FirmScopeElement(models.Model):
    """The firm's own scope: standard x sector x country, with its dates."""

    firm = ParentalKey(AuditFirm, on_delete=models.CASCADE, related_name="scope")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    country = CountryField(_("country"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = RegisterInputQuerySet.as_manager()

    class Meta:
        # No "country" here: Wagtail's inline panel sorts the rows in Python (modelcluster)
        # and countries do not compare; pages order by country themselves (firm_scope_on).
        ordering = ["firm", "sector", "valid_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "sector", "country", "valid_from"], name="firm_scope_unique"
            )
        ]
