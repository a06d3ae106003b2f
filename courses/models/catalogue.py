"""The catalogue: a course has ordered modules, a module has ordered lessons.

Drafting: ``Course`` is a Wagtail snippet with drafts, revisions and preview. Wagtail's
``live`` flag is the one truth for "published and visible to learners"
(``Course.objects.published()``); a new course is a draft until it is published.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, Orderable, PreviewableMixin, RevisionMixin
from wagtail.search import index


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members")
    AUDITORS = "auditors", _("Auditors")


class CourseQuerySet(models.QuerySet):
    def published(self):
        """Courses that are published and visible to learners (Wagtail's ``live``)."""
        return self.filter(live=True)


class Course(DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, ClusterableModel):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC
    )
    # Wagtail's publishing state, the one source of truth; a new course starts as a draft.
    live = models.BooleanField(verbose_name=_("live"), default=False, editable=False)
    prerequisites = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        verbose_name=_("prerequisites"),
        help_text=_("Courses a learner must have completed before enrolling."),
    )
    # What must be done before the course's exams open (courses.prerequisites.exam_prerequisites).
    exam_requires_earlier_lessons = models.BooleanField(
        _("lessons before an exam must be done first"),
        default=False,
        help_text=_(
            "The exam opens only once every required lesson and assignment placed before it "
            "in the course is done."
        ),
    )
    exam_min_practice_percent = models.PositiveSmallIntegerField(
        _("minimum practice score before an exam (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "The learner's best score on each practice quiz of the course must reach this "
            "before an exam opens. Leave empty for no minimum."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("summary"),
        index.AutocompleteField("title"),
        index.FilterField("live"),
        index.FilterField("audience"),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", kwargs={"slug": self.slug})

    # Preview in the Wagtail admin shows the learner's outline page.
    def get_preview_template(self, request, mode_name):
        return "courses/course_detail.html"

    def get_preview_context(self, request, mode_name):
        from courses.selectors import course_outline

        return {
            "course": self,
            "outline": course_outline(course=self, enrollment=None),
            "is_preview": True,
            "request": request,
        }


class Module(Orderable):
    """An ordered part of a course, holding ordered lessons."""

    course = ParentalKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return f"{self.course.title} › {self.title}"


class LessonKind(models.TextChoices):
    CONTENT = "content", _("Content")
    QUIZ = "quiz", _("Quiz")
    ASSIGNMENT = "assignment", _("Assignment")


class Lesson(ClusterableModel):
    """One step of a module: content to read or watch, a quiz, or an assignment."""

    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("module")
    )
    sort_order = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=LessonKind.choices, default=LessonKind.CONTENT
    )
    required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("Required lessons (and quizzes) must be done to complete the course."),
    )
    body = RichTextField(_("body"), blank=True)
    video = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("video file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("An MP4 or WebM file, played in the page."),
    )
    video_url = models.URLField(
        _("video link"),
        blank=True,
        help_text=_("A link to a video elsewhere (shown as a link, never embedded)."),
    )
    quiz = models.ForeignKey(
        "quiz.Quiz",
        verbose_name=_("quiz"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lessons",
    )
    assignment = models.ForeignKey(
        "courses.Assignment",
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lessons",
    )

    class Meta:
        ordering = ["module__course", "module__sort_order", "sort_order", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="quiz") | Q(quiz__isnull=False),
                name="lesson_quiz_kind_has_quiz",
            ),
            models.CheckConstraint(
                condition=~Q(kind="assignment") | Q(assignment__isnull=False),
                name="lesson_assignment_kind_has_assignment",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.kind == LessonKind.QUIZ and not self.quiz_id:
            raise ValidationError({"quiz": _("Choose the quiz of this quiz lesson.")})
        if self.kind == LessonKind.ASSIGNMENT and not self.assignment_id:
            raise ValidationError({"assignment": _("Choose the assignment of this lesson.")})

    def get_absolute_url(self) -> str:
        return reverse(
            "courses:lesson", kwargs={"slug": self.module.course.slug, "lesson_id": self.pk}
        )

    @property
    def video_is_playable(self) -> bool:
        name = (self.video.file.name if self.video else "").lower()
        return name.endswith((".mp4", ".webm", ".ogv", ".ogg"))


class LessonDocument(Orderable):
    """A downloadable document attached to a lesson (a Wagtail document)."""

    lesson = ParentalKey(Lesson, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(
        _("link text"), max_length=200, blank=True, help_text=_("Defaults to the title.")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("downloadable document")
        verbose_name_plural = _("downloadable documents")

    @property
    def label(self) -> str:
        return self.title or self.document.title


class Assignment(models.Model):
    """A task a learner submits (text and/or a file) and staff mark."""

    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    accepts_text = models.BooleanField(_("accepts a text answer"), default=True)
    accepts_file = models.BooleanField(_("accepts a file"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return self.title

    @property
    def max_bytes(self) -> int:
        return int(getattr(settings, "COURSES_ASSIGNMENT_MAX_BYTES", 10 * 1024 * 1024))
