"""Quizzes and exams: their settings, question slots and random draws, per-user overrides,
and paid exam sittings."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable


class ReviewLevel(models.TextChoices):
    """What the learner may see of a finished attempt (exams: score at most)."""

    NOTHING = "nothing", _("Nothing")
    SCORE = "score", _("Score only")
    CORRECTNESS = "correctness", _("Score and which answers were right")
    FULL = "full", _("Full answers with feedback")


class ReviewWhen(models.TextChoices):
    IMMEDIATELY = "immediately", _("As soon as the attempt is finished")
    AFTER_CLOSE = "after_close", _("After the quiz's close date")


class Quiz(ClusterableModel):
    """A quiz or, with ``is_exam``, a timed accreditation exam."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_exam = models.BooleanField(
        _("is an exam"),
        default=False,
        help_text=_("Exams never show correct answers and draw from their own question pool."),
    )
    pass_mark = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, default=80)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_answers = models.BooleanField(
        _("shuffle choices"),
        default=True,
        help_text=_(
            "Exams always shuffle choices, and matching options are always shuffled, so "
            "that the order never gives an answer away."
        ),
    )
    questions_per_page = models.PositiveSmallIntegerField(
        _("questions per page"), default=1, help_text=_("0 puts every question on one page.")
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty: no time limit.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    attempt_delay_minutes = models.PositiveIntegerField(
        _("minimum delay between attempts (minutes)"), default=0
    )
    open_at = models.DateTimeField(_("opens"), null=True, blank=True)
    close_at = models.DateTimeField(_("closes"), null=True, blank=True)
    review_level = models.CharField(
        _("learners may see"),
        max_length=20,
        choices=ReviewLevel.choices,
        default=ReviewLevel.FULL,
        help_text=_("Exams never show correct answers, whatever is chosen here."),
    )
    review_when = models.CharField(
        _("and see it"), max_length=20, choices=ReviewWhen.choices, default=ReviewWhen.IMMEDIATELY
    )
    sitting_fee_required = models.BooleanField(
        _("a paid sitting is required"),
        default=False,
        help_text=_("Each attempt uses one available exam sitting of the learner."),
    )
    #: The languages the quiz is offered in besides the default (``settings.LANGUAGE_CODE``,
    #: always offered), as codes of ``settings.LANGUAGES``. Staff can offer a language only
    #: when every question any draw could include is fully translated into it
    #: (``courses.quiz.languages``); a candidate picks one when starting.
    languages = models.JSONField(_("also offered in"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quiz:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.open_at and self.close_at and self.close_at <= self.open_at:
            raise ValidationError({"close_at": _("The close date must be after the open date.")})

    @property
    def time_limit(self) -> datetime.timedelta | None:
        if not self.time_limit_minutes:
            return None
        return datetime.timedelta(minutes=self.time_limit_minutes)


class QuizSlot(Orderable):
    """One place in a quiz: a fixed question, or a random draw of N from a category."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        "quiz.Question",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("fixed question"),
    )
    category = models.ForeignKey(
        "quiz.QuestionCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("random draw from category"),
    )
    draw_count = models.PositiveSmallIntegerField(
        _("questions to draw"), default=1, validators=[MinValueValidator(1)]
    )
    include_subcategories = models.BooleanField(_("include subcategories"), default=False)
    mark = models.DecimalField(
        _("mark per question"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the question's default mark."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("question slot")
        verbose_name_plural = _("question slots")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(question__isnull=False, category__isnull=True)
                    | Q(question__isnull=True, category__isnull=False)
                ),
                name="quiz_slot_question_xor_category",
            )
        ]

    def __str__(self) -> str:
        if self.question_id:
            return str(self.question)
        return _("%(n)s random from %(category)s") % {
            "n": self.draw_count,
            "category": self.category,
        }

    def clean(self) -> None:
        super().clean()
        if bool(self.question_id) == bool(self.category_id):
            raise ValidationError(_("Choose either a fixed question or a category to draw from."))
        from courses.quiz.selectors import slot_pool_error

        try:
            quiz = self.quiz
        except Quiz.DoesNotExist:  # a new quiz's inline form: QuizForm checks the pools
            return
        error = slot_pool_error(slot=self, is_exam=quiz.is_exam)
        if error:
            raise ValidationError(error)


class QuizOverride(models.Model):
    """Per-user exceptions: extra attempts and a time factor (e.g. for accessibility)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_overrides"
    )
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    time_factor = models.DecimalField(
        _("time factor"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("10"))],
        # xgettext:no-python-format
        help_text=_("The time limit is multiplied by this, e.g. 1.25 for 25 % extra time."),
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quiz override")
        verbose_name_plural = _("quiz overrides")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user"], name="quiz_override_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.quiz} / {self.user}"


class SittingStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    USED = "used", _("Used")
    REVOKED = "revoked", _("Revoked")


class ExamSitting(models.Model):
    """A paid right to start one attempt of a quiz with ``sitting_fee_required``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_sittings"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="sittings")
    status = models.CharField(
        _("status"), max_length=20, choices=SittingStatus.choices, default=SittingStatus.AVAILABLE
    )
    source = models.CharField(
        _("source"), max_length=255, blank=True, help_text=_("E.g. the order line reference.")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by_attempt = models.OneToOneField(
        "quiz.Attempt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sitting",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("exam sitting")
        verbose_name_plural = _("exam sittings")

    def __str__(self) -> str:
        return f"{self.quiz} / {self.user} ({self.get_status_display()})"
