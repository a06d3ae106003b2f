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
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.formats import local_datetime
from lms.storage import private_storage, random_name


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
        return str(_("Retention run of %(when)s") % {"when": local_datetime(self.started_at)})


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Erased")
    WITHDRAWN = "withdrawn", _("Withdrawn by the person")


class ErasureRequest(models.Model):
    """A person's request to have their account erased (``lms.privacy.erasure``).

    ``pending`` until staff decide or the person withdraws it; rejected with a reason, or
    approved and carried out (``done``) in the same transaction (``approved`` is never
    seen committed: an erasure that fails leaves the request pending), with ``outcome``
    saying what each app erased and kept. The account stays as a pseudonymised row
    (``pseudonym``) so that decisions, invoices and statistics that name it keep their
    history. Moves only through the services.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="erasure_requests",
        verbose_name=_("person"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.TextField(_("why the person asks"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    pseudonym = models.CharField(_("pseudonym"), max_length=80, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        permissions = [("decide_erasurerequest", _("Can decide erasure requests"))]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="privacy_erasure_one_pending",
            )
        ]

    def __str__(self) -> str:
        return str(_("Erasure request %(pk)s") % {"pk": self.pk})


# --- Download my data (lms/privacy/export.py) --------------------------------------------


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    BUILDING = "building", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


#: Requested and not finished: a person has at most one of these at a time.
OPEN_EXPORT_STATUSES = (ExportStatus.QUEUED, ExportStatus.BUILDING)
#: How long a download link works once the file is ready (setting
#: ``PRIVACY_EXPORT_VALID_DAYS``; this is its default).
EXPORT_VALID_DAYS = 7


def export_valid_days() -> int:
    return int(getattr(settings, "PRIVACY_EXPORT_VALID_DAYS", EXPORT_VALID_DAYS))


def new_export_token() -> str:
    return secrets.token_urlsafe(32)


def export_upload_to(instance: DataExport, filename: str) -> str:
    """A person's data: a random name in the private storage."""
    return random_name("privacy/exports", filename)


class DataExport(models.Model):
    """One person's request for a copy of their data, and the ZIP file built for it.

    Queued when asked for, built by a background task (``building`` with a percentage),
    then ``ready`` for ``PRIVACY_EXPORT_VALID_DAYS`` (7) days (``expires_at``), served only to
    the person (``lms.privacy.export_views.download``); after that the retention rule
    ``expired-downloads`` deletes the file and marks it ``expired``. ``failed`` keeps no
    file. The file lives in the private storage under a random name.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=export_upload_to,
        storage=private_storage,
        max_length=255,
        blank=True,
    )
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    token = models.CharField(max_length=64, unique=True, default=new_export_token, editable=False)
    error = models.TextField(_("what went wrong"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["queued", "building"]),
                name="privacy_export_one_open",
                violation_error_message=_("Your data is already being prepared."),
            )
        ]

    def __str__(self) -> str:
        return str(_("Data export %(pk)s") % {"pk": self.pk})

    def is_downloadable(self, now: datetime.datetime | None = None) -> bool:
        """Ready, with its file, and the link not past its date."""
        now = now or timezone.now()
        return bool(
            self.status == ExportStatus.READY
            and self.file
            and self.expires_at is not None
            and now < self.expires_at
        )

    def shown_status(self, now: datetime.datetime | None = None) -> str:
        """The status as the person sees it: a ready export past its date is expired even
        before the retention rule has deleted its file (reads never write)."""
        if self.status == ExportStatus.READY and not self.is_downloadable(now):
            return ExportStatus.EXPIRED
        return self.status

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_EXPORT_STATUSES


# --- Who saw what (lms/privacy/access_log.py) --------------------------------------------


class AccessKind(models.TextChoices):
    EVIDENCE_FILE = "evidence_file", _("Evidence file downloaded")
    SUBMISSION_FILE = "submission_file", _("Assignment submission opened")
    ATTEMPT = "attempt", _("Exam or quiz attempt viewed")


class PersonalDataAccess(models.Model):
    """One look by a member of staff at someone else's personal data: who, when, what
    (the object, by content type and id) and whose. Written by
    ``lms.privacy.access_log.record_access``, read by the data-protection officer
    (Reports → Personal data access); never changed."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("whose data"),
    )
    kind = models.CharField(_("what"), max_length=32, choices=AccessKind.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object"), max_length=64)
    path = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [
            models.Index(fields=["owner", "at"], name="privacy_access_owner_at"),
            models.Index(fields=["viewer", "at"], name="privacy_access_viewer_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.content_type_id}:{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        # A record of who looked at what: it is never rewritten.
        if not self._state.adding:
            raise ValueError("A recorded access cannot be changed.")
        super().save(*args, **kwargs)
