"""The versions of the notices people accept, and their dated acceptance.

A :class:`PolicyVersion` is one version of the terms of use or of the privacy notice: a
label ("2.0"), the date it comes into force and the Wagtail page that holds its text.
Editors publish a new version in the admin (Settings → Policy versions) without a
developer: the version in force on a date is the latest one of its kind effective on or
before that date. A :class:`Consent` is one person's acceptance of one version, dated;
consents are only ever added (``lms.privacy.services.record_acceptance``), never changed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyKind(models.TextChoices):
    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy notice")


class PolicyVersionQuerySet(models.QuerySet):
    def effective_on(self, on: datetime.date) -> PolicyVersionQuerySet:
        return self.filter(effective_on__lte=on)


class PolicyVersion(models.Model):
    kind = models.CharField(_("notice"), max_length=16, choices=PolicyKind.choices)
    label = models.CharField(
        _("version"), max_length=40, help_text=_('How the version is named, e.g. "2.0".')
    )
    effective_on = models.DateField(
        _("in force from"),
        help_text=_(
            "From this date, signed-in people who have not accepted this version are asked "
            "to accept it before they continue."
        ),
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("page"),
        help_text=_("The published page with the text of this version."),
    )
    summary = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_("Shown to people asked to accept this version."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-effective_on", "-pk"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["kind", "label"], name="privacy_version_unique_label")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"


class ConsentSource(models.TextChoices):
    SIGNUP = "signup", _("At sign-up")
    RECONSENT = "reconsent", _("Asked again after a new version")


class Consent(models.Model):
    """One person's acceptance of one version of a notice (append-only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="consents")
    accepted_at = models.DateTimeField(_("accepted at"))
    source = models.CharField(_("how"), max_length=16, choices=ConsentSource.choices)

    class Meta:
        ordering = ["user", "-accepted_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="privacy_consent_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.version}"

    def save(self, *args, **kwargs) -> None:
        # A consent is a record of what someone accepted and when: it is never rewritten.
        if not self._state.adding:
            raise ValueError("A recorded consent cannot be changed.")
        super().save(*args, **kwargs)


class RetentionRun(models.Model):
    """One run of the retention schedule that changed data (not a dry run): the audit
    entries of each rule's outcome hang on it."""

    started_at = models.DateTimeField(_("started at"))
    results = models.JSONField(_("results"), default=list)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return str(_("Retention run of %(when)s") % {"when": f"{self.started_at:%Y-%m-%d %H:%M}"})
