"""Accreditations granted to auditors and their scope: (standard, sector, country)
elements with their dates and status history."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accreditation.models.applications import Application
from accreditation.models.auditors import AuditorProfile
from accreditation.models.firms import AuditFirm
from accreditation.models.register_inputs import RegisterInputQuerySet
from accreditation.models.standards import Sector, StandardVersion


def new_certificate_code() -> str:
    """A unique, unguessable code for certificates and the public /verify/<code>/ page."""
    return secrets.token_urlsafe(12)


# --- Accreditations and their scope ---------------------------------------------------


class Accreditation(models.Model):
    """An auditor's accreditation for one standard version, granted through one firm."""

    class Source(models.TextChoices):
        GRANTED = "granted", _("Granted after review")
        IMPORTED = "imported", _("Imported from the previous register")

    auditor = models.ForeignKey(
        AuditorProfile, on_delete=models.PROTECT, related_name="accreditations"
    )
    firm = models.ForeignKey(AuditFirm, on_delete=models.PROTECT, related_name="accreditations")
    standard_version = models.ForeignKey(
        StandardVersion, on_delete=models.PROTECT, related_name="accreditations"
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="accreditation"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.GRANTED)
    code = models.CharField(
        _("certificate code"), max_length=32, unique=True, default=new_certificate_code
    )
    granted_at = models.DateTimeField(_("granted at"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegisterInputQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")

    def __str__(self) -> str:
        return f"{self.auditor} – {self.standard_version} via {self.firm}"


class ScopeElement(models.Model):
    """One (standard, sector, country) element of an accreditation, with its own dates.

    Its status on a date is the latest ScopeStatusChange effective on or before it.
    """

    accreditation = models.ForeignKey(Accreditation, on_delete=models.CASCADE, related_name="scope")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    country = CountryField(_("country"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))

    objects = RegisterInputQuerySet.as_manager()

    class Meta:
        ordering = ["accreditation", "sector", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation", "sector", "country"], name="scope_element_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="scope_element_dates_ordered",
            ),
        ]


class ScopeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REDUCED = "reduced", _("Removed from scope")
    EXPIRED = "expired", _("Expired")


class ScopeStatusChange(models.Model):
    element = models.ForeignKey(ScopeElement, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=16, choices=ScopeStatus.choices)
    effective_from = models.DateField(_("effective from"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegisterInputQuerySet.as_manager()

    class Meta:
        ordering = ["element", "effective_from", "created_at", "pk"]
