"""Auditors: their profiles, their dated consent to be named on the public register, and
their affiliations to audit firms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from accreditation.models.firms import AuditFirm
from accreditation.models.register_inputs import RegisterInputQuerySet

# --- Auditors -------------------------------------------------------------------------


class AuditorProfile(ClusterableModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auditor_profile"
    )
    is_lead_auditor = models.BooleanField(_("lead auditor"), default=False)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("E.g. English, French")
    )
    listed_consent = models.BooleanField(
        _("may be named on the public register"),
        default=False,
        help_text=_("Firms are always listed; a person only with their consent."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegisterInputQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditor profile")
        verbose_name_plural = _("auditor profiles")

    def __str__(self) -> str:
        return str(self.user)


class RegisterConsent(models.Model):
    """One dated grant or withdrawal of an auditor's consent to be named on the public
    register (append-only). The latest row is the consent in force; ``AuditorProfile
    .listed_consent`` mirrors it for the register's queries and is written only with a new
    row, by ``services.register_consent_set`` (one transaction)."""

    class Source(models.TextChoices):
        PROFILE = "profile", _("By the auditor, on their profile")
        STAFF = "staff", _("By staff")
        IMPORT = "import", _("Imported from the previous register")
        ERASURE = "erasure", _("Withdrawn by the erasure of the account")
        INITIAL = "initial", _("Recorded when consent records began")

    auditor = models.ForeignKey(
        AuditorProfile, on_delete=models.CASCADE, related_name="register_consents"
    )
    granted = models.BooleanField(_("consents"))
    at = models.DateTimeField(_("when"))
    source = models.CharField(_("how"), max_length=16, choices=Source.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["auditor", "-at", "-pk"]
        verbose_name = _("register consent")
        verbose_name_plural = _("register consents")

    def __str__(self) -> str:
        return str(_("Granted") if self.granted else _("Withdrawn"))

    def save(self, *args, **kwargs) -> None:
        # A record of what the person agreed to and when: never rewritten.
        if not self._state.adding:
            raise ValueError("A recorded consent cannot be changed.")
        super().save(*args, **kwargs)


class AffiliationQuerySet(RegisterInputQuerySet):
    def counting_on(self, on) -> AffiliationQuerySet:
        """Affiliations that count on ``on``: confirmed by the firm, and ``on`` within
        ``since`` .. ``until`` (an empty date is open)."""
        return (
            self.filter(status=Affiliation.Status.CONFIRMED)
            .filter(Q(since__isnull=True) | Q(since__lte=on))
            .filter(Q(until__isnull=True) | Q(until__gte=on))
        )


class Affiliation(models.Model):
    """An auditor works for a firm (an auditor may work for more than one).

    The auditor asks (``pending``); the firm's admins, or staff on the firm's behalf,
    confirm or decline it. Only a confirmed affiliation counts, and only from ``since`` to
    ``until``: ending one sets ``until`` and keeps the row, so past dates keep their answers.
    At most one row per auditor and firm is open (no ``until``); a declined one is asked
    again by turning it pending, and after an end a new request is a new row.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the firm")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    auditor = ParentalKey(AuditorProfile, on_delete=models.CASCADE, related_name="affiliations")
    firm = models.ForeignKey(AuditFirm, on_delete=models.CASCADE, related_name="affiliations")
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        ordering = ["auditor", "firm", "since", "pk"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(
                fields=["auditor", "firm"],
                condition=Q(until__isnull=True),
                name="affiliation_open_unique",
                violation_error_message=_(
                    "This auditor already has an open affiliation with this firm."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.auditor} – {self.firm}"

    def counts_on(self, on) -> bool:
        """Confirmed, and ``on`` within its dates (see ``AffiliationQuerySet.counting_on``)."""
        return (
            self.status == self.Status.CONFIRMED
            and (self.since is None or self.since <= on)
            and (self.until is None or on <= self.until)
        )

    @property
    def is_ended(self) -> bool:
        return self.until is not None
