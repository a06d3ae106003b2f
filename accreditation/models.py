"""Accreditation: reference data, programmes, firms, auditors, applications and scopes.

History is kept as rows, never overwritten: a scope element's status on any past date is
read from its status changes; a firm's accreditation on any past date from its periods and
status changes. That is what lets the eligibility engine answer for past dates.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from accreditation.reference_names import translated_name
from lms.storage import private_storage, random_name


def new_certificate_code() -> str:
    """A unique, unguessable code for certificates and the public /verify/<code>/ page."""
    return secrets.token_urlsafe(12)


class RegisterInputQuerySet(models.QuerySet):
    """Rows the public register's read model is computed from (scope, accreditations,
    affiliations, firms' periods, status and own scope, auditor profiles).

    Saves and deletes refresh the read model through signals; writes in bulk send none, so
    they refresh it here (``accreditation.services.register``): a row changed by any path
    never leaves the register behind.
    """

    def update(self, **kwargs):
        from accreditation.services.register import auditors_of_rows, touch

        pks = list(self.values_list("pk", flat=True))
        before = auditors_of_rows(self.model, pks)
        count = super().update(**kwargs)
        touch(before | auditors_of_rows(self.model, pks))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        from accreditation.services.register import touch_created

        created = super().bulk_create(objs, *args, **kwargs)
        touch_created(self.model, created)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        from accreditation.services.register import (
            auditors_of_instances,
            auditors_of_rows,
            touch,
        )

        objs = list(objs)
        before = auditors_of_rows(self.model, [obj.pk for obj in objs])
        count = super().bulk_update(objs, fields, *args, **kwargs)
        touch(before | auditors_of_instances(self.model, objs))
        return count


# --- Reference data -------------------------------------------------------------------


class Standard(models.Model):
    """A standard of the programme: Performance Standard (PS), Chain of Custody (CoC)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (exports and the API keep ``name``)."""
        return translated_name(self.name)


class Sector(models.Model):
    """A supply-chain activity in a standard's vocabulary (a slug such as ``casthouse``)."""

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="sectors")
    slug = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["standard", "name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            models.UniqueConstraint(fields=["standard", "slug"], name="sector_unique_per_standard")
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.standard.code})"

    @property
    def display_name(self) -> str:
        """The name in the active language (exports and the API keep ``name``)."""
        return translated_name(self.name)


class StandardVersion(models.Model):
    """A version of a standard, its effective dates and its sector vocabulary.

    A version may require transition training: after ``transition_deadline`` an auditor
    without it is not eligible for this version.
    """

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("version"), max_length=16)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    sectors = models.ManyToManyField(Sector, related_name="versions", blank=True)
    transition_deadline = models.DateField(
        _("transition training deadline"),
        null=True,
        blank=True,
        help_text=_("After this date, auditors without the transition training are not eligible."),
    )

    class Meta:
        ordering = ["standard", "-effective_from"]
        verbose_name = _("standard version")
        verbose_name_plural = _("standard versions")
        constraints = [
            models.UniqueConstraint(fields=["standard", "version"], name="standard_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.standard.code} {self.version}"


# --- Programmes and requirements ------------------------------------------------------


class Programme(ClusterableModel):
    """The accreditation programme of one standard version."""

    standard_version = models.OneToOneField(
        StandardVersion, on_delete=models.PROTECT, related_name="programme"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    accreditation_validity_months = models.PositiveSmallIntegerField(
        _("accreditation valid for (months)"), default=36
    )

    class Meta:
        verbose_name = _("accreditation programme")
        verbose_name_plural = _("accreditation programmes")

    def __str__(self) -> str:
        return self.name


class Requirement(models.Model):
    """One condition of a programme, as a row staff edit."""

    class Kind(models.TextChoices):
        COURSE_COMPLETED = "course", _("Course completed")
        QUIZ_PASSED = "quiz", _("Quiz passed with at least N %")
        EXAM_PASSED = "exam", _("Exam passed")
        ASSIGNMENT_ACCEPTED = "assignment", _("Assignment accepted")
        EVIDENCE_ACCEPTED = "evidence", _("Evidence accepted by staff")

    programme = ParentalKey(Programme, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refresher_course = models.ForeignKey(
        "courses.Course",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("refresher course"),
        help_text=_("Completing this course also meets (and renews) the requirement."),
    )
    quiz = models.ForeignKey(
        "quiz.Quiz", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    min_percent = models.DecimalField(
        _("minimum score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    assignment = models.ForeignKey(
        "courses.Assignment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence_description = models.TextField(
        _("evidence asked for"),
        blank=True,
        help_text=_("E.g. a lead-auditor course certificate, or a CV showing audit days."),
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requirements",
        help_text=_("Only for this sector (a sector-specific module). Empty: every sector."),
    )
    recency_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("E.g. 24: training older than this no longer counts; a refresher renews it."),
    )
    is_transition = models.BooleanField(
        _("transition training"),
        default=False,
        help_text=_("Required by the standard version's transition deadline."),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "sort_order", "pk"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        needed = {
            self.Kind.COURSE_COMPLETED: ("course", _("Choose the course.")),
            self.Kind.QUIZ_PASSED: ("quiz", _("Choose the quiz.")),
            self.Kind.EXAM_PASSED: ("quiz", _("Choose the exam (a quiz marked as an exam).")),
            self.Kind.ASSIGNMENT_ACCEPTED: ("assignment", _("Choose the assignment.")),
        }.get(self.kind)
        if needed and getattr(self, f"{needed[0]}_id") is None:
            raise ValidationError({needed[0]: needed[1]})
        if (
            self.sector_id
            and self.programme_id
            and self.sector.standard_id != self.programme.standard_version.standard_id
        ):
            raise ValidationError(
                {"sector": _("The sector must belong to the programme's standard.")}
            )


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


# The audit log's action codes of this app (registered in ``wagtail_hooks``; entries are
# written by ``lms.audit.record``, decisions through ``services.record_decision``).
DECISION_ACTIONS = {
    "accreditation.application.rejected": _("Application rejected"),
    "accreditation.evidence.accepted": _("Evidence accepted"),
    "accreditation.evidence.rejected": _("Evidence rejected"),
    "accreditation.granted": _("Accreditation granted"),
    "accreditation.suspended": _("Accreditation suspended"),
    "accreditation.reinstated": _("Accreditation reinstated"),
    "accreditation.withdrawn": _("Accreditation withdrawn"),
    "accreditation.scope.reduced": _("Accreditation scope reduced"),
    "accreditation.renewed": _("Accreditation renewed"),
    "accreditation.expired": _("Accreditation expired"),
    "accreditation.imported": _("Accreditation imported"),
    "accreditation.firm.granted": _("Firm accreditation granted"),
    "accreditation.firm.renewed": _("Firm accreditation renewed"),
    "accreditation.firm.suspended": _("Firm accreditation suspended"),
    "accreditation.firm.reinstated": _("Firm accreditation reinstated"),
    "accreditation.firm.withdrawn": _("Firm accreditation withdrawn"),
    "accreditation.firm_application.approved": _("Firm application approved"),
    "accreditation.firm_application.rejected": _("Firm application rejected"),
}
# What people do that is not a decision about them, logged all the same.
EVENT_ACTIONS = {
    "accreditation.application.submitted": _("Application submitted"),
    "accreditation.evidence.uploaded": _("Evidence uploaded"),
    "accreditation.auditor.consent_changed": _("Consent to be named on the register changed"),
    "accreditation.affiliation.requested": _("Affiliation to a firm requested"),
    "accreditation.affiliation.confirmed": _("Affiliation to a firm confirmed"),
    "accreditation.affiliation.declined": _("Affiliation to a firm declined"),
    "accreditation.affiliation.ended": _("Affiliation to a firm ended"),
    "accreditation.firm_application.submitted": _("Firm application submitted"),
    "accreditation.firm.admin_added": _("Firm administrator added"),
    "accreditation.firm.admin_removed": _("Firm administrator removed"),
}


class ReminderSent(models.Model):
    """A reminder e-mail already sent, so that the daily run is safe to repeat.

    ``key`` names what the reminder is about (``scope:<element pk>:<valid_until>``,
    ``firm:<period pk>`` or ``transition:<version pk>:<auditor pk>``); ``days_before`` is
    90, 30 or 7.
    """

    key = models.CharField(max_length=100)
    days_before = models.PositiveSmallIntegerField()
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "days_before", "recipient"], name="reminder_sent_once"
            )
        ]


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


# --- Firm onboarding (an audit firm applies online) -------------------------------------

from accreditation.models_conduct import CodeOfConductAcceptance, CodeOfConductVersion  # noqa: E402, F401
from accreditation.models_onboarding import FirmApplication  # noqa: E402, F401
from accreditation.models_specialists import RegisteredSpecialist  # noqa: E402, F401, I001
