"""Reference data and programmes: standards, their sectors and versions, and each
version's accreditation programme with its requirements."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from accreditation.reference_names import translated_name

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
