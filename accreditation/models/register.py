"""The public register's read model: the auditors listed today and their scope on it."""

from __future__ import annotations

from django.db import models

from accreditation.models.accreditations import ScopeElement
from accreditation.models.auditors import AuditorProfile
from accreditation.models.firms import AuditFirm
from accreditation.models.standards import Sector, Standard

# --- The public register's read model ---------------------------------------------------


class RegisterEntry(models.Model):
    """An auditor on the public register today: consenting, with at least one scope element
    on the register (``RegisterCoverage``).

    A read model, never edited by hand: ``accreditation.services.register.refresh_register``
    recomputes it from the history rows with the eligibility engine's rules, when a service
    or any other write changes its inputs and in the daily run (dates passing). ``name`` is
    the user's full name, kept for ordering and search.
    """

    auditor = models.OneToOneField(
        AuditorProfile,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="register_entry",
    )
    name = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["name", "auditor"], name="register_entry_name")]

    def __str__(self) -> str:
        return self.name


class RegisterCoverage(models.Model):
    """One scope element of a listed auditor that is on the register today (read model)."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="coverage")
    element = models.OneToOneField(
        ScopeElement, on_delete=models.CASCADE, related_name="register_coverage"
    )
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    country = models.CharField(max_length=2)
    firm = models.ForeignKey(AuditFirm, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["country", "entry"], name="register_coverage_country"),
            models.Index(fields=["sector", "country"], name="register_coverage_sector"),
            models.Index(fields=["standard", "entry"], name="register_coverage_standard"),
        ]
