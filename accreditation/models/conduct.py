"""The code of conduct auditors accept: its versions, and each auditor's dated acceptance.

A version comes into force on its ``in_force_from`` date and stays in force until the next
version's date (the version in force on day D is the latest with ``in_force_from`` <= D).
An auditor accepts a version when they apply and again when a new version is published
(before or after it comes into force); each acceptance is a dated record that is never
edited. The eligibility engine refuses an auditor who has not accepted the version in force
(``selectors.eligibility.conduct_problems_on``); while no version exists, nothing is asked.

Re-exported by ``accreditation.models``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField

from accreditation.models.auditors import AuditorProfile
from accreditation.models.register_inputs import RegisterInputQuerySet


class CodeOfConductVersionQuerySet(RegisterInputQuerySet):
    """Versions are inputs of the register's read model: a version in force changes who
    may be listed (``services.register``)."""

    def in_force_on(self, on: datetime.date) -> CodeOfConductVersion | None:
        """The version in force on ``on`` (the latest that has started), or None."""
        return self.filter(in_force_from__lte=on).order_by("-in_force_from").first()

    def upcoming(self, on: datetime.date) -> models.QuerySet[CodeOfConductVersion]:
        """Versions published to come into force after ``on``, soonest first."""
        return self.filter(in_force_from__gt=on).order_by("in_force_from")


class CodeOfConductVersion(models.Model):
    """One version of the code of conduct, with the date it comes into force.

    What an auditor accepted must stay what they read: once a version has acceptances its
    label, title, text, document and date cannot be changed (publish a new version)."""

    label = models.CharField(
        _("version"), max_length=40, unique=True, help_text=_("E.g. 2026-1 or 3.0")
    )
    title = models.CharField(_("title"), max_length=200)
    body = RichTextField(_("text"), blank=True)
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Optional: the signed or printable version of the text."),
    )
    in_force_from = models.DateField(
        _("in force from"),
        unique=True,
        help_text=_(
            "From this day auditors who have not accepted this version are not eligible. "
            "Publish it ahead of this date to give them time to accept it."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CodeOfConductVersionQuerySet.as_manager()

    FROZEN_FIELDS = ("label", "title", "body", "document_id", "in_force_from")

    class Meta:
        ordering = ["-in_force_from"]
        verbose_name = _("code of conduct version")
        verbose_name_plural = _("code of conduct versions")

    def __str__(self) -> str:
        return f"{self.title} ({self.label})"

    def clean(self) -> None:
        super().clean()
        if self._state.adding or not self.acceptances.exists():
            return
        stored = type(self).objects.filter(pk=self.pk).values(*self.FROZEN_FIELDS).first() or {}
        if any(stored.get(name) != getattr(self, name) for name in self.FROZEN_FIELDS):
            raise ValidationError(
                _(
                    "Auditors have accepted this version: it cannot be changed. Publish a "
                    "new version instead."
                )
            )


class CodeOfConductAcceptanceQuerySet(RegisterInputQuerySet):
    def accepted_by(self, on: datetime.date) -> CodeOfConductAcceptanceQuerySet:
        """Acceptances made on or before ``on`` (by the end of that day, site time)."""
        next_day = datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min)
        return self.filter(accepted_at__lt=timezone.make_aware(next_day))


class CodeOfConductAcceptance(models.Model):
    """An auditor's acceptance of one version of the code of conduct (a dated record,
    never edited). Written by ``services.conduct.conduct_accept``."""

    auditor = models.ForeignKey(
        AuditorProfile,
        verbose_name=_("auditor"),
        on_delete=models.CASCADE,
        related_name="conduct_acceptances",
    )
    version = models.ForeignKey(
        CodeOfConductVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="acceptances",
    )
    accepted_at = models.DateTimeField(_("accepted at"))

    objects = CodeOfConductAcceptanceQuerySet.as_manager()

    class Meta:
        ordering = ["auditor", "-accepted_at"]
        verbose_name = _("code of conduct acceptance")
        verbose_name_plural = _("code of conduct acceptances")
        constraints = [
            models.UniqueConstraint(
                fields=["auditor", "version"], name="conduct_acceptance_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.auditor} · {self.version.label}"

    def save(self, *args, **kwargs) -> None:
        # A record of what the person accepted and when: never rewritten.
        if not self._state.adding:
            raise ValueError("A recorded acceptance of the code of conduct cannot be changed.")
        super().save(*args, **kwargs)
