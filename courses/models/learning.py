"""What learners do: enrolments (with their status history), lesson completions, course
completions (one row per completion; a retaken course adds a row) and certificates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class EnrollmentStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REVOKED = "revoked", _("Revoked")


# The one map of allowed status moves; services.enrollment_set_status enforces it.
ENROLLMENT_TRANSITIONS: dict[str, set[str]] = {
    EnrollmentStatus.PENDING_PAYMENT: {
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.CANCELLED,
        EnrollmentStatus.REVOKED,
    },
    EnrollmentStatus.ACTIVE: {EnrollmentStatus.COMPLETED, EnrollmentStatus.REVOKED},
    EnrollmentStatus.COMPLETED: set(),
    EnrollmentStatus.CANCELLED: set(),
    EnrollmentStatus.REVOKED: set(),
}

OPEN_STATUSES = (EnrollmentStatus.PENDING_PAYMENT, EnrollmentStatus.ACTIVE)


class Enrollment(models.Model):
    """A learner's place on a course. At most one open (pending or active) per course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.ACTIVE,
    )
    source = models.CharField(
        _("source"), max_length=32, blank=True, help_text=_("self, payment, staff, demo …")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.Lesson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last lesson opened"),
    )
    last_visited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(status__in=["pending_payment", "active"]),
                name="enrollment_one_open_per_course",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def gives_access(self) -> bool:
        """Active and completed enrolments open the lessons; pending ones do not."""
        return self.status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


class EnrollmentStatusChange(models.Model):
    """Every move of an enrolment's status, with who and why (append-only)."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("enrolment status change")
        verbose_name_plural = _("enrolment status changes")


class LessonCompletion(models.Model):
    """A lesson done within one enrolment (content: marked done; quiz: passed;
    assignment: accepted)."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(
        "courses.Lesson", on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(_("completed"))
    source = models.CharField(max_length=16, default="learner")

    class Meta:
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="lesson_completion_once_per_enrollment"
            )
        ]


class CourseCompletion(models.Model):
    """A course completed by a learner on a date. Completing again adds a row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="completions"
    )
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="completion"
    )
    completed_on = models.DateField(_("completed on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        indexes = [models.Index(fields=["user", "course", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.course} · {self.completed_on}"


def new_certificate_code() -> str:
    """A unique, unguessable code for the public /verify/<code>/ page."""
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    """The certificate of completion issued for one course completion.

    Name and title are copied at issue time: the certificate says what was true then. The
    course's title is kept in English (``course_title``) and in each language the course
    was translated into on that day (``course_titles``), so that a reader sees it in their
    language (``localized_course_title``) and a later edit of a translation changes no
    certificate.
    """

    completion = models.OneToOneField(
        CourseCompletion, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(
        _("code"), max_length=64, unique=True, default=new_certificate_code, editable=False
    )
    holder_name = models.CharField(_("holder"), max_length=200)
    course_title = models.CharField(_("course"), max_length=200)
    # Language code -> title, as translated on the day of issue (not edited in the admin).
    course_titles = models.JSONField(default=dict, blank=True, editable=False)
    issued_on = models.DateField(_("issued on"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate of completion")
        verbose_name_plural = _("certificates of completion")

    def __str__(self) -> str:
        return f"{self.course_title} · {self.holder_name}"

    def get_absolute_url(self) -> str:
        return reverse("courses:verify", kwargs={"code": self.code})

    @property
    def localized_course_title(self) -> str:
        """The course's title as issued, in the active language when the course had a
        translation in it on issue, else in English."""
        titles = self.course_titles if isinstance(self.course_titles, dict) else {}
        return titles.get(translation.get_language() or "") or self.course_title

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    def get_pdf_url(self) -> str:
        return reverse("courses:certificate_pdf", kwargs={"code": self.code})
