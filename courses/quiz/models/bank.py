"""The question bank: banks, categories (some of them exam pools), questions and answers."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable, PreviewableMixin


class QuestionBank(models.Model):
    """A named collection of question categories (what `import_questions --bank` fills)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_exam_pool = models.BooleanField(
        _("exam pool"),
        default=False,
        help_text=_("Every category of this bank is an exam pool: only exams may draw from it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")

    def __str__(self) -> str:
        return self.name


class QuestionCategory(models.Model):
    """A category of a bank. ``name`` is the full path, e.g. ``PS/Principles``."""

    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="categories", verbose_name=_("bank")
    )
    name = models.CharField(_("name (path)"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    is_exam_pool = models.BooleanField(
        _("exam pool"),
        default=False,
        help_text=_("Questions of an exam pool can be drawn by exams only, never by practice."),
    )

    class Meta:
        ordering = ["bank__name", "name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        constraints = [
            models.UniqueConstraint(fields=["bank", "name"], name="quiz_category_unique_path")
        ]

    def __str__(self) -> str:
        return f"{self.bank.name}: {self.name}"

    @property
    def exam_pool(self) -> bool:
        """True when exams (and only exams) may use this category's questions."""
        return self.is_exam_pool or self.bank.is_exam_pool


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "truefalse", _("True / false")
    SHORT_ANSWER = "shortanswer", _("Short answer")
    NUMERICAL = "numerical", _("Numerical")
    MATCHING = "matching", _("Matching")
    ESSAY = "essay", _("Essay (marked by hand)")


class TextFormat(models.TextChoices):
    HTML = "html", _("HTML")
    MARKDOWN = "markdown", _("Markdown")
    PLAIN = "plain", _("Plain text")
    MOODLE = "moodle", _("Moodle auto-format")


FRACTION_VALIDATORS = [MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))]


class Question(PreviewableMixin, ClusterableModel):
    """A question of the bank. Attempts keep a snapshot, so editing never changes results.
    The admin's preview shows it as a learner will (``presenters.question_preview``)."""

    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("category"),
    )
    qtype = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    name = models.CharField(_("name"), max_length=255)
    text = models.TextField(_("question text"))
    text_format = models.CharField(
        _("text format"), max_length=10, choices=TextFormat.choices, default=TextFormat.PLAIN
    )
    general_feedback = models.TextField(
        _("general feedback"),
        blank=True,
        help_text=_("Shown after the attempt when the review policy allows feedback."),
    )
    default_mark = models.DecimalField(
        _("default mark"), max_digits=7, decimal_places=2, default=Decimal("1")
    )
    case_sensitive = models.BooleanField(
        _("case sensitive"), default=False, help_text=_("Short answer only.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__name", "name", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.name

    @property
    def is_manually_marked(self) -> bool:
        return self.qtype == QuestionType.ESSAY

    def get_preview_template(self, request, mode_name):
        return "quiz/admin/question_preview.html"

    def get_preview_context(self, request, mode_name):
        from courses.quiz.presenters import question_preview

        return {"object": self, "question": question_preview(self), "request": request}


class Answer(Orderable):
    """A choice, an accepted answer, a numerical value, or a matching pair.

    ``fraction`` is the share of the question's mark the answer earns (-1 to 1; Moodle's
    grade). For matching, ``text`` is the prompt and ``match_text`` its answer (an empty
    prompt makes a distractor answer). For numerical, ``text`` is the value and
    ``tolerance`` the accepted error either side.
    """

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer text"), blank=True)
    match_text = models.TextField(_("matching answer"), blank=True)
    fraction = models.DecimalField(
        _("fraction"),
        max_digits=10,
        decimal_places=7,
        default=Decimal("0"),
        validators=FRACTION_VALIDATORS,
        help_text=_("1 = full marks, 0.5 = half, negative values subtract (multiple choice)."),
    )
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=24, decimal_places=10, default=Decimal("0")
    )
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.text or self.match_text
